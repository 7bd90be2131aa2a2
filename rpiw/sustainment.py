"""Sustainment of RPIW measures: how much of the 30-day improvement remains at 60, 90 and 120 days.

Pure Python (no Django): plain records in, verdicts and roll-ups out; ``rpiw.selectors`` builds
the records from the database and ``docs/SUSTAINMENT.md`` states the same rules for users.

**The remaining share.** For a measure with baseline *b*, 30-day value *v₃₀* and a value *v_d*
at checkpoint *d* (60, 90 or 120 days after the workshop ended), the 30-day improvement is
*g₃₀ = b − v₃₀* when lower is better and *v₃₀ − b* when higher is better, and the share of it
that remains at *d* is

    r_d = g_d / g₃₀ = (b − v_d) / (b − v₃₀)

(the direction cancels out of the ratio; it decides only whether *g₃₀* is an improvement).
*r_d* = 1 keeps the whole 30-day gain, above 1 has improved further, 0 is back at baseline and
below 0 is worse than baseline. Arithmetic is exact (fractions), so a share of exactly 80% is
80%, not 79.999…%.

**The verdict at a checkpoint**, with thresholds 0 ≤ *lost* < *sustained* (the setting
``SUSTAINMENT``, by default 0.8 and 0.2):

* **sustained** when r_d ≥ *sustained*;
* **lost** when r_d ≤ *lost*;
* **partly sustained** in between;
* **not yet known** when the baseline, the 30-day value or the value at *d* is missing (the
  reason says which; "not yet due" when *d* falls after the date asked about);
* **no 30-day improvement** when *g₃₀* ≤ 0: there is nothing to sustain, so the measure is
  left out of every share (it is counted on its own).

**The roll-up** (an RPIW, a value stream, a trust, the partnership): each measure counts once,
by its verdict at its *latest known checkpoint* (the latest of 60/90/120 days whose verdict is
sustained, partly sustained or lost; optionally only among checkpoints falling due in a window
of dates). The roll-up's figure is the **share sustained**: measures sustained ÷ measures with a
known verdict (sustained + partly + lost). Measures with no known verdict yet are counted as not
yet known and measures with no 30-day improvement on their own; neither enters the share.

**Falling while pace rises.** Over two consecutive windows of equal length (the dashboard uses
the two 365-day windows ending on the period's end, the span of the report's RPIW "pace"),
sustainment *falls while pace rises* when the later window's share sustained is lower than the
earlier one's, each with at least ``TREND_MIN_MEASURES`` known verdicts, and more RPIW workshops
were held in the later window than in the earlier one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

__all__ = [
    "CHECKPOINTS",
    "IMPROVEMENT_DAY",
    "TREND_MIN_MEASURES",
    "CheckpointVerdict",
    "MeasureRecord",
    "Rollup",
    "Thresholds",
    "Verdict",
    "checkpoint_rollups",
    "classify",
    "falls_while_pace_rises",
    "improvement",
    "latest_known",
    "remaining_share",
    "rollup",
    "rollup_by",
    "rule_text",
    "verdict_at",
    "verdicts",
]

IMPROVEMENT_DAY = 30  # the improvement to sustain is the one measured 30 days after the workshop
CHECKPOINTS = (60, 90, 120)  # when it is judged (120 only for RPIWs with that follow-up)
#: A window's share sustained is compared only when it rests on at least this many measures.
TREND_MIN_MEASURES = 3

Number = Decimal | float | int
K = TypeVar("K", bound=Hashable)


class Verdict(StrEnum):
    SUSTAINED = "sustained"
    PARTLY = "partly"
    LOST = "lost"
    UNKNOWN = "unknown"
    NO_GAIN = "no_gain"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_known(self) -> bool:
        return self in KNOWN


LABELS = {
    Verdict.SUSTAINED: "Sustained",
    Verdict.PARTLY: "Partly sustained",
    Verdict.LOST: "Lost",
    Verdict.UNKNOWN: "Not yet known",
    Verdict.NO_GAIN: "No 30-day improvement",
}
KNOWN = (Verdict.SUSTAINED, Verdict.PARTLY, Verdict.LOST)


@dataclass(frozen=True)
class Thresholds:
    """Shares of the 30-day improvement: ≥ ``sustained`` is sustained, ≤ ``lost`` is lost."""

    sustained: float = 0.8
    lost: float = 0.2

    def __post_init__(self) -> None:
        for name in ("sustained", "lost"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise ValueError(f"The {name!r} threshold must be a number, not {value!r}.")
            if not math.isfinite(value):
                raise ValueError(f"The {name!r} threshold must be a finite number.")
        if not 0 <= self.lost < self.sustained:
            raise ValueError(
                f"Sustainment thresholds need 0 ≤ lost < sustained; got lost={self.lost}, "
                f"sustained={self.sustained}."
            )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> Thresholds:
        """From the ``SUSTAINMENT`` setting; missing keys take the defaults, unknown keys fail."""
        mapping = dict(mapping or {})
        unknown = set(mapping) - {"sustained", "lost"}
        if unknown:
            raise ValueError(f"Unknown sustainment setting(s): {', '.join(sorted(unknown))}.")
        return cls(**mapping)

    @property
    def exact(self) -> tuple[Fraction, Fraction]:
        # From the decimal text, so 0.8 is 4/5 and not the binary float nearest to it.
        return Fraction(str(self.sustained)), Fraction(str(self.lost))


@dataclass(frozen=True)
class MeasureRecord:
    """One RPIW measure: its baseline and follow-ups (day → value, one unit throughout).

    ``checkpoints`` are the checkpoints the RPIW has (60 and 90, and 120 when it has that
    follow-up); ``workshop_end`` dates them (checkpoint *d* falls due *d* days after it). The
    remaining fields only label the record for roll-ups and pages.
    """

    baseline: Number | None
    followups: Mapping[int, Number] = field(default_factory=dict)
    lower_is_better: bool = True
    workshop_end: dt.date | None = None
    checkpoints: tuple[int, ...] = CHECKPOINTS
    key: Hashable = None  # the measure (its id)
    name: str = ""
    rpiw: str = ""
    rpiw_id: int | None = None
    value_stream: str = ""
    trust: str = ""

    def due_on(self, day: int) -> dt.date | None:
        return None if self.workshop_end is None else self.workshop_end + dt.timedelta(days=day)


@dataclass(frozen=True)
class CheckpointVerdict:
    day: int
    verdict: Verdict
    share: float | None = None  # the remaining share r_d, when it can be computed
    reason: str = ""  # why the verdict is not yet known (or why there is nothing to sustain)
    due_on: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "verdict": self.verdict.value,
            "label": self.verdict.label,
            "share": self.share,
            "reason": self.reason,
            "due_on": self.due_on,
        }


def _exact(value: Number | Fraction | None, what: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValueError(f"The {what} must be a number, not {value!r}.")
    try:
        return Fraction(value)
    except (ValueError, OverflowError):  # NaN, infinities
        raise ValueError(f"The {what} must be a finite number, not {value!r}.") from None


def improvement(baseline: Number, at_30: Number, *, lower_is_better: bool) -> Fraction:
    """g₃₀: b − v₃₀ when lower is better, v₃₀ − b when higher is better (> 0 is a gain)."""
    b, v = _exact(baseline, "baseline"), _exact(at_30, "30-day value")
    assert b is not None and v is not None
    return b - v if lower_is_better else v - b


def remaining_share(baseline: Number, at_30: Number, at_day: Number) -> Fraction | None:
    """r_d = (b − v_d) / (b − v₃₀); None when the 30-day value equals the baseline."""
    b = _exact(baseline, "baseline")
    v30 = _exact(at_30, "30-day value")
    vd = _exact(at_day, "follow-up value")
    assert b is not None and v30 is not None and vd is not None
    if b == v30:
        return None
    return (b - vd) / (b - v30)


def classify(share: Fraction | float, thresholds: Thresholds) -> Verdict:
    """The verdict for a remaining share (of a measure that did improve by 30 days)."""
    sustained, lost = thresholds.exact
    exact = _exact(share, "share")
    assert exact is not None
    if exact >= sustained:
        return Verdict.SUSTAINED
    if exact <= lost:
        return Verdict.LOST
    return Verdict.PARTLY


def verdict_at(
    record: MeasureRecord, day: int, thresholds: Thresholds, *, as_of: dt.date | None = None
) -> CheckpointVerdict:
    """The verdict at checkpoint ``day``; ``as_of`` tells "not yet due" from "not recorded"."""
    due_on = record.due_on(day)
    baseline, at_30 = record.baseline, record.followups.get(IMPROVEMENT_DAY)
    if baseline is None:
        return CheckpointVerdict(day, Verdict.UNKNOWN, reason="no baseline", due_on=due_on)
    if at_30 is None:
        return CheckpointVerdict(day, Verdict.UNKNOWN, reason="no 30-day value", due_on=due_on)
    if improvement(baseline, at_30, lower_is_better=record.lower_is_better) <= 0:
        return CheckpointVerdict(
            day, Verdict.NO_GAIN, reason="no improvement at 30 days", due_on=due_on
        )
    at_day = record.followups.get(day)
    if at_day is None:
        not_due = as_of is not None and due_on is not None and due_on > as_of
        reason = "not yet due" if not_due else "not recorded"
        if day not in record.checkpoints:
            reason = f"no {day}-day follow-up"
        return CheckpointVerdict(day, Verdict.UNKNOWN, reason=reason, due_on=due_on)
    share = remaining_share(baseline, at_30, at_day)
    assert share is not None  # g₃₀ > 0, so b ≠ v₃₀
    return CheckpointVerdict(day, classify(share, thresholds), float(share), due_on=due_on)


def verdicts(
    record: MeasureRecord, thresholds: Thresholds, *, as_of: dt.date | None = None
) -> list[CheckpointVerdict]:
    """The verdict at each of the record's checkpoints, in order."""
    return [verdict_at(record, day, thresholds, as_of=as_of) for day in record.checkpoints]


Window = tuple[dt.date, dt.date]


def _in_window(record: MeasureRecord, day: int, window: Window | None) -> bool:
    if window is None:
        return True
    due_on = record.due_on(day)
    return due_on is not None and window[0] <= due_on <= window[1]


def latest_known(
    record: MeasureRecord,
    thresholds: Thresholds,
    *,
    window: Window | None = None,
    as_of: dt.date | None = None,
) -> CheckpointVerdict | None:
    """The measure's standing for a roll-up: the verdict at its latest known checkpoint (among
    those falling due in ``window``, inclusive, when given); else its verdict at the latest
    checkpoint (no 30-day improvement, or not yet known); None when no checkpoint of the
    record falls in the window (it takes no part in that roll-up)."""
    days = [d for d in record.checkpoints if _in_window(record, d, window)]
    if not days:
        return None
    found = [verdict_at(record, day, thresholds, as_of=as_of) for day in days]
    known = [v for v in found if v.verdict.is_known]
    return known[-1] if known else found[-1]


@dataclass
class Rollup:
    """Measures by their verdict at the latest known checkpoint; ``share_sustained`` is
    sustained ÷ (sustained + partly + lost), None when no measure has a known verdict."""

    sustained: int = 0
    partly: int = 0
    lost: int = 0
    unknown: int = 0
    no_gain: int = 0

    def add(self, verdict: Verdict) -> None:
        setattr(self, verdict.value, getattr(self, verdict.value) + 1)

    @property
    def known(self) -> int:
        return self.sustained + self.partly + self.lost

    @property
    def measures(self) -> int:
        return self.known + self.unknown + self.no_gain

    @property
    def share_sustained(self) -> float | None:
        return self.sustained / self.known if self.known else None

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers (for templates, summary tables and stored dashboards)."""
        return {
            "sustained": self.sustained,
            "partly": self.partly,
            "lost": self.lost,
            "unknown": self.unknown,
            "no_gain": self.no_gain,
            "known": self.known,
            "measures": self.measures,
            "share_sustained": self.share_sustained,
        }


def rollup(
    records: Iterable[MeasureRecord],
    thresholds: Thresholds,
    *,
    window: Window | None = None,
    as_of: dt.date | None = None,
) -> Rollup:
    """Every record counted once by :func:`latest_known` (records outside the window skipped)."""
    out = Rollup()
    for record in records:
        standing = latest_known(record, thresholds, window=window, as_of=as_of)
        if standing is not None:
            out.add(standing.verdict)
    return out


def rollup_by(
    records: Iterable[MeasureRecord],
    key: Callable[[MeasureRecord], K],
    thresholds: Thresholds,
    *,
    window: Window | None = None,
    as_of: dt.date | None = None,
) -> dict[K, Rollup]:
    """One :func:`rollup` per group (e.g. ``key=lambda r: r.value_stream``), in first-seen order;
    a group whose records all fall outside the window is left out."""
    groups: dict[K, Rollup] = {}
    for record in records:
        standing = latest_known(record, thresholds, window=window, as_of=as_of)
        if standing is not None:
            groups.setdefault(key(record), Rollup()).add(standing.verdict)
    return groups


def checkpoint_rollups(
    records: Iterable[MeasureRecord],
    thresholds: Thresholds,
    *,
    window: Window | None = None,
    as_of: dt.date | None = None,
) -> dict[int, Rollup]:
    """Per checkpoint (60, 90, 120): every record having that checkpoint (falling due in
    ``window``, when given) counted by its verdict there."""
    out = {day: Rollup() for day in CHECKPOINTS}
    for record in records:
        for day in record.checkpoints:
            if day in out and _in_window(record, day, window):
                out[day].add(verdict_at(record, day, thresholds, as_of=as_of).verdict)
    return out


def falls_while_pace_rises(
    previous: Rollup,
    current: Rollup,
    *,
    previous_pace: int,
    current_pace: int,
    min_measures: int = TREND_MIN_MEASURES,
) -> bool:
    """True when, from one window to the next, the share sustained fell (each resting on at
    least ``min_measures`` known verdicts) while more RPIW workshops were held."""
    if previous.known < min_measures or current.known < min_measures:
        return False
    before, after = previous.share_sustained, current.share_sustained
    assert before is not None and after is not None
    return after < before and current_pace > previous_pace


def rule_text(thresholds: Thresholds) -> str:
    """The rule in one sentence, for the pages that show verdicts."""
    return (
        f"Of the improvement measured 30 days after the workshop, a measure keeping at least "
        f"{_percent(thresholds.sustained)} at 60, 90 or 120 days is sustained, one keeping "
        f"{_percent(thresholds.lost)} or less has lost it, and anything between is partly "
        "sustained; a roll-up counts each measure at its latest known checkpoint and gives the "
        "share sustained of those with a verdict."
    )


def _percent(share: float) -> str:
    return f"{float(share) * 100:g}%"
