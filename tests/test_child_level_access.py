"""Every child-level URL, found from the URL conf, for every persona: allowed (200 and the data, logged, never
cached) or refused (login redirect, 403 or 404, and none of the child's data in the body, nothing logged).
Every list URL caps its page size.

A view is child-level when it carries `child_level = True` (apps.people.views.ChildLevelMixin,
apps.api.views.ChildLevelAPIMixin). Every URL under /children/ or /api/children/ must be marked, so a new view
there cannot be missed: the test fails until it is marked, and once marked it is walked."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.access import sees_child_level
from apps.accounts.models import AccessLog
from apps.api.views import ChildLevelAPIMixin
from apps.people.views import ChildLevelMixin
from tests.people.helpers import login

pytestmark = pytest.mark.django_db

CHILD_LEVEL_PREFIXES = ("children/", "api/children/", "drill/", "casework/")
PLACEHOLDER = "CHILDIDPLACEHOLDER"

# Which children each persona may see (tests/accounts/test_visibility.py) and whether they see names.
PERSONAS = {
    "anonymous": None,
    "viewer": None,
    "manager_b1": {"CH-B"},  # other team (for child a)
    "manager_a1": {"CH-A", "CH-C"},  # own team
    "head_a": {"CH-A", "CH-A2", "CH-C"},
    "director": {"CH-A", "CH-A2", "CH-B", "CH-C"},
    "analyst": {"CH-A", "CH-A2", "CH-B", "CH-C"},
    "admin": {"CH-A", "CH-A2", "CH-B", "CH-C"},
}
NAMED = {"manager_b1", "manager_a1", "head_a", "director", "admin"}
NAMES = ("Alice", "Ash", "Amir", "Alder", "Birch", "Cara", "Cedar", "alert(1)")


def view_class(callback):
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def is_child_level(callback) -> bool:
    return bool(
        getattr(callback, "child_level", False) or getattr(view_class(callback), "child_level", False)
    )


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        route = prefix + re.sub(r"^\^|\$$", "", str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            params = set(getattr(pattern.pattern, "converters", {}) or {}) | set(
                pattern.pattern.regex.groupindex
            )
            yield route, pattern, namespace, params


def child_level_urls():
    """(route, url name, view class, params) of every child-level pattern; fails on unmarked ones."""
    found, unmarked = [], []
    for route, pattern, namespace, params in walk(get_resolver().url_patterns):
        marked = is_child_level(pattern.callback)
        if route.startswith(CHILD_LEVEL_PREFIXES) and not marked:
            unmarked.append(route)
        if marked:
            assert pattern.name, f"child-level URL {route} has no name"
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append((route, name, view_class(pattern.callback), params))
    assert not unmarked, f"URLs under {CHILD_LEVEL_PREFIXES} whose view is not marked child_level: {unmarked}"
    return found


# A drill-down URL lists the records behind a figure: the LA's contacts of April 2018, one for each child
# of the world (drill_contacts), so every persona's list shows exactly the children they may see.
DRILL = {"kpi": "fd.contacts", "period": "2018-04", "basis": "month"}


@pytest.fixture(autouse=True)
def drill_contacts(request):
    if "world" not in request.fixturenames:
        return
    from datetime import datetime

    from apps.core.periods import LONDON
    from tests.factories import ContactFactory

    world = request.getfixturevalue("world")
    kids, teams = world["children"], world["teams"]
    for key, team in (("a", "A1"), ("a2", "A2"), ("b", "B1")):
        ContactFactory(child=kids[key], team=teams[team], received_at=datetime(2018, 4, 2, 10, tzinfo=LONDON))


@pytest.fixture(autouse=True)
def casework_items(request):
    """Case tracking lists the open work due: an assessment started in 2018 and never authorised, overdue
    today, for each child of the world, recorded by the child's own team (CH-C's by A1, whose contact
    it has), so every persona's case list shows exactly the children they may see."""
    if "world" not in request.fixturenames:
        return
    from datetime import date

    from tests.factories import AssessmentFactory

    world = request.getfixturevalue("world")
    kids, teams = world["children"], world["teams"]
    for key, team in (("a", "A1"), ("a2", "A2"), ("b", "B1"), ("contact_only", "A1")):
        AssessmentFactory(
            child=kids[key], team=teams[team], start_date=date(2018, 1, 8), authorised_date=None
        )


# Lists whose exports are ?format= on the list's own URL: each export is walked as a URL of its own.
EXPORT_QUERIES = {"scorecards:casework": ("csv", "xlsx")}


def variants(name, params, child_id):
    """(url, export format or None) for a child-level URL: the URL itself, then each of its exports."""
    url = build(name, params, child_id)
    yield url, None
    for fmt in EXPORT_QUERIES.get(name, ()):
        yield f"{url}{'&' if '?' in url else '?'}format={fmt}", fmt


def build(name, params, child_id):
    known = {"child_id", "kpi", "name"}
    assert params <= known, f"{name}: teach this test how to fill {params - known}"
    if "name" in params:
        # The API's records of one type: the world's contacts, one for each child (drill_contacts).
        return reverse(name, kwargs={"name": "contacts"})
    if "kpi" in params:
        from apps.core.services import ensure_la
        from apps.scorecards.links import drill_url

        url = drill_url(DRILL["kpi"], period=DRILL["period"], org_unit=ensure_la().code, basis=DRILL["basis"])
        assert url.startswith(reverse(name, kwargs={"kpi": DRILL["kpi"]}))
        return url
    if not params:
        return reverse(name)
    return reverse(name, kwargs={"child_id": PLACEHOLDER}).replace(PLACEHOLDER, child_id)


def text_of(response) -> str:
    """The body as text; an Excel file as the text of its cells."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        return "\n".join(
            " ".join(str(v) for v in row if v is not None) for row in sheet.iter_rows(values_only=True)
        )
    return response.getvalue().decode()


def expected_action(view) -> str:
    return "api" if issubclass(view, ChildLevelAPIMixin) else str(view.access_action)


def test_the_walker_finds_every_child_level_view():
    names = {name for _route, name, _view, _params in child_level_urls()}
    assert names >= {
        "people:child_list",
        "people:child_detail",
        "people:child_export_csv",
        "people:child_export_xlsx",
        "api:child-list",
        "api:child-detail",
        "api:child-timeline",
        "scorecards:drill",
        "api:records",
        "scorecards:casework",
    }
    # The mark comes with the enforcement: only the two base classes set it.
    for route, _name, view, _params in child_level_urls():
        assert issubclass(view, ChildLevelMixin | ChildLevelAPIMixin), route


def test_an_unmarked_view_under_children_fails_the_walker(monkeypatch):
    from apps.people.views import ChildDetailView

    monkeypatch.setattr(ChildDetailView, "child_level", False)
    with pytest.raises(AssertionError, match="not marked child_level"):
        child_level_urls()


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_child_level_url_for_every_persona(client, personas, world, persona):
    user = personas.get(persona)
    if user is not None:
        login(client, user)
    visible = PERSONAS[persona]
    problems = []
    for _route, _name, view, params, url, fmt in (
        (*u, url, fmt) for u in child_level_urls() for url, fmt in variants(u[1], u[3], "CH-A")
    ):
        before = AccessLog.objects.count()
        response = client.get(url)
        body = (
            text_of(response) if response.status_code == 200 else response.getvalue().decode(errors="replace")
        )
        logged = list(AccessLog.objects.order_by("pk")[before:])
        record_url = "child_id" in params
        allowed = visible is not None and (not record_url or "CH-A" in visible)

        def problem(msg, url=url, status=response.status_code):
            problems.append(f"{url} as {persona}: {msg} (status {status})")

        if allowed:
            if response.status_code != 200:
                problem("expected 200")
                continue
            if "no-store" not in response.get("Cache-Control", ""):
                problem(f"Cache-Control {response.get('Cache-Control')!r}, not no-store")
            for child_id in {"CH-A", "CH-A2", "CH-B", "CH-C"}:
                shown = re.search(rf"{child_id}(?![0-9])", body) is not None
                if record_url:
                    if child_id == "CH-A" and not shown:
                        problem("the child's ID is missing")
                elif shown != (child_id in visible):
                    problem(f"{child_id} {'shown' if shown else 'missing'}")
            if persona not in NAMED:
                leaked = [n for n in NAMES if n in body]
                if leaked:
                    problem(f"names shown to an analyst: {leaked}")
            elif not record_url and "Alice" in body and "CH-A" not in visible:
                problem("another team's child's name shown")
            if len(logged) != 1:
                problem(f"expected one access-log row, got {len(logged)}")
            else:
                log = logged[0]
                action = "export" if fmt else expected_action(view)
                if (log.user_id, log.action) != (user.pk, action) or log.rows is None:
                    problem(f"wrong access-log row {log.action} {log.what} rows={log.rows}")
        else:
            if persona == "anonymous":
                if issubclass(view, ChildLevelAPIMixin):
                    # The API asks for credentials: 401 with the scheme to use (an API key).
                    ok = response.status_code == 401 and response.get("WWW-Authenticate") == "Token"
                else:
                    ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
            elif persona == "viewer":
                ok = response.status_code == 403
            else:
                ok = response.status_code == 404
            if not ok:
                problem("expected refusal")
            if issubclass(view, ChildLevelAPIMixin) and "no-store" not in response.get("Cache-Control", ""):
                problem("an API refusal without Cache-Control: no-store")
            for leak in ("CH-A", "Alice", "Ash"):
                if leak in body:
                    problem(f"refused but {leak!r} in the body")
            if logged:
                problem("a refused request was logged as an access")
    assert not problems, "\n".join(problems)
    if user is not None:
        assert sees_child_level(user) == (visible is not None)


FORGED_IDS = [
    "CH-B",
    "NOPE",
    "..",
    "...",
    "ch-a",
    "CH-A ",
    "1 OR 1=1",
    "' OR '1'='1",
    "%00",
    "x" * 300,
    "%2e%2e",
]


def test_forged_ids_are_404_on_every_record_url(client, personas, world):
    login(client, personas["manager_a1"])
    problems = []
    for _route, name, _view, params in child_level_urls():
        if "child_id" not in params:
            continue
        for forged in FORGED_IDS:
            url = build(name, params, forged)
            response = client.get(url)
            body = response.getvalue().decode(errors="replace")
            if response.status_code != 404 or "Birch" in body or "alert(1)" in body:
                problems.append(f"{url}: {response.status_code}")
        for traversal in ("../", "../../admin/", "CH-B/../CH-A"):
            response = client.get(build(name, params, traversal))
            if response.status_code == 200 and "Birch" in response.getvalue().decode():
                problems.append(f"{name} {traversal}: leaked")
    assert not AccessLog.objects.filter(what__contains="CH-B").exists()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "params",
    [
        {"team": "B1"},  # replaced by B1's pk: a team of another service
        {"team": "abc"},
        {"team": "-1"},
        {"team": "1;DROP TABLE people_child"},
        {"sex": "X"},
        {"age_band": "999"},
        {"ethnicity_group": "White' OR '1'='1"},
        {"uasc": "2"},
        {"in_care": "[]"},
        {"on_cp_plan": "true", "team": "B1"},
    ],
)
def test_tampered_filters_on_every_list_url(client, personas, world, params):
    params = {k: (world["teams"]["B1"].pk if v == "B1" else v) for k, v in params.items()}
    login(client, personas["manager_a1"])
    problems = []
    for _route, name, _view, url_params in child_level_urls():
        if url_params:
            continue
        response = client.get(reverse(name), params)
        body = (
            text_of(response) if response.status_code == 200 else response.getvalue().decode(errors="replace")
        )
        if response.status_code not in (200, 400):
            problems.append(f"{name}: status {response.status_code}")
        if "CH-B" in body or "Birch" in body:
            problems.append(f"{name}: another team's child shown")
        if (
            response.status_code == 200
            and "CH-A" in body
            and response.get("Content-Type", "").startswith("text/html")
        ):
            problems.append(f"{name}: invalid filters still listed children")
    assert not problems, "\n".join(problems)


def rows_returned(response) -> int | None:
    """The rows a list URL returned: the page of a table view, the results of an API page; None for a
    response that is every row by design (an export)."""
    context = getattr(response, "context", None)
    if context is not None and "table" in context:
        page = context["table"].page
        return len(page.object_list)
    if response.get("Content-Type", "").startswith("application/json"):
        return len(response.json()["results"])
    return None


def test_every_list_url_caps_its_page_size(client, personas, world):
    """per_page=40000 used to answer 31 MB in 49 s. On every list URL, a huge page size gives at most the
    cap (ChildLevelListView.MAX_PER_PAGE for pages, PAGE_SIZE for the API), and nonsense ones fall back
    to the default, never an error."""
    from django.conf import settings

    from apps.people.views import ChildLevelListView
    from tests.factories import AllocationFactory, ChildFactory

    cap = {"page": ChildLevelListView.MAX_PER_PAGE, "api": settings.REST_FRAMEWORK["PAGE_SIZE"]}
    team = world["teams"]["A1"]
    for n in range(cap["page"] + 5):
        AllocationFactory(child=ChildFactory(child_id=f"CH-X{n:04d}"), team=team)
    login(client, personas["admin"])
    problems, lists = [], 0
    for _route, name, view, params in child_level_urls():
        if params:
            continue
        kind = "api" if issubclass(view, ChildLevelAPIMixin) else "page"
        for query in (
            {"per_page": "40000"},
            {"page_size": "40000"},
            {"per_page": "40000", "page_size": "40000", "limit": "40000"},
            {"per_page": "-1"},
            {"per_page": "0"},
            {"per_page": "abc"},
            {"per_page": "1e9"},
            {"per_page": "40000", "page": "999"},
            {"per_page": "40000", "page": "x"},
        ):
            response = client.get(reverse(name), query)
            rows = rows_returned(response) if response.status_code == 200 else None
            if kind == "api" and response.status_code == 404 and "page" in query:
                continue  # DRF's answer for a page that is past the end or not a number
            if response.status_code != 200:
                problems.append(f"{name} {query}: status {response.status_code}")
            elif rows is not None and not 1 <= rows <= cap[kind]:
                problems.append(f"{name} {query}: {rows} rows (cap {cap[kind]})")
            if rows is not None:
                lists += 1
    assert lists, "no list URL found"
    assert not problems, "\n".join(problems)


def test_the_page_cap_and_its_fallbacks(client, personas, world):
    from apps.people.views import ChildLevelListView
    from tests.factories import AllocationFactory, ChildFactory

    for n in range(ChildLevelListView.MAX_PER_PAGE + 5):
        AllocationFactory(child=ChildFactory(child_id=f"CH-X{n:04d}"), team=world["teams"]["A1"])
    login(client, personas["admin"])
    url = reverse("people:child_list")
    total = ChildLevelListView.MAX_PER_PAGE + 5 + 4

    def page(**query):
        table = client.get(url, query).context["table"]
        return table.paginator.per_page, table.page.number, len(table.page.object_list)

    assert page() == (ChildLevelListView.per_page, 1, ChildLevelListView.per_page)
    assert page(per_page="40000") == (ChildLevelListView.MAX_PER_PAGE, 1, ChildLevelListView.MAX_PER_PAGE)
    assert page(per_page="10", page="2") == (10, 2, 10)
    assert page(per_page="40000", page="2") == (100, 2, total - 100)
    assert page(per_page="40000", page="999") == (100, 2, total - 100)
    for nonsense in ("-1", "0", "abc", "", "1.5"):
        assert page(per_page=nonsense) == (ChildLevelListView.per_page, 1, ChildLevelListView.per_page)
    assert AccessLog.objects.filter(what="child list").last().rows == ChildLevelListView.per_page
