"""A small hand-made bundle and helpers shared by the bundle import/export tests."""

from __future__ import annotations

import io
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from apps.core.models import OrgLevel, OrgUnit
from apps.imports.bundle.spec import FILES

GOOD: dict[str, str] = {
    "teams.csv": """team_code,team_name,service_code,service_name
T1,Front Door,S1,Early Help and MASH
T2,Assessment,S2,Safeguarding
""",
    "workers.csv": """worker_id,name,team_code,fte,employment,start_date,end_date
W1,Ann Smith,T1,1,permanent,2017-01-01,
W2,Bob Jones,T2,0.5,agency,2018-01-01,2019-01-01
""",
    "posts.csv": """post_id,team_code,funded,status,fte,start_date,end_date
P1,T1,Y,permanent,1,2017-01-01,
P2,T2,y,vacant,,2018-01-01,2018-12-31
""",
    "population.csv": """year,age_0_17
2017,45000
2018,45500
""",
    # A BOM and an x_ column are both allowed.
    "children.csv": """\ufeffchild_id,given_name,family_name,sex,date_of_birth,expected_date_of_birth,ethnicity,disability,uasc,uasc_ceased_date,x_note
C1,Amy,Adams,F,2010-05-01,,WBRI,n,N,,ignored
C2,Ben,"Brown, Jr",M,2012-06-02,,,Y,,,
C3,,,U,,2019-01-10,,,,,
""",
    "allocations.csv": """allocation_id,child_id,team_code,worker_id,start_date,end_date
AL1,C1,T1,W1,2018-03-01,2018-04-01
AL2,C1,T2,,2018-04-01,
""",
    "contacts.csv": """contact_id,child_id,received_at,source,initial_rag,final_rag,decided_at,outcome,team_code
K1,C1,2018-03-01T09:30:00,1A,RED,AMBER,2018-03-02T10:00:00+00:00,csc_referral,T1
K2,C2,2018-07-01T09:30:00,6,,,,,
K3,C3,2018-07-02 14:00,,GREEN,GREEN,,nfa,T1
""",
    "referrals.csv": """referral_id,child_id,contact_id,referral_date,source,primary_need,nfa,team_code,worker_id,closure_date,closure_reason
R1,C1,K1,2018-03-02,1A,N1,N,T2,W2,2018-09-01,RC1
""",
    "assessments.csv": """assessment_id,child_id,referral_id,start_date,authorised_date,child_seen,child_seen_date,outcome,team_code,worker_id
A1,C1,R1,2018-03-05,2018-04-20,Y,2018-03-06,cin_plan,T2,W2
""",
    # Only some optional columns: the others are left blank on create.
    "strategy_discussions.csv": """discussion_id,child_id,referral_id,held_date,completed,invited_police,attended_police
D1,C1,R1,2018-03-03,Y,Y,N
""",
    "s47_enquiries.csv": """s47_id,child_id,referral_id,discussion_id,start_date,completed_date,outcome,icpc_not_required,team_code
S1,C1,R1,D1,2018-03-03,2018-03-20,icpc,N,T2
""",
    "conferences.csv": """conference_id,child_id,s47_id,kind,held_date,plan_made,participation
CF1,C1,S1,initial,2018-03-22,Y,PN1
""",
    "cp_plans.csv": """plan_id,child_id,referral_id,start_date,end_date,initial_category,latest_category,team_code
CP1,C1,R1,2018-03-22,,NEG,EMO,T2
""",
    "care_episodes.csv": """episode_id,child_id,start_date,rne,legal_status,category_of_need,placement_type,placement_provider,placement_postcode,placement_inside_la,end_date,reason_ceased,reason_placement_change,team_code
E1,C2,2018-08-01,S,V2,N1,U1,PR1,AB1 2CD,Y,2018-10-01,X1,CARPL,T2
E2,C2,2018-10-01,P,V2,N1,U1,PR1,,N,,,,T2
""",
    "health_assessments.csv": """health_assessment_id,child_id,kind,completed_date
H1,C2,initial,2018-08-20
""",
    "care_leavers.csv": """child_id,status_date,eligibility,in_touch,last_contact_date,activity,accommodation,accommodation_suitable,pa_worker_id,pathway_plan_review_date
C2,2019-01-01,relevant,YES,2018-12-20,F1,B,Y,W1,
""",
    "adoptions.csv": """child_id,entered_care_date,decision_date,placement_order_date,matched_date,placed_date,adoption_order_date,no_longer_placed_date,no_longer_placed_reason
C2,2018-08-01,2018-09-01,,,,,,
""",
    "families.csv": """family_id,attached_date,outcome_met_date,claimed_date
F1,2018-01-01,2018-06-01,
""",
    "family_members.csv": """family_id,person_id,role,sex,date_of_birth,ethnicity
F1,P1,adult,F,1980-01-01,WBRI
F1,P2,child,M,2010-01-01,
""",
    "life_story_work.csv": """child_id,start_date,end_date
C2,2018-09-01,
""",
    "entered_measures.csv": """kpi_code,period,value,numerator,denominator,org_unit,note
x.test,2018-04,12.5,,,,LA figure
x.test,2018-04,,3,4,T1,
x.test,2018-05,1,,,S1,service
""",
}

GOOD_ROWS = {name: text.strip().count("\n") for name, text in GOOD.items()}


def write_bundle(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def record_models():
    return [OrgUnit, *(apps.get_model(spec.model) for spec in FILES if spec.model != "core.OrgUnit")]


def dump() -> dict[str, list[dict]]:
    """Every row of every record table (the bundle's models and the org units), in pk order."""
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in record_models()}


def wipe_records() -> None:
    """An empty database as far as the bundle is concerned (the LA node stays)."""
    for spec in reversed(FILES):
        if spec.model != "core.OrgUnit":
            apps.get_model(spec.model).objects.all().delete()
    OrgUnit.objects.filter(level=OrgLevel.TEAM).delete()
    OrgUnit.objects.filter(level=OrgLevel.SERVICE).delete()


def run_import(path: Path, *args: str) -> str:
    """Runs import_bundle; returns what it wrote to stderr (the report). Raises CommandError on failure."""
    err = io.StringIO()
    call_command("import_bundle", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def run_import_failing(path: Path, *args: str) -> str:
    """Runs import_bundle expecting failure (CommandError); returns the report."""
    from django.core.management import CommandError

    err = io.StringIO()
    try:
        call_command("import_bundle", str(path), *args, stdout=io.StringIO(), stderr=err)
    except CommandError:
        return err.getvalue()
    raise AssertionError("import_bundle succeeded but should have failed:\n" + err.getvalue())
