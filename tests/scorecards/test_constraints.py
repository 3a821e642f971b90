import pytest
from django.utils import timezone

from apps.core.services import ensure_la
from apps.scorecards.models import Commentary
from tests.constraint_cases import Case, check_case

pytestmark = pytest.mark.django_db


def commentary(**kw):
    fields = {
        "period": "2018-03",
        "org_unit": ensure_la(),
        "section": "",
        "version": 1,
        "text": "x",
        "author_name": "A",
        "written_at": timezone.now(),
    }
    return Commentary.objects.create(**(fields | kw))


CASES = [
    Case(
        "commentary_one_row_per_version",
        lambda: (commentary(), commentary()),
        good=lambda: commentary(section="4"),
    ),
    Case("commentary_version_positive", lambda: commentary(version=0)),
    Case(
        "commentary_period_is_a_month",
        lambda: commentary(period="2018-13"),
        good=lambda: commentary(period="2018-12"),
    ),
    Case("commentary_section_known", lambda: commentary(section="99"), good=lambda: commentary(section="6a")),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)
