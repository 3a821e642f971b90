from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.constraint_cases import Case, check_case
from tests.factories import ContactFactory, EarlyHelpEpisodeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

D = date
LONDON = ZoneInfo("Europe/London")
RECEIVED = datetime(2018, 4, 3, 9, 30, tzinfo=LONDON)

CASES = [
    Case("contact_id_not_blank", lambda: ContactFactory(contact_id="")),
    Case(
        "contact_source_valid", lambda: ContactFactory(source="11"), good=lambda: ContactFactory(source="10")
    ),
    Case(
        "contact_initial_rag_valid",
        lambda: ContactFactory(initial_rag="PINK"),
        good=lambda: ContactFactory(initial_rag="BLUE"),
    ),
    Case(
        "contact_final_rag_valid",
        lambda: ContactFactory(final_rag="red"),
        good=lambda: ContactFactory(final_rag="RED"),
        note="codes are upper case",
    ),
    Case(
        "contact_outcome_valid",
        lambda: ContactFactory(outcome="lost"),
        good=lambda: ContactFactory(outcome=""),
    ),
    Case(
        "contact_decided_after_received",
        lambda: ContactFactory(received_at=RECEIVED, decided_at=datetime(2018, 4, 3, 9, 29, tzinfo=LONDON)),
        good=lambda: ContactFactory(received_at=RECEIVED, decided_at=RECEIVED),
    ),
    Case("referral_id_not_blank", lambda: ReferralFactory(referral_id="")),
    Case(
        "referral_source_valid",
        lambda: ReferralFactory(source="1E"),
        good=lambda: ReferralFactory(source="1D"),
    ),
    Case(
        "referral_need_valid",
        lambda: ReferralFactory(primary_need="NX"),
        good=lambda: ReferralFactory(primary_need="N0"),
    ),
    Case(
        "referral_closure_reason_valid",
        lambda: ReferralFactory(closure_date=D(2018, 6, 1), closure_reason="RC0"),
        good=lambda: ReferralFactory(closure_date=D(2018, 6, 1), closure_reason="RC9"),
    ),
    Case(
        "referral_closed_after_opened",
        lambda: ReferralFactory(referral_date=D(2018, 4, 3), closure_date=D(2018, 4, 2)),
        good=lambda: ReferralFactory(referral_date=D(2018, 4, 3), closure_date=D(2018, 4, 3)),
    ),
    Case("early_help_id_not_blank", lambda: EarlyHelpEpisodeFactory(episode_id="")),
    Case(
        "early_help_end_after_start",
        lambda: EarlyHelpEpisodeFactory(start_date=D(2018, 4, 3), completion_date=D(2018, 4, 2)),
        good=lambda: EarlyHelpEpisodeFactory(start_date=D(2018, 4, 3), completion_date=D(2018, 4, 3)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint(case):
    check_case(case)


@pytest.mark.parametrize("factory", [ContactFactory, ReferralFactory, EarlyHelpEpisodeFactory])
def test_good_row_saves(factory):
    factory().full_clean()
