"""Engine helpers that turn one grouped query into several figures (no database needed)."""

import pytest

from apps.kpis.engine import relabel, whole_of
from apps.kpis.registry import Part


def test_whole_of_sums_each_team_and_basis_of_a_breakdown():
    found = [
        Part("month", 1, 3, 5, "outcome", "nfa"),
        Part("month", 1, 2, 4, "outcome", "referral"),
        Part("month", None, 1, 1, "outcome", "nfa"),
        Part("ytd", 1, 7, 9, "outcome", "nfa"),
    ]
    assert sorted(whole_of(found), key=lambda p: (p.basis, p.team_id or 0)) == [
        Part("month", None, 1, 1),
        Part("month", 1, 5, 9),
        Part("ytd", 1, 7, 9),
    ]


def test_whole_of_keeps_plain_counts_without_a_denominator():
    assert whole_of([Part("month", 2, 4, None, "age", "3"), Part("month", 2, 1, None, "age", "4")]) == [
        Part("month", 2, 5, None)
    ]


def test_relabel_into_another_dimension_merges_the_finer_groups():
    by_gender_age = [
        Part("at_end", 1, 2, None, "gender_age", "male|16"),
        Part("at_end", 1, 3, None, "gender_age", "male|17"),
        Part("at_end", 1, 4, None, "gender_age", "female|16"),
    ]
    by_gender = relabel(by_gender_age, lambda b: b.partition("|")[0], dimension="gender")
    assert sorted(by_gender, key=lambda p: p.breakdown) == [
        Part("at_end", 1, 4, None, "gender", "female"),
        Part("at_end", 1, 5, None, "gender", "male"),
    ]
    by_age = relabel(by_gender_age, lambda b: b.partition("|")[2], dimension="age")
    assert sorted(by_age, key=lambda p: p.breakdown) == [
        Part("at_end", 1, 6, None, "age", "16"),
        Part("at_end", 1, 3, None, "age", "17"),
    ]


@pytest.mark.django_db
def test_in_list_filters_by_the_given_keys_on_either_database():
    from django.db.models import F

    from apps.kpis.engine import InList
    from apps.people.models import Child

    a, b = Child.objects.create(child_id="A1", sex="F"), Child.objects.create(child_id="B1", sex="M")
    assert list(Child.objects.filter(InList(F("pk"), [a.pk])).values_list("child_id", flat=True)) == ["A1"]
    assert Child.objects.filter(InList(F("pk"), [a.pk, b.pk])).count() == 2
    assert not Child.objects.filter(InList(F("pk"), [])).exists()
