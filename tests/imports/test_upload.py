"""Imports uploaded in the browser (/imports/): content sniffing, the size limit, the private upload folder,
the dry run -> awaiting confirmation -> confirm (or discard) flow on one ImportRun, the progress fields and
their JSON, the purge of abandoned uploads, the history and report pages, and who may open them.

Every input is made here (strings, openpyxl, zipfile) in tmp_path; tasks run eagerly (test settings)."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AccessAction, AccessLog
from apps.imports import sniff, uploads
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.selectors import run_progress
from apps.people.models import Child
from tests.factories import ImportRunFactory

pytestmark = pytest.mark.django_db

HEADER_OK = "CHILD,SEX,DOB,ETHNIC\nU1,1,01/01/2010,WBRI\nU2,2,02/02/2011,XXXX\n"
EPISODES_COLUMNS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
)
EPISODES_OK = EPISODES_COLUMNS + "U1,01/02/2017,S,C1,N1,U4,PR1,,,,,,\n"
# An episodes table without RNE, which it cannot do without: blocking.
EPISODES_BLOCKED = "CHILD,DECOM,LS\nU1,01/02/2017,C1\n"


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


@pytest.fixture(autouse=True)
def no_calendar():
    # Filling the working-day calendar takes longer than these imports and is not what they test.
    with mock.patch("apps.imports.derived.ensure_calendar"):
        yield


@pytest.fixture
def analyst_client(client, login, personas):
    login(client, personas["analyst"])
    return client


def csv_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["CHILD", "SEX"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def imported() -> list[str]:
    """The children imported here (the personas' world holds CH-A, CH-B... of its own)."""
    return sorted(Child.objects.exclude(child_id__startswith="CH-").values_list("child_id", flat=True))


def folders(root: Path) -> list[Path]:
    return sorted(root.iterdir()) if root.exists() else []


_capture = None


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    """The test's transaction never commits, so `post` runs what a request queues for after its commit (the
    tasks) when the request is over, as a committed request would."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def post(client, url, data=None, **kwargs):
    with _capture(execute=True):
        return client.post(url, data or {}, **kwargs)


def upload(client, fmt: str, files: list, year: str = ""):
    return post(client, reverse("imports:new"), {"format": fmt, "files": files, "year": year})


# == sniffing ==================================================================================================


def looks(data: bytes) -> sniff.Looks:
    return sniff.sniff(io.BytesIO(data))


def test_sniff_reads_the_content_not_the_name():
    assert looks(xlsx_bytes()) == sniff.Looks("xlsx")
    assert looks(zip_bytes({"children.csv": "child_id\n", "sub/contacts.csv": "x,y\n"})) == sniff.Looks(
        "zip_csv"
    )
    assert looks(zip_bytes({"children.csv": "a,b\n", "notes.txt": "hi"})) == sniff.Looks("zip", "notes.txt")
    # A Mac's "Compress" metadata is not one of the user's files.
    assert looks(zip_bytes({"a.csv": "a,b\n", "__MACOSX/._a.csv": "x"})).kind == "zip_csv"
    assert looks(zip_bytes({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"})).kind == "office"
    assert looks(b"PK\x03\x04 not really a zip").kind == "bad_zip"
    xml = (
        b"\xef\xbb\xbf \n<?xml version='1.0'?>\n<!-- a comment -->\n<!DOCTYPE m>\n<cin:Message xmlns:cin='x'>"
    )
    assert looks(xml) == sniff.Looks("xml", "Message")
    assert looks(b"<Message><Header/></Message>") == sniff.Looks("xml", "Message")
    assert looks("\ufeffCHILD,SEX,DOB\nA1,1,01/01/2010\n".encode()) == sniff.Looks("csv")
    assert looks("CHILD,SEX\r\n".encode("utf-16")).kind == "csv"  # a BOM says UTF-16
    assert looks(b"Dear team, please find attached\nthe return for March.\nThanks\n").kind == "text"
    assert looks(b"CHILD,,SEX\n").kind == "text"  # a header names every column
    assert looks(b"%PDF-1.7 ...") == sniff.Looks("binary", "a PDF document")
    assert looks(bytes(range(256))).kind == "binary"
    assert looks(b"") == sniff.Looks("empty")


def test_a_character_cut_by_the_end_of_the_head_is_still_text():
    data = ("CHILD,NAME\n" + "A1,Zoë\n" * 20000).encode()
    cut = sniff.HEAD_BYTES
    assert data[cut - 1 : cut + 1] != data[cut - 1 : cut + 1].decode("utf-8", "ignore").encode()  # cut in "ë"
    assert looks(data).kind == "csv"


def test_every_registered_format_is_offered_with_its_rule():
    from apps.imports.statutory import FORMATS

    offered = {code: rule for code, _, rule in sniff.formats()}
    assert set(offered) == {"bundle", *FORMATS}
    assert offered["ssda903"].many and offered["ssda903"].kinds == {"csv", "xml"}
    # The 903 comes as its CSV set or as its XML form, whose root is EXPSSDA903.
    assert offered["ssda903"].takes(sniff.Looks("xml", "EXPSSDA903"))
    assert not offered["ssda903"].takes(sniff.Looks("xml", "Message"))
    assert not offered["bundle"].many and offered["bundle"].kinds == {"zip_csv"}
    # Annex A takes a workbook, the CIN census its XML.
    assert sniff.rule("annex_a").takes(sniff.Looks("xlsx"))
    assert not sniff.rule("annex_a").takes(sniff.Looks("csv"))
    assert sniff.rule("cin_census").takes(sniff.Looks("xml", "Message"))
    assert not sniff.rule("cin_census").takes(sniff.Looks("xml", "EXPSSDA903"))


def test_a_format_registered_in_formats_appears_on_the_page_by_itself(analyst_client, monkeypatch):
    from apps.imports import statutory

    class Census:
        format, label = "cin_census", "CIN census (test double)"

    monkeypatch.setitem(statutory.FORMATS, "cin_census", Census)
    page = analyst_client.get(reverse("imports:new")).content.decode()
    assert 'value="cin_census"' in page and "CIN census (test double): the CIN census XML file" in page
    assert 'value="ssda903"' in page and 'value="bundle"' in page


def test_safe_names():
    assert uploads._safe_names(
        ["../../etc/passwd", "C:\\Users\\me\\header.csv", "header.csv", ".env", "a b.csv"]
    ) == [
        "passwd",
        "header.csv",
        "header-2.csv",
        "env",
        "a_b.csv",
    ]


# == refusals: nothing kept, nothing recorded ====================================================================


def test_a_file_that_is_not_what_the_format_takes_is_refused_naming_it(analyst_client, upload_dir):
    workbook = SimpleUploadedFile("episodes.csv", xlsx_bytes())  # an .xlsx called .csv
    response = upload(analyst_client, "ssda903", [csv_file("header.csv", HEADER_OK), workbook])
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        "episodes.csv: this looks like an Excel workbook (.xlsx), but SSDA903 return takes the return&#x27;s CSV"
        in text
    )
    assert "header.csv:" not in text  # the good file is not blamed
    assert not ImportRun.objects.exists() and folders(upload_dir) == []

    response = upload(analyst_client, "bundle", [csv_file("children.csv", "child_id,sex\nC1,F\n")])
    assert (
        "children.csv: this looks like a CSV file with a header row, but CSV bundle (.zip) takes one .zip"
        in (response.content.decode())
    )
    response = upload(
        analyst_client,
        "bundle",
        [SimpleUploadedFile("a.zip", zip_bytes({"a.csv": "a,b\n"})), csv_file("b.csv", "a,b\n")],
    )
    assert "CSV bundle (.zip) takes one file" in response.content.decode()
    assert not ImportRun.objects.exists() and folders(upload_dir) == []


def test_no_format_or_no_file_says_what_to_do(analyst_client):
    text = analyst_client.post(reverse("imports:new"), {}).content.decode()
    assert "Choose the format of the files." in text
    text = upload(analyst_client, "ssda903", []).content.decode()
    assert "Choose the files to upload: the return&#x27;s CSV files" in text
    assert not ImportRun.objects.exists()


def test_the_limit_is_100_mb_by_default():
    from portal.settings import base

    assert base.IMPORT_UPLOAD_MAX_BYTES == 100 * 1000 * 1000
    # Files above Django's in-memory size stream to a temporary file as they arrive.
    assert base.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024


def test_an_upload_over_the_limit_is_refused_and_nothing_kept(analyst_client, settings, upload_dir):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    big = HEADER_OK + "".join(f"B{i},1,01/01/2010,WBRI\n" for i in range(100))  # 2.6 KB
    assert len(big) > 1000
    response = upload(analyst_client, "ssda903", [csv_file("header.csv", big)])
    assert response.status_code == 413
    assert "larger than the limit of 1,000 bytes" in response.content.decode()
    assert not ImportRun.objects.exists() and folders(upload_dir) == [] and not imported()
    # Under it, the same form is taken.
    response = upload(analyst_client, "ssda903", [csv_file("header.csv", HEADER_OK)])
    assert response.status_code == 302


def test_a_100_mb_upload_is_refused_while_streamed(rf, personas, tmp_path, upload_dir, settings):
    """A real 100 MB request body, from a sparse file on disk through the WSGI input stream: refused, and
    nothing is kept or recorded. The file's bytes are never held in memory whole."""
    from django.core.handlers.wsgi import WSGIRequest

    from apps.core.uploads import UploadLimitMiddleware
    from apps.imports.views import NewView

    size = settings.IMPORT_UPLOAD_MAX_BYTES + 1
    boundary = "BoUnDaRy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\nssda903\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="header.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nCHILD,SEX\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = tmp_path / "body"
    with open(body, "wb") as f:
        f.write(head)
        f.seek(len(head) + size)  # a hole: 100 MB of zeros that take no disk
        f.write(tail)
    length = os.path.getsize(body)
    assert length > 100 * 1000 * 1000
    with open(body, "rb") as stream:
        request = WSGIRequest(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/imports/new/",
                "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
                "CONTENT_LENGTH": str(length),
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "wsgi.input": stream,
                "wsgi.url_scheme": "http",
            }
        )
        request.user = personas["analyst"]
        request._dont_enforce_csrf_checks = True
        view = NewView.as_view()
        UploadLimitMiddleware(view).process_view(request, view, (), {})
        response = view(request)
    assert response.status_code == 413
    assert "larger than the limit of 100 MB" in response.content.decode()
    assert not ImportRun.objects.exists() and folders(upload_dir) == []


# == the flow ====================================================================================================


def test_upload_check_confirm_import(analyst_client, personas, upload_dir, la):
    response = upload(
        analyst_client,
        "ssda903",
        [csv_file("header.csv", HEADER_OK), csv_file("episodes.csv", EPISODES_OK)],
        "2018",
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    # The dry run has run (eagerly): its report waits for confirmation, nothing written.
    assert run.status == ImportStatus.AWAITING and run.dry_run and run.year == 2018
    assert (
        run.kind == "ssda903"
        and run.source == "header.csv, episodes.csv"
        and run.started_by == personas["analyst"]
    )
    assert not imported()
    assert run.counts["children.csv"] == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    assert run.counts["care_episodes.csv"] == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0}
    assert run.error_count == 0
    ethnic = [w for w in run.warnings if w["column"] == "ETHNIC"]
    assert [(w["file"], w["row"], w["value"]) for w in ethnic] == [("header.csv", 3, "XXXX")]
    # Kept in a private folder of its own, files as named (made safe), readable by the owner only.
    (folder,) = folders(upload_dir)
    assert run.upload_dir == str(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["episodes.csv", "header.csv"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "header.csv").stat().st_mode & 0o777) == "0o600"
    assert run.phase == ""  # progress cleared once done

    page = analyst_client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Awaiting confirmation" in page and "Confirm and import" in page and "Discard the upload" in page
    assert "Warning" in page and "XXXX" in page and "Blocking errors (0)" in page

    response = post(analyst_client, reverse("imports:confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED and not run.dry_run
    assert imported() == ["U1", "U2"]
    assert run.counts["children.csv"]["created"] == 2
    assert "confirmed by p-analyst" in run.command
    assert folders(upload_dir) == []  # deleted once applied
    assert ImportRun.objects.count() == 1  # one run from upload to import

    # Confirming again does nothing.
    response = post(analyst_client, reverse("imports:confirm", args=[run.pk]), follow=True)
    assert "cannot be confirmed" in response.content.decode()
    assert imported() == ["U1", "U2"]


def test_a_blocked_dry_run_offers_no_confirm_and_keeps_no_files(analyst_client, upload_dir, la):
    upload(
        analyst_client,
        "ssda903",
        [csv_file("header.csv", HEADER_OK), csv_file("episodes.csv", EPISODES_BLOCKED)],
    )
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and run.error_count >= 1
    assert ("episodes.csv", 1, "RNE") in {(e["file"], e["row"], e["column"]) for e in run.errors}
    assert folders(upload_dir) == []
    page = analyst_client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Blocked: nothing was written" in page and "Blocking" in page
    assert "Confirm and import" not in page and reverse("imports:confirm", args=[run.pk]) not in page
    post(analyst_client, reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and not imported()


def test_discard_writes_nothing_and_deletes_the_files(analyst_client, upload_dir, la):
    upload(analyst_client, "ssda903", [csv_file("header.csv", HEADER_OK)])
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.AWAITING and len(folders(upload_dir)) == 1
    post(analyst_client, reverse("imports:discard", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and "discarded by p-analyst" in run.command
    assert folders(upload_dir) == [] and not imported()
    post(analyst_client, reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED and not imported()


def test_a_bundle_zip_is_checked_then_imported(analyst_client, upload_dir, la):
    bundle = zip_bytes({"children.csv": "child_id,sex,date_of_birth\nZ1,F,2010-05-01\nZ2,M,2012-06-02\n"})
    upload(analyst_client, "bundle", [SimpleUploadedFile("export (1).zip", bundle)])
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.AWAITING, run.errors
    assert run.kind == "bundle" and run.source == "export_1.zip"
    assert run.counts["children.csv"] == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    post(analyst_client, reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert imported() == ["Z1", "Z2"]
    assert folders(upload_dir) == []


def test_confirm_queues_the_import_after_commit(personas, la, upload_dir, django_capture_on_commit_callbacks):
    run = ImportRunFactory(status=ImportStatus.AWAITING, dry_run=True, upload_dir=str(upload_dir / "x"))
    with mock.patch("apps.imports.tasks.upload_apply.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert uploads.upload_confirm(run=run, user=personas["admin"])
        delay.assert_not_called()  # nothing queued before the commit
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING and not run.dry_run


def test_tasks_are_idempotent(la, upload_dir):
    from apps.imports import tasks

    done = ImportRunFactory(status=ImportStatus.SUCCEEDED, upload_dir=str(upload_dir / "gone"))
    # A run not in the state the task expects (here: finished) is left alone.
    assert tasks.upload_validate.delay(done.pk).get() is None
    assert tasks.upload_apply.delay(done.pk).get() is None
    assert tasks.upload_apply.delay(999999).get() is None
    done.refresh_from_db()
    assert done.status == ImportStatus.SUCCEEDED and done.counts == {
        "children.csv": {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    }


def test_a_confirmed_upload_whose_files_are_gone_fails_saying_so(la, upload_dir):
    run = ImportRunFactory(status=ImportStatus.RUNNING, dry_run=False, upload_dir=str(upload_dir / "gone"))
    uploads.upload_apply(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["reason"] == "the uploaded files are no longer kept"


# == purge ========================================================================================================


def test_purge_discards_abandoned_uploads_and_removes_their_files(upload_dir, la):
    now = timezone.now()
    upload_dir.mkdir(parents=True)

    def folder(name, days_old):
        path = upload_dir / name
        path.mkdir()
        (path / "header.csv").write_text(HEADER_OK)
        stamp = (now - timedelta(days=days_old)).timestamp()
        os.utime(path, (stamp, stamp))
        return path

    old = ImportRunFactory(status=ImportStatus.AWAITING, upload_dir=str(folder("old", 8)))
    stuck = ImportRunFactory(status=ImportStatus.RUNNING, dry_run=True, upload_dir=str(folder("stuck", 9)))
    fresh = ImportRunFactory(status=ImportStatus.AWAITING, upload_dir=str(folder("fresh", 1)))
    applying = ImportRunFactory(
        status=ImportStatus.RUNNING, dry_run=False, upload_dir=str(folder("applying", 8))
    )
    orphan = folder("orphan", 8)
    young_orphan = folder("young-orphan", 2)
    ImportRun.objects.filter(pk__in=[old.pk, stuck.pk, applying.pk]).update(
        started_at=now - timedelta(days=8)
    )

    assert uploads.uploads_purge(days=7, now=now) == {"discarded": 2, "folders_removed": 1}
    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    assert statuses[old.pk] == statuses[stuck.pk] == ImportStatus.DISCARDED
    assert statuses[fresh.pk] == ImportStatus.AWAITING and statuses[applying.pk] == ImportStatus.RUNNING
    assert sorted(p.name for p in folders(upload_dir)) == ["applying", "fresh", "young-orphan"]
    assert not orphan.exists() and young_orphan.exists()


def test_purge_command(upload_dir, la, capsys):
    from django.core.management import call_command

    call_command("purge_uploads", "--days", "3")
    assert "0 upload(s) discarded, 0 folder(s) deleted (older than 3 days)" in capsys.readouterr().out


# == progress =====================================================================================================


def test_progress_is_written_at_most_every_second(la):
    run = ImportRunFactory(status=ImportStatus.RUNNING, dry_run=True)
    clock = iter([0.0, 0.0, 0.4, 0.9, 1.5, 1.6, 3.0]).__next__
    progress = uploads.RunProgress(run, dry_run=True, total_bytes=0, clock=clock)
    saved = []
    real_update = type(ImportRun.objects.none()).update

    def update(qs, **values):
        saved.append((values.get("phase"), values.get("progress_done")))
        return real_update(qs, **values)

    with mock.patch.object(type(ImportRun.objects.none()), "update", update):
        progress.phase("check", "children.csv", 5000)  # new phase: saved at once (0.0), then throttled (0.0)
        progress.phase("check", "children.csv", 5000)  # 0.4: not saved
        progress.phase("check", "children.csv", 5000)  # 0.9: not saved
        progress.phase("check", "children.csv", 5000)  # 1.5: saved, 20,000 done
        progress.phase("write", "children.csv", 4000)  # 1.6: new phase (compare in a dry run), saved at once;
        # then (3.0) its 4,000 rows
    assert saved == [("check", 0), ("check", 20000), ("compare", 0), ("compare", 4000)]
    run.refresh_from_db()
    assert run.phase == "compare" and run.progress_total == 20000 and run.progress_unit == "rows"


def test_progress_text_with_rate_and_time_left(la):
    started = timezone.now()
    run = ImportRunFactory(
        status=ImportStatus.RUNNING,
        phase="check",
        phase_started_at=started,
        progress_at=started + timedelta(seconds=10),
        progress_done=500,
        progress_total=2000,
        progress_unit="rows",
        progress_note="contacts.csv",
    )
    p = run_progress(run, now=timezone.now())
    # 500 rows in 10 s: 50 a second; 1,500 to go: 30 s.
    assert p["rate"] == 50 and p["seconds_left"] == 30
    assert p["text"] == "Checking the rows, 500 rows of 2,000 rows, 50 rows/s, about 30 s left (contacts.csv)"
    done = run_progress(ImportRunFactory(status=ImportStatus.SUCCEEDED), now=timezone.now())
    assert done["running"] is False and done["text"] == "Succeeded"


def test_progress_json(analyst_client, la):
    run = ImportRunFactory(status=ImportStatus.RUNNING, phase="read", progress_done=10, progress_unit="bytes")
    data = analyst_client.get(reverse("imports:progress", args=[run.pk])).json()
    assert data["running"] is True and data["phase"] == "read" and data["done"] == 10
    assert data["text"].startswith("Reading the files")


def test_the_run_page_polls_only_while_running(analyst_client, la):
    running = ImportRunFactory(status=ImportStatus.RUNNING)
    page = analyst_client.get(reverse("imports:run", args=[running.pk])).content.decode()
    assert "js/import-progress.js" in page and reverse("imports:progress", args=[running.pk]) in page
    assert "<script>" not in page and "style=" not in page  # the CSP allows neither
    done = ImportRunFactory(status=ImportStatus.SUCCEEDED)
    assert (
        "import-progress.js"
        not in analyst_client.get(reverse("imports:run", args=[done.pk])).content.decode()
    )


# == the pages ==================================================================================================


def test_history_lists_every_run_newest_first_and_filters(analyst_client, personas, la):
    old = ImportRunFactory(kind="bundle", source="var/old-bundle", status=ImportStatus.SUCCEEDED)
    api = ImportRunFactory(kind="api", source="contacts (API)", status=ImportStatus.FAILED, error_count=3)
    new = ImportRunFactory(
        kind="ssda903",
        source="header.csv",
        status=ImportStatus.AWAITING,
        upload_dir="/x",
        started_by=personas["analyst"],
    )
    ImportRun.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=2))
    ImportRun.objects.filter(pk=api.pk).update(started_at=timezone.now() - timedelta(days=1))
    page = analyst_client.get(reverse("imports:history")).content.decode()
    assert page.index("header.csv") < page.index("contacts (API)") < page.index("var/old-bundle")
    assert "Awaiting confirmation" in page and "p-analyst" in page and "(command line)" in page
    page = analyst_client.get(reverse("imports:history"), {"status": "failed"}).content.decode()
    assert "contacts (API)" in page and "header.csv" not in page and "var/old-bundle" not in page
    page = analyst_client.get(reverse("imports:history"), {"kind": "bundle"}).content.decode()
    assert "var/old-bundle" in page and "contacts (API)" not in page
    assert (
        reverse("imports:run", args=[new.pk])
        in analyst_client.get(reverse("imports:history")).content.decode()
    )


def test_report_pages_long_problem_lists(analyst_client, la):
    errors = [
        {"file": "episodes.csv", "row": i, "column": "DECOM", "value": f"V{i}", "reason": "bad"}
        for i in range(2, 122)
    ]
    run = ImportRunFactory(status=ImportStatus.FAILED, errors=errors, error_count=130)
    page = analyst_client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Blocking errors (130)" in page and "130 found; the first 120 are kept" in page
    assert "V2<" in page and "V51<" in page and "V52<" not in page  # 50 a page
    page = analyst_client.get(reverse("imports:run", args=[run.pk]), {"errors_page": 3}).content.decode()
    assert "V102<" in page and "V121<" in page and "V101<" not in page and "page 3 of 3" in page


def test_viewing_a_report_is_in_the_access_log(analyst_client, personas, la):
    run = ImportRunFactory(
        status=ImportStatus.FAILED,
        errors=[{"file": "header.csv", "row": 2, "column": "CHILD", "value": "CH 9", "reason": "bad ID"}],
        error_count=1,
    )
    analyst_client.get(reverse("imports:run", args=[run.pk]))
    entry = AccessLog.objects.get()
    assert entry.user == personas["analyst"] and entry.action == AccessAction.DETAIL
    assert entry.what == f"import run {run.pk}" and entry.rows == 1


def test_query_counts_are_pinned(analyst_client, personas, la, django_assert_num_queries):
    for i in range(30):
        ImportRunFactory(source=f"run-{i}", started_by=personas["admin"] if i % 2 else None)
    # Session, user, OTP device; the runs' count and page (starters joined); nothing per row.
    with django_assert_num_queries(5):
        assert analyst_client.get(reverse("imports:history")).status_code == 200
    run = ImportRunFactory(
        warnings=[
            {"file": "a.csv", "row": i, "column": "X", "value": "v", "reason": "r"} for i in range(200)
        ],
        warning_count=200,
        started_by=personas["admin"],
    )
    # Session, user, OTP device; the run with its starter; the access-log row.
    with django_assert_num_queries(5):
        assert analyst_client.get(reverse("imports:run", args=[run.pk])).status_code == 200


# == who may open them ===========================================================================================

VIEWS = ["history", "new", "run", "progress", "confirm", "discard"]
POST_ONLY = {"confirm", "discard"}


def url_of(name, run):
    return (
        reverse(f"imports:{name}", args=[run.pk])
        if name not in ("history", "new")
        else reverse(f"imports:{name}")
    )


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_users_are_sent_to_sign_in(client, la, name):
    run = ImportRunFactory(status=ImportStatus.AWAITING, upload_dir="/x")
    for method in (client.get, client.post):
        response = method(url_of(name, run))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    run.refresh_from_db()
    assert run.status == ImportStatus.AWAITING


@pytest.mark.parametrize("persona", ["viewer", "manager_a1", "manager_b1", "head_a", "director"])
@pytest.mark.parametrize("name", VIEWS)
def test_other_roles_are_refused(client, login, personas, persona, name, upload_dir):
    run = ImportRunFactory(status=ImportStatus.AWAITING, upload_dir=str(upload_dir / "x"))
    login(client, personas[persona])
    assert client.get(url_of(name, run)).status_code == 403
    assert (
        client.post(
            url_of(name, run), {"format": "ssda903", "files": [csv_file("h.csv", HEADER_OK)]}
        ).status_code
        == 403
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.AWAITING and ImportRun.objects.count() == 1
    assert not AccessLog.objects.exists()
    assert "Imports</a>" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["analyst", "admin"])
@pytest.mark.parametrize("name", VIEWS)
def test_analysts_and_admins_open_every_page(client, login, personas, persona, name, upload_dir):
    run = ImportRunFactory(status=ImportStatus.FAILED)
    login(client, personas[persona])
    if name in POST_ONLY:
        assert client.get(url_of(name, run)).status_code == 405
        response = client.post(url_of(name, run))
        assert response.status_code == 302  # refused with a message: the run is not awaiting confirmation
    else:
        response = client.get(url_of(name, run))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    assert "Imports</a>" in client.get(reverse("home")).content.decode()


def _writing(run, clock):
    """A confirmed import's progress: the write phase entered before the transaction (as services._load
    says), then 500 rows written inside it, a second later."""
    from django.db import transaction

    progress = uploads.RunProgress(run, dry_run=False, total_bytes=0, clock=clock)
    progress.phase("check", "children.csv", 500)
    progress.phase("write", "", 0)
    with transaction.atomic():
        progress.phase("write", "children.csv", 500)
        seen = (
            ImportRun.objects.filter(pk=run.pk).values_list("phase", "progress_done", "progress_total").get()
        )
    progress.close()
    return seen


def test_while_writing_on_sqlite_progress_waits_for_the_commit(la):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    run = ImportRunFactory(status=ImportStatus.RUNNING, dry_run=False)
    clock = iter([0.0, 0.0, 5.0, 5.0, 10.0]).__next__
    # The phase and its total are written before the transaction; the rows inside it are not.
    assert _writing(run, clock) == ("write", 0, 500)


@pytest.mark.django_db(transaction=True)
def test_while_writing_on_postgresql_progress_is_seen_through_a_second_connection():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: two writers at once")
    run = ImportRunFactory(status=ImportStatus.RUNNING, dry_run=False)
    clock = iter([0.0, 0.0, 5.0, 5.0, 10.0]).__next__
    # Read inside the import's open transaction: only a committed write by another connection shows there.
    assert _writing(run, clock) == ("write", 500, 500)


def test_the_csrf_check_still_guards_the_upload_and_reads_the_token_before_the_limit(
    login, personas, settings
):
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, personas["analyst"])
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(reverse("imports:new")).content.decode()
    )
    data = {"format": "ssda903", "files": [csv_file("header.csv", HEADER_OK)]}
    assert client.post(reverse("imports:new"), data).status_code == 403  # no token
    settings.IMPORT_UPLOAD_MAX_BYTES = 10
    data["files"] = [csv_file("header.csv", HEADER_OK)]  # the first post read the file to its end
    response = client.post(reverse("imports:new"), {"csrfmiddlewaretoken": token.group(1), **data})
    assert response.status_code == 413 and not ImportRun.objects.exists()


def test_the_tasks_report_each_phase_on_the_run(analyst_client, la):
    """The dry run reads the files (bytes), checks the rows and compares them; the import, confirmed, does
    the same and writes: each phase is recorded on the run as it begins."""
    seen = []
    values = uploads.RunProgress._values

    def recording(self):
        out = values(self)
        seen.append((out["phase"], out["progress_unit"], out["progress_total"]))
        return out

    with mock.patch.object(uploads.RunProgress, "_values", recording):
        upload(
            analyst_client,
            "ssda903",
            [csv_file("header.csv", HEADER_OK), csv_file("episodes.csv", EPISODES_OK)],
        )
        run = ImportRun.objects.get()
        checked = list(dict.fromkeys(seen))
        seen.clear()
        post(analyst_client, reverse("imports:confirm", args=[run.pk]))
    size = len(HEADER_OK) + len(EPISODES_OK)
    # 2 children and 1 episode checked (the translated record tables' rows), then compared or written.
    assert checked[0] == ("read", "bytes", size)
    assert [p for p, _, _ in checked] == ["read", "check", "compare"]
    assert ("compare", "rows", 3) in checked
    assert [p for p, _, _ in dict.fromkeys(seen)] == ["read", "check", "write"]
    assert ("write", "rows", 3) in seen
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED and run.phase == ""
