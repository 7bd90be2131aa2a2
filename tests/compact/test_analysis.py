"""compact.analysis: fulfilment shares per month against hand-computed figures; version diffs."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compact.analysis import (
    PromiseText,
    RatingRecord,
    changed_keys,
    diff_promises,
    monthly_fulfilment,
    recent_fulfilment,
    word_diff,
)

D = dt.date
F, P, N = "fulfilled", "partly", "not_fulfilled"

# Two TGB meetings in March 2018, one in April 2018.
RECORDS = [
    RatingRecord(D(2018, 3, 6), "hosp-stability", "hospital", F),
    RatingRecord(D(2018, 3, 6), "hosp-stability", "hospital", P),
    RatingRecord(D(2018, 3, 6), "reg-open", "regulator", F),
    RatingRecord(D(2018, 3, 27), "hosp-stability", "hospital", F),
    RatingRecord(D(2018, 3, 27), "reg-open", "regulator", N),
    RatingRecord(D(2018, 4, 10), "hosp-stability", "hospital", N),
    RatingRecord(D(2018, 4, 10), "hosp-stability", "hospital", F),
    RatingRecord(D(2018, 4, 10), "reg-open", "regulator", F),
]


def as_rows(points):
    return [(p.group, p.month, p.fulfilled, p.partly, p.not_fulfilled, p.total) for p in points]


def test_monthly_fulfilment_per_promise_matches_hand_counts():
    points = monthly_fulfilment(RECORDS, by="promise")
    assert as_rows(points) == [
        ("hosp-stability", D(2018, 3, 1), 2, 1, 0, 3),
        ("hosp-stability", D(2018, 4, 1), 1, 0, 1, 2),
        ("reg-open", D(2018, 3, 1), 1, 0, 1, 2),
        ("reg-open", D(2018, 4, 1), 1, 0, 0, 1),
    ]
    assert [round(p.share_fulfilled, 4) for p in points] == [0.6667, 0.5, 0.5, 1.0]
    assert [p.percent_fulfilled for p in points] == [67, 50, 50, 100]


def test_monthly_fulfilment_per_party_and_overall_match_hand_counts():
    by_party = monthly_fulfilment(RECORDS, by="party")
    assert as_rows(by_party) == [
        ("hospital", D(2018, 3, 1), 2, 1, 0, 3),
        ("hospital", D(2018, 4, 1), 1, 0, 1, 2),
        ("regulator", D(2018, 3, 1), 1, 0, 1, 2),
        ("regulator", D(2018, 4, 1), 1, 0, 0, 1),
    ]
    overall = monthly_fulfilment(RECORDS)
    # March: 3 fulfilled of 5 = 60 %; April: 2 of 3 = 66.7 %
    assert [(p.month, p.fulfilled, p.total) for p in overall] == [
        (D(2018, 3, 1), 3, 5),
        (D(2018, 4, 1), 2, 3),
    ]
    assert [p.share_fulfilled for p in overall] == [0.6, pytest.approx(2 / 3)]


def test_recent_fulfilment_counts_only_the_window_of_calendar_months():
    one_month = recent_fulfilment(RECORDS, D(2018, 4, 30), months=1)
    assert (one_month["hosp-stability"].fulfilled, one_month["hosp-stability"].total) == (1, 2)
    two_months = recent_fulfilment(RECORDS, D(2018, 4, 30), months=2)
    assert (two_months["hosp-stability"].fulfilled, two_months["hosp-stability"].total) == (3, 5)
    assert two_months["reg-open"].share_fulfilled == pytest.approx(2 / 3)
    assert two_months["reg-open"].month == D(2018, 3, 1)
    before = recent_fulfilment(RECORDS, D(2018, 3, 20), months=1)  # the 27 March meeting is later
    assert (before["reg-open"].fulfilled, before["reg-open"].total) == (1, 1)


def test_unknown_fulfilment_or_grouping_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="Unknown fulfilment 'kept'"):
        monthly_fulfilment([RatingRecord(D(2018, 1, 1), "k", "hospital", "kept")])
    with pytest.raises(ValueError, match="by must be"):
        monthly_fulfilment(RECORDS, by="trust")
    with pytest.raises(ValueError, match="months must be at least 1"):
        recent_fulfilment(RECORDS, D(2018, 4, 1), months=0)


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=D(2015, 1, 1), max_value=D(2021, 12, 31)),
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from([F, P, N]),
        ),
        max_size=60,
    )
)
def test_every_rating_is_counted_once_and_shares_are_proportions(rows):
    records = [RatingRecord(d, k, "hospital", f) for d, k, f in rows]
    points = monthly_fulfilment(records, by="promise")
    assert sum(p.total for p in points) == len(records)
    assert sum(p.fulfilled for p in points) == sum(1 for r in records if r.fulfilment == F)
    assert all(0 <= p.share_fulfilled <= 1 and p.total > 0 for p in points)


def test_word_diff_marks_inserted_and_deleted_words():
    changes = word_diff(
        "Support board stability and longevity", "Support board stability, longevity and renewal"
    )
    assert [(c.op, c.text) for c in changes] == [
        ("equal", "Support board"),
        ("delete", "stability"),
        ("insert", "stability, longevity"),
        ("equal", "and"),
        ("delete", "longevity"),
        ("insert", "renewal"),
    ]


def test_diff_promises_reports_added_removed_changed_moved_and_same():
    old = [
        PromiseText("a", "regulator", "environment", "Be open and transparent"),
        PromiseText("b", "hospital", "leadership", "Support board stability"),
        PromiseText("c", "hospital", "excellence", "Promote ambition"),
        PromiseText("d", "hospital", "listening", "Ask for help"),
    ]
    new = [
        PromiseText("a", "regulator", "environment", "Be open and transparent"),
        PromiseText("b", "hospital", "leadership", "Support board stability and longevity"),
        PromiseText("d", "hospital", "leadership", "Ask for help"),
        PromiseText("e", "regulator", "leadership", "Facilitate consistent behaviours"),
    ]
    diffs = {d.key: d for d in diff_promises(old, new)}
    assert {k: d.status for k, d in diffs.items()} == {
        "a": "same",
        "b": "changed",
        "c": "removed",
        "d": "moved",
        "e": "added",
    }
    assert [(c.op, c.text) for c in diffs["b"].words] == [
        ("equal", "Support board stability"),
        ("insert", "and longevity"),
    ]
    assert changed_keys(old, new) == {"b", "c", "d"}
    with pytest.raises(ValueError, match="promise key twice"):
        diff_promises(old + old[:1], new)
