"""Codes of every collection year import: OC3 activities F3/P3 (earlier code years), F5/P5 (training or
employment of the later ones) and 0 (not known), and a blank care-episode legal status (not recorded); a
code outside the lists is still refused, naming the file, row and column."""

from __future__ import annotations

import pytest

from apps.care.models import CareEpisode, CareLeaverStatus
from apps.imports.models import ImportRun, ImportStatus
from apps.imports.services import bundle_import

from .bundle_helpers import write_bundle

pytestmark = pytest.mark.django_db

CHILDREN = """child_id,sex,date_of_birth
Y1,F,1998-06-01
Y2,M,1998-06-01
Y3,F,1998-06-01
Y4,M,1998-06-01
Y5,F,1998-06-01
"""

LEAVERS = """child_id,status_date,eligibility,activity
Y1,2018-03-01,former_relevant,F3
Y2,2018-03-01,former_relevant,P3
Y3,2018-03-01,former_relevant,F5
Y4,2018-03-01,former_relevant,P5
Y5,2018-03-01,former_relevant,0
"""


def _import(tmp_path, files):
    return bundle_import(path=write_bundle(tmp_path / "bundle", files))


def test_every_code_years_activity_imports(la, tmp_path):
    run = _import(tmp_path, {"children.csv": CHILDREN, "care_leavers.csv": LEAVERS})
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    stored = dict(CareLeaverStatus.objects.values_list("child__child_id", "activity"))
    assert stored == {"Y1": "F3", "Y2": "P3", "Y3": "F5", "Y4": "P5", "Y5": "0"}


@pytest.mark.parametrize("bad", ["F6", "P0", "00", "G3"])
def test_unknown_activity_is_refused_with_file_row_and_column(la, tmp_path, bad):
    run = _import(
        tmp_path, {"children.csv": CHILDREN, "care_leavers.csv": LEAVERS.replace("P5\n", f"{bad}\n")}
    )
    assert run.status == ImportStatus.FAILED
    assert CareLeaverStatus.objects.count() == 0  # all or nothing
    [error] = run.errors
    assert error["file"] == "care_leavers.csv"
    assert error["row"] == 5  # the header is line 1: Y4 is on line 5
    assert error["column"] == "activity"
    assert error["value"] == bad
    assert "unknown code" in error["reason"] and "F3" in error["reason"] and "0" in error["reason"]
    assert ImportRun.objects.get().status == ImportStatus.FAILED


EPISODES = """episode_id,child_id,start_date,rne,legal_status,placement_type
E1,Y1,2018-01-01,S,C2,U4
E2,Y2,2018-02-01,S,,U6
E3,Y3,2018-03-01,S,   ,U6
"""


def test_blank_legal_status_imports_as_not_recorded(la, tmp_path):
    run = _import(tmp_path, {"children.csv": CHILDREN, "care_episodes.csv": EPISODES})
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    stored = dict(CareEpisode.objects.values_list("episode_id", "legal_status"))
    assert stored == {"E1": "C2", "E2": "", "E3": ""}  # whitespace only is blank too


@pytest.mark.parametrize("bad", ["c2", "Z9", "V5"])
def test_unknown_legal_status_is_refused_with_file_row_and_column(la, tmp_path, bad):
    run = _import(
        tmp_path, {"children.csv": CHILDREN, "care_episodes.csv": EPISODES.replace("S,,U6", f"S,{bad},U6")}
    )
    assert run.status == ImportStatus.FAILED
    assert not CareEpisode.objects.exists()
    [error] = run.errors
    assert (error["file"], error["row"], error["column"], error["value"]) == (
        "care_episodes.csv",
        3,
        "legal_status",
        bad,
    )
    assert "unknown code" in error["reason"]
