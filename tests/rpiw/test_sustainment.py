"""Sustainment verdicts and roll-ups (rpiw/sustainment.py) on hand-built measures, and against a
second implementation written with pandas."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpiw.sustainment import (
    CHECKPOINTS,
    MeasureRecord,
    Rollup,
    Thresholds,
    Verdict,
    checkpoint_rollups,
    falls_while_pace_rises,
    latest_known,
    remaining_share,
    rollup,
    rollup_by,
    rule_text,
    verdict_at,
    verdicts,
)

T = Thresholds()  # sustained ≥ 80%, lost ≤ 20%
END = dt.date(2019, 1, 11)  # a workshop's last day


def lower(baseline, **followups):
    return MeasureRecord(baseline, {int(k[1:]): v for k, v in followups.items()}, True, END)


def higher(baseline, **followups):
    return MeasureRecord(baseline, {int(k[1:]): v for k, v in followups.items()}, False, END)


def verdict_of(record, day=60, **kwargs):
    return verdict_at(record, day, T, **kwargs)


# --- One checkpoint -------------------------------------------------------------------------


def test_a_lead_time_that_keeps_most_of_its_30_day_cut_is_sustained():
    # 100 → 50 at 30 days (a 50-minute cut); 55 at 60 days keeps 45 of the 50: 90%
    v = verdict_of(lower(100, d30=50, d60=55))
    assert v.verdict == Verdict.SUSTAINED and v.share == pytest.approx(0.9)


def test_a_measure_that_improves_further_after_30_days_is_sustained_with_a_share_above_one():
    v = verdict_of(lower(100, d30=50, d60=30))
    assert v.verdict == Verdict.SUSTAINED and v.share == pytest.approx(1.4)


def test_a_measure_keeping_half_its_improvement_is_partly_sustained():
    assert verdict_of(lower(100, d30=50, d60=75)).verdict == Verdict.PARTLY


def test_a_measure_back_at_or_beyond_its_baseline_has_lost_it():
    assert verdict_of(lower(100, d30=50, d60=95)).verdict == Verdict.LOST  # 10% remains
    back = verdict_of(lower(100, d30=50, d60=100))
    assert back.verdict == Verdict.LOST and back.share == 0
    worse = verdict_of(lower(100, d30=50, d60=130))
    assert worse.verdict == Verdict.LOST and worse.share == pytest.approx(-0.6)


def test_the_thresholds_themselves_count_as_sustained_and_lost_exactly():
    # 0.3 → 0.1 → 0.14: (0.3 − 0.14) / (0.3 − 0.1) = 0.8 exactly, though not in binary floats
    assert (0.3 - 0.14) / (0.3 - 0.1) < 0.8  # the trap exact arithmetic avoids
    at_80 = verdict_of(lower(Decimal("0.3"), d30=Decimal("0.1"), d60=Decimal("0.14")))
    assert at_80.verdict == Verdict.SUSTAINED
    # (binary floats in give binary floats' answer: the database's values are decimals)
    at_20 = verdict_of(lower(100, d30=50, d60=90))
    assert at_20.share == pytest.approx(0.2) and at_20.verdict == Verdict.LOST
    assert verdict_of(lower(100, d30=50, d60=89)).verdict == Verdict.PARTLY


def test_higher_is_better_reads_the_improvement_the_other_way():
    # patients seen on time: 40% → 80% at 30 days, 76% at 60 days keeps 36 of 40 points: 90%
    assert verdict_of(higher(40, d30=80, d60=76)).verdict == Verdict.SUSTAINED
    assert verdict_of(higher(40, d30=80, d60=60)).verdict == Verdict.PARTLY
    assert verdict_of(higher(40, d30=80, d60=42)).verdict == Verdict.LOST
    # the same numbers read as lower-is-better: the 30-day "cut" is a rise, nothing to sustain
    assert verdict_of(lower(40, d30=80, d60=76)).verdict == Verdict.NO_GAIN


def test_a_higher_is_better_measure_from_a_zero_baseline():
    assert verdict_of(higher(0, d30=10, d60=9)).verdict == Verdict.SUSTAINED


def test_with_no_30_day_improvement_there_is_nothing_to_sustain():
    flat = verdict_of(lower(100, d30=100, d60=60))
    assert flat.verdict == Verdict.NO_GAIN and flat.share is None
    assert flat.reason == "no improvement at 30 days"
    assert verdict_of(higher(50, d30=50, d60=90)).verdict == Verdict.NO_GAIN
    assert verdict_of(lower(100, d30=120, d60=60)).verdict == Verdict.NO_GAIN  # got worse
    assert remaining_share(100, 100, 60) is None  # and the share is undefined


def test_missing_values_leave_the_verdict_not_yet_known_and_say_why():
    no_baseline = verdict_of(lower(None, d30=50, d60=55))
    assert (no_baseline.verdict, no_baseline.reason) == (Verdict.UNKNOWN, "no baseline")
    no_30 = verdict_of(lower(100, d60=55))
    assert (no_30.verdict, no_30.reason) == (Verdict.UNKNOWN, "no 30-day value")
    record = lower(100, d30=50)
    due = END + dt.timedelta(days=60)
    assert verdict_of(record, as_of=due - dt.timedelta(days=1)).reason == "not yet due"
    overdue = verdict_of(record, as_of=due)
    assert (overdue.verdict, overdue.reason, overdue.due_on) == (
        Verdict.UNKNOWN,
        "not recorded",
        due,
    )
    assert verdict_of(record).reason == "not recorded"  # no date asked about


def test_a_checkpoint_the_rpiw_does_not_have_is_not_yet_known():
    record = MeasureRecord(100, {30: 50, 60: 55, 90: 60}, checkpoints=(60, 90))
    assert [v.day for v in verdicts(record, T)] == [60, 90]
    assert verdict_at(record, 120, T).reason == "no 120-day follow-up"


def test_thresholds_are_settings_and_a_stricter_setting_changes_the_verdict():
    record = lower(100, d30=50, d60=58)  # 84% remains
    assert verdict_of(record).verdict == Verdict.SUSTAINED
    strict = Thresholds.from_mapping({"sustained": 0.9, "lost": 0.5})
    assert verdict_at(record, 60, strict).verdict == Verdict.PARTLY
    assert "at least 90%" in rule_text(strict) and "50% or less" in rule_text(strict)


@pytest.mark.parametrize(
    "mapping",
    [
        {"sustained": 0.2, "lost": 0.8},
        {"sustained": 0.5, "lost": 0.5},
        {"lost": -0.1},
        {"sustained": "high"},
        {"sustained": float("nan")},
        {"sustained": True},
        {"kept": 0.8},
    ],
)
def test_bad_thresholds_are_refused_with_a_message(mapping):
    with pytest.raises(ValueError, match=r"threshold|sustained|setting"):
        Thresholds.from_mapping(mapping)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12", Decimal("NaN")])
def test_a_value_that_is_not_a_finite_number_is_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="number"):
        verdict_of(lower(100, d30=50, d60=bad))


# --- Roll-ups -------------------------------------------------------------------------------


def test_a_measure_counts_once_at_its_latest_known_checkpoint():
    # sustained at 60, lost at 90, 120 not recorded: it counts as lost
    record = lower(100, d30=50, d60=55, d90=95)
    assert latest_known(record, T).day == 90
    assert rollup([record], T) == Rollup(lost=1)
    # with only the 60-day checkpoint in the window, it counts as sustained
    window = (END + dt.timedelta(days=60), END + dt.timedelta(days=60))
    assert rollup([record], T, window=window) == Rollup(sustained=1)


def test_a_roll_up_gives_the_share_sustained_of_the_measures_with_a_verdict():
    records = [
        lower(100, d30=50, d60=52),  # sustained
        lower(100, d30=50, d60=52, d90=60),  # sustained at 90 (80%)
        higher(10, d30=20, d60=15),  # partly (50%)
        lower(100, d30=50, d60=99),  # lost
        lower(100, d30=50),  # not yet known
        lower(100, d30=100, d60=90),  # no 30-day improvement
        lower(None, d60=10),  # not yet known: no baseline
    ]
    result = rollup(records, T)
    assert result == Rollup(sustained=2, partly=1, lost=1, unknown=2, no_gain=1)
    assert result.known == 4 and result.measures == 7
    assert result.share_sustained == 0.5
    assert result.as_dict()["share_sustained"] == 0.5
    assert Rollup().share_sustained is None  # nothing known: no share, not 0%


def test_roll_ups_by_rpiw_value_stream_and_trust():
    def record(trust, stream, rpiw, at_60):
        return MeasureRecord(
            100, {30: 50, 60: at_60}, True, END, rpiw=rpiw, value_stream=stream, trust=trust
        )

    records = [
        record("SASH", "Flow", "S-1", 55),
        record("SASH", "Flow", "S-1", 95),
        record("SASH", "Theatres", "S-2", 60),
        record("LTHT", "Flow", "L-1", 70),
    ]
    by_rpiw = rollup_by(records, lambda r: r.rpiw, T)
    assert by_rpiw == {
        "S-1": Rollup(sustained=1, lost=1),
        "S-2": Rollup(1),
        "L-1": Rollup(partly=1),
    }
    by_stream = rollup_by(records, lambda r: (r.trust, r.value_stream), T)
    assert by_stream[("SASH", "Flow")].share_sustained == 0.5
    by_trust = rollup_by(records, lambda r: r.trust, T)
    assert by_trust["SASH"] == Rollup(sustained=2, lost=1)
    assert by_trust["LTHT"].share_sustained == 0


def test_a_window_takes_only_measures_with_a_checkpoint_due_in_it():
    early = lower(100, d30=50, d60=55)
    late = MeasureRecord(100, {30: 50, 60: 95}, True, END + dt.timedelta(days=400))
    undated = MeasureRecord(100, {30: 50, 60: 55})
    window = (END, END + dt.timedelta(days=365))
    assert rollup([early, late, undated], T, window=window) == Rollup(sustained=1)
    assert rollup([early, late, undated], T) == Rollup(sustained=2, lost=1)


def test_per_checkpoint_counts_judge_every_measure_at_each_checkpoint():
    records = [
        lower(100, d30=50, d60=55, d90=95),
        MeasureRecord(100, {30: 50, 60: 70}, checkpoints=(60, 90)),
    ]
    counts = checkpoint_rollups(records, T)
    assert counts[60] == Rollup(sustained=1, partly=1)
    assert counts[90] == Rollup(lost=1, unknown=1)
    assert counts[120] == Rollup(unknown=1)  # only the first RPIW has a 120-day follow-up


def test_sustainment_falling_while_pace_rises_over_two_windows():
    before, now = Rollup(sustained=4, partly=1), Rollup(sustained=2, lost=2)
    assert falls_while_pace_rises(before, now, previous_pace=10, current_pace=24)
    assert not falls_while_pace_rises(before, now, previous_pace=24, current_pace=24)
    assert not falls_while_pace_rises(now, before, previous_pace=10, current_pace=24)
    assert not falls_while_pace_rises(before, before, previous_pace=10, current_pace=24)
    # too few verdicts in a window to compare
    assert not falls_while_pace_rises(Rollup(2), Rollup(lost=2), previous_pace=1, current_pace=9)
    assert falls_while_pace_rises(
        Rollup(2), Rollup(lost=2), previous_pace=1, current_pace=9, min_measures=2
    )


# --- A second implementation ----------------------------------------------------------------


def _pandas_rollup(frame: pd.DataFrame, sustained: float, lost: float) -> pd.DataFrame:
    """The same rules, vectorised: a verdict per measure and checkpoint, then each measure at its
    latest checkpoint with a known verdict, counted per trust."""
    sign = np.where(frame["lower"], 1.0, -1.0)
    gain = sign * (frame["b"] - frame["d30"])
    rows = []
    for day in CHECKPOINTS:
        share = (frame["b"] - frame[f"d{day}"]) / (frame["b"] - frame["d30"])
        verdict = np.select(
            [share >= sustained, share <= lost, share.notna()],
            ["sustained", "lost", "partly"],
            default="unknown",
        )
        verdict = np.where(frame["b"].isna() | frame["d30"].isna(), "unknown", verdict)
        verdict = np.where(gain <= 0, "no_gain", verdict)
        rows.append(pd.DataFrame({"id": frame["id"], "day": day, "verdict": verdict}))
    long = pd.concat(rows).merge(frame[["id", "trust", "has_120"]], on="id")
    long = long[(long["day"] < 120) | long["has_120"]]
    known = long[long["verdict"].isin(["sustained", "partly", "lost"])]
    latest_known_ = known.sort_values("day").groupby("id").tail(1)
    rest = long[~long["id"].isin(latest_known_["id"])].sort_values("day").groupby("id").tail(1)
    standing = pd.concat([latest_known_, rest])
    counts = standing.pivot_table(
        index="trust", columns="verdict", values="id", aggfunc="count", fill_value=0
    )
    return counts.reindex(
        columns=["sustained", "partly", "lost", "unknown", "no_gain"], fill_value=0
    )


def test_the_roll_up_agrees_with_a_pandas_implementation_on_random_measures():
    rng = np.random.default_rng(20221031)
    n = 600
    frame = pd.DataFrame(
        {
            "id": range(n),
            "trust": rng.choice(["SASH", "LTHT", "UHCW"], n),
            "lower": rng.random(n) < 0.7,
            "has_120": rng.random(n) < 0.4,
            # small whole numbers: exact in floats, so both implementations see the same shares,
            # and ties (no 30-day change, shares of exactly 20% or 80%) happen
            "b": rng.integers(0, 40, n).astype(float),
            **{f"d{d}": rng.integers(0, 40, n).astype(float) for d in (30, *CHECKPOINTS)},
        }
    )
    for column, p_missing in (("b", 0.05), ("d30", 0.1), ("d60", 0.2), ("d90", 0.3), ("d120", 0.5)):
        frame.loc[rng.random(n) < p_missing, column] = np.nan
    records = []
    for row in frame.itertuples():
        followups = {
            d: getattr(row, f"d{d}")
            for d in (30, *CHECKPOINTS)
            if not np.isnan(getattr(row, f"d{d}"))
        }
        records.append(
            MeasureRecord(
                None if np.isnan(row.b) else row.b,
                followups,
                bool(row.lower),
                checkpoints=CHECKPOINTS if row.has_120 else CHECKPOINTS[:-1],
                trust=row.trust,
            )
        )
    for sustained, lost in ((0.8, 0.2), (0.5, 0.25), (1.0, 0.0)):
        thresholds = Thresholds(sustained, lost)
        ours = rollup_by(records, lambda r: r.trust, thresholds)
        theirs = _pandas_rollup(frame, sustained, lost)
        for trust, counts in theirs.iterrows():
            assert ours[trust].as_dict() | {"known": 0, "measures": 0, "share_sustained": 0} == (
                {k: int(v) for k, v in counts.items()}
                | {"known": 0, "measures": 0, "share_sustained": 0}
            ), (trust, sustained, lost)
        assert sum(r.measures for r in ours.values()) == n
        assert {r.sustained > 0 and r.partly > 0 and r.lost > 0 for r in ours.values()} == {True}


# --- Properties -----------------------------------------------------------------------------

values = st.integers(min_value=-1000, max_value=1000)


@settings(max_examples=300, deadline=None)
@given(b=values, v30=values, vd=values, scale=st.integers(1, 50), shift=values)
def test_a_verdict_does_not_depend_on_the_unit_or_the_origin(b, v30, vd, scale, shift):
    # minutes or hours, a count or a count plus a constant: the share of the gain is the same
    def moved(x):
        return Decimal(x) * scale + shift

    plain = verdict_at(MeasureRecord(b, {30: v30, 60: vd}), 60, T)
    scaled = verdict_at(MeasureRecord(moved(b), {30: moved(v30), 60: moved(vd)}), 60, T)
    assert (plain.verdict, plain.share) == (scaled.verdict, scaled.share)


@settings(max_examples=300, deadline=None)
@given(b=values, v30=values, vd=values)
def test_higher_is_better_is_lower_is_better_upside_down(b, v30, vd):
    lower_ = verdict_at(MeasureRecord(b, {30: v30, 60: vd}, lower_is_better=True), 60, T)
    higher_ = verdict_at(MeasureRecord(-b, {30: -v30, 60: -vd}, lower_is_better=False), 60, T)
    assert lower_ == higher_


@settings(max_examples=200, deadline=None)
@given(b=values, v30=values, vd=values)
def test_moving_the_checkpoint_value_towards_the_30_day_value_never_worsens_the_verdict(b, v30, vd):
    rank = {Verdict.LOST: 0, Verdict.PARTLY: 1, Verdict.SUSTAINED: 2}
    before = verdict_at(MeasureRecord(b, {30: v30, 60: vd}), 60, T)
    closer = verdict_at(MeasureRecord(b, {30: v30, 60: (vd + v30) / 2}), 60, T)
    if before.verdict in rank and before.share <= 1:
        assert rank[closer.verdict] >= rank[before.verdict]
