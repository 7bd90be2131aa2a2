"""XmR statistical process control charts with NHS England "Making Data Count" rules and icons."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["Limits", "Segment", "XmRResult", "xmr"]

Improvement = Literal["increase", "decrease"]

# Making Data Count constants: 2.66 = 3 / d2 (d2 = 1.128 for ranges of two points);
# 3.267 = D4, the upper limit of a moving range, used to screen out extreme moving ranges.
LIMIT_FACTOR = 2.66
MOVING_RANGE_SCREEN_FACTOR = 3.267


@dataclass(frozen=True)
class Limits:
    """Process limits of one segment, computed from ``points_used`` of its points."""

    mean: float
    mean_moving_range: float
    upl: float
    lpl: float
    upper_two_sigma: float
    lower_two_sigma: float
    points_used: int
    moving_ranges_used: int
    moving_ranges_screened_out: int


@dataclass(frozen=True)
class Segment:
    """A stretch of the series [start, stop) sharing one centre line and one set of limits.

    ``limits`` is None when the segment had too few points to compute them (a run chart).
    """

    start: int
    stop: int
    mean: float
    median: float
    limits: Limits | None


@dataclass(frozen=True)
class XmRResult:
    """An XmR chart (or run chart): per-point values, flags and classifications, plus icons.

    Per-point tuples all have one entry per value. ``variation`` is one of ``common_cause``,
    ``special_cause_improvement``, ``special_cause_concern``, ``special_cause_neither`` or None
    (no limits, so not assessed). ``direction`` is ``high``/``low`` for special-cause points.
    """

    chart: Literal["xmr", "run"]
    values: tuple[float, ...]
    periods: tuple[Any, ...] | None
    improvement: Improvement | None
    target: float | None
    segments: tuple[Segment, ...]
    moving_ranges: tuple[float, ...]
    beyond_limits: tuple[bool, ...]
    run: tuple[bool, ...]
    trend: tuple[bool, ...]
    two_of_three: tuple[bool, ...]
    direction: tuple[str | None, ...]
    variation: tuple[str | None, ...]
    variation_icon: str | None
    assurance_icon: str | None
    notes: tuple[str, ...]
    parameters: dict[str, Any]

    @property
    def limits(self) -> Limits | None:
        """The limits in force at the latest point (None for a run chart)."""
        return self.segments[-1].limits

    @property
    def special_cause(self) -> tuple[bool, ...]:
        """Whether each point triggered any special-cause rule."""
        return tuple(
            any(flags)
            for flags in zip(
                self.beyond_limits, self.run, self.trend, self.two_of_three, strict=True
            )
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per point: value, centre line, limits, moving range, rule flags, variation."""
        segment_of = np.empty(len(self.values), dtype=int)
        columns: dict[str, list[float]] = {
            name: [math.nan] * len(self.values)
            for name in ("mean", "median", "upl", "lpl", "upper_two_sigma", "lower_two_sigma")
        }
        for number, segment in enumerate(self.segments):
            for i in range(segment.start, segment.stop):
                segment_of[i] = number
                columns["mean"][i] = segment.mean
                columns["median"][i] = segment.median
                if segment.limits is not None:
                    columns["upl"][i] = segment.limits.upl
                    columns["lpl"][i] = segment.limits.lpl
                    columns["upper_two_sigma"][i] = segment.limits.upper_two_sigma
                    columns["lower_two_sigma"][i] = segment.limits.lower_two_sigma
        frame = pd.DataFrame(
            {
                "value": list(self.values),
                "segment": segment_of,
                **columns,
                "mr": list(self.moving_ranges),
                "beyond_limits": list(self.beyond_limits),
                "run": list(self.run),
                "trend": list(self.trend),
                "two_of_three": list(self.two_of_three),
                "special_cause": list(self.special_cause),
                "direction": list(self.direction),
                "variation": list(self.variation),
            }
        )
        if self.periods is not None:
            frame.insert(0, "period", list(self.periods))
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: chart type, limits, segments, points, icons and notes."""
        points = []
        for row in self.to_frame().to_dict(orient="records"):
            points.append({key: _json_value(value) for key, value in row.items()})
        return {
            "chart": self.chart,
            "improvement": self.improvement,
            "target": self.target,
            "parameters": {key: _json_value(value) for key, value in self.parameters.items()},
            "limits": _json_value(asdict(self.limits)) if self.limits else None,
            "segments": [_json_value(asdict(segment)) for segment in self.segments],
            "points": points,
            "variation_icon": self.variation_icon,
            "assurance_icon": self.assurance_icon,
            "notes": list(self.notes),
        }


def xmr(
    values: Sequence[Any],
    *,
    periods: Sequence[Any] | None = None,
    improvement: Improvement | None = None,
    target: float | None = None,
    baseline: int | slice | Mapping[int, int] | None = None,
    recalculate_at: Sequence[int] | None = None,
    run_length: int = 7,
    trend_length: int = 7,
    screen_moving_ranges: bool = False,
    min_points: int = 15,
) -> XmRResult:
    """XmR (individuals and moving range) chart following NHS England "Making Data Count".

    For each segment (the whole series, or the stretches between ``recalculate_at`` positions)
    the limits come from the points used (all, the first ``baseline`` of each segment, the
    ``baseline`` slice, or, with a mapping, the first ``baseline[start]`` points of the segment
    starting at ``start`` and all points of the others) and are extended over the segment:
    mean = x̄, MR_i = |x_i − x_{i−1}| (within the segment), m̄R = mean of the MRs,
    UPL/LPL = x̄ ± 2.66·m̄R, and the 2-sigma lines x̄ ± (2/3)·2.66·m̄R. With
    ``screen_moving_ranges`` MRs above 3.267·m̄R are excluded once and m̄R recomputed.

    Special-cause rules, evaluated within each segment: a point beyond a limit; a run of
    ``run_length`` or more points on the same side of the mean (a point on the mean breaks a
    run); a trend of ``trend_length`` or more points each strictly higher (or lower) than the
    one before (a tie breaks it); two of three consecutive points beyond the same 2-sigma line
    (the points beyond it are flagged; the third may be anywhere). A flagged point is high or
    low by its side of the mean, or, when only a trend flags it, by the trend's direction; it is
    an improvement or a concern by ``improvement``, or "neither" without one.

    The variation icon describes the latest point. The assurance icon compares ``target`` with
    the latest limits: "pass" when the whole range between the limits meets the target,
    "fail" when none of it does, otherwise "inconsistent" (hit and miss).

    A segment with fewer than ``min_points`` points to compute limits from gets no limits and
    no special-cause assessment (a run chart: mean and median only), with a note saying how
    many more points are needed.
    """
    numbers_ = _as_series(values)
    n = len(numbers_)
    period_labels = _check_periods(periods, n)
    if improvement not in ("increase", "decrease", None):
        raise ValueError(f"improvement must be 'increase', 'decrease' or None; got {improvement!r}")
    if target is not None and not _is_finite_number(target):
        raise ValueError(f"target must be a finite number or None; got {target!r}")
    for name, length in (("run_length", run_length), ("trend_length", trend_length)):
        if length not in (6, 7) or isinstance(length, bool):
            raise ValueError(f"{name} must be 7 (Making Data Count) or 6; got {length!r}")
    if isinstance(min_points, bool) or not isinstance(min_points, int) or min_points < 2:
        raise ValueError(f"min_points must be a whole number of at least 2; got {min_points!r}")
    starts = _segment_starts(recalculate_at, n)
    boundaries = [*starts, n]

    x = np.array(numbers_, dtype=float)
    moving_ranges = np.full(n, np.nan)
    beyond = np.zeros(n, dtype=bool)
    run = np.zeros(n, dtype=bool)
    trend = np.zeros(n, dtype=bool)
    two_of_three = np.zeros(n, dtype=bool)
    direction: list[str | None] = [None] * n
    variation: list[str | None] = [None] * n
    segments: list[Segment] = []
    notes: list[str] = []

    for number, (start, stop) in enumerate(zip(boundaries[:-1], boundaries[1:], strict=True)):
        moving_ranges[start + 1 : stop] = np.abs(np.diff(x[start:stop]))
        used = _points_used(baseline, start, stop, n, has_segments=len(starts) > 1)
        label = (
            f"segment {number + 1} (points {start}–{stop - 1})"
            if len(starts) > 1
            else "this series"
        )
        if len(used) < min_points:
            segment_x = x[start:stop]
            segments.append(
                Segment(start, stop, float(segment_x.mean()), float(np.median(segment_x)), None)
            )
            what = "points" if baseline is None else "baseline points"
            notes.append(
                f"XmR limits need at least {min_points} points; {label} has {len(used)} {what} "
                f"({min_points - len(used)} more needed): shown as a run chart (mean and median, "
                "no limits, no special-cause rules)"
            )
            continue
        limits = _limits(x, used, screen_moving_ranges)
        if limits.moving_ranges_screened_out:
            notes.append(
                f"{label}: {limits.moving_ranges_screened_out} moving range(s) above "
                f"{MOVING_RANGE_SCREEN_FACTOR} × the mean moving range screened out of the limits"
            )
        if limits.mean_moving_range == 0.0:
            notes.append(f"{label}: every moving range used is zero, so the limits equal the mean")
        segments.append(
            Segment(start, stop, limits.mean, float(np.median(x[used[0] : used[-1] + 1])), limits)
        )
        _apply_rules(
            x,
            start,
            stop,
            limits,
            run_length,
            trend_length,
            beyond,
            run,
            trend,
            two_of_three,
            direction,
        )
        for i in range(start, stop):
            variation[i] = _classify(direction[i], improvement)

    chart: Literal["xmr", "run"] = "xmr" if any(s.limits for s in segments) else "run"
    last = segments[-1]
    variation_icon = None
    if last.limits is not None:
        latest = variation[-1]
        variation_icon = (
            "common_cause"
            if latest == "common_cause"
            else f"{latest.removeprefix('special_cause_')}_{direction[-1]}"  # type: ignore[union-attr]
        )
    assurance_icon = _assurance(last.limits, improvement, target, notes)

    return XmRResult(
        chart=chart,
        values=tuple(float(v) for v in x),
        periods=period_labels,
        improvement=improvement,
        target=None if target is None else float(target),
        segments=tuple(segments),
        moving_ranges=tuple(float(v) for v in moving_ranges),
        beyond_limits=tuple(bool(v) for v in beyond),
        run=tuple(bool(v) for v in run),
        trend=tuple(bool(v) for v in trend),
        two_of_three=tuple(bool(v) for v in two_of_three),
        direction=tuple(direction),
        variation=tuple(variation),
        variation_icon=variation_icon,
        assurance_icon=assurance_icon,
        notes=tuple(notes),
        parameters={
            "baseline": _describe_baseline(baseline),
            "recalculate_at": list(starts[1:]),
            "run_length": run_length,
            "trend_length": trend_length,
            "screen_moving_ranges": screen_moving_ranges,
            "min_points": min_points,
        },
    )


def _limits(x: np.ndarray, used: range, screen: bool) -> Limits:
    points = x[used.start : used.stop]
    moving_ranges = np.abs(np.diff(points))
    mean_moving_range = float(moving_ranges.mean())
    screened_out = 0
    if screen and mean_moving_range > 0:
        keep = moving_ranges <= MOVING_RANGE_SCREEN_FACTOR * mean_moving_range
        screened_out = int((~keep).sum())
        moving_ranges = moving_ranges[keep]
        mean_moving_range = float(moving_ranges.mean())
    mean = float(points.mean())
    half_width = LIMIT_FACTOR * mean_moving_range
    return Limits(
        mean=mean,
        mean_moving_range=mean_moving_range,
        upl=mean + half_width,
        lpl=mean - half_width,
        upper_two_sigma=mean + half_width * 2 / 3,
        lower_two_sigma=mean - half_width * 2 / 3,
        points_used=len(points),
        moving_ranges_used=int(moving_ranges.size),
        moving_ranges_screened_out=screened_out,
    )


def _apply_rules(
    x: np.ndarray,
    start: int,
    stop: int,
    limits: Limits,
    run_length: int,
    trend_length: int,
    beyond: np.ndarray,
    run: np.ndarray,
    trend: np.ndarray,
    two_of_three: np.ndarray,
    direction: list[str | None],
) -> None:
    side = np.sign(x - limits.mean)
    beyond[start:stop] = (x[start:stop] > limits.upl) | (x[start:stop] < limits.lpl)

    i = start
    while i < stop:
        j = i
        while j + 1 < stop and side[j + 1] == side[i]:
            j += 1
        if side[i] != 0 and j - i + 1 >= run_length:
            run[i : j + 1] = True
        i = j + 1

    trend_direction: dict[int, str] = {}
    steps = np.sign(np.diff(x[start:stop]))
    i = 0
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[i]:
            j += 1
        # steps i..j link points start+i .. start+j+1
        if steps[i] != 0 and j - i + 2 >= trend_length:
            trend[start + i : start + j + 2] = True
            for point in range(start + i, start + j + 2):
                trend_direction.setdefault(point, "high" if steps[i] > 0 else "low")
        i = j + 1

    above = x > limits.upper_two_sigma
    below = x < limits.lower_two_sigma
    for first in range(start, stop - 2):
        window = slice(first, first + 3)
        for beyond_line in (above, below):
            if beyond_line[window].sum() >= 2:
                two_of_three[window] |= beyond_line[window]

    for point in range(start, stop):
        if beyond[point] or run[point] or two_of_three[point]:
            direction[point] = "high" if x[point] > limits.mean else "low"
        elif trend[point]:
            direction[point] = trend_direction[point]


def _classify(direction: str | None, improvement: Improvement | None) -> str:
    if direction is None:
        return "common_cause"
    if improvement is None:
        return "special_cause_neither"
    good = "high" if improvement == "increase" else "low"
    return "special_cause_improvement" if direction == good else "special_cause_concern"


def _assurance(
    limits: Limits | None,
    improvement: Improvement | None,
    target: float | None,
    notes: list[str],
) -> str | None:
    if target is None:
        return None
    if improvement is None:
        notes.append("no assurance icon: a target needs an improvement direction to be judged")
        return None
    if limits is None:
        notes.append("no assurance icon: the latest points have no process limits")
        return None
    if limits.lpl <= target <= limits.upl:
        return "inconsistent"
    limits_above_target = limits.lpl > target
    return "pass" if limits_above_target == (improvement == "increase") else "fail"


def _points_used(
    baseline: int | slice | Mapping[int, int] | None,
    start: int,
    stop: int,
    n: int,
    *,
    has_segments: bool,
) -> range:
    if isinstance(baseline, Mapping):
        # A baseline fixed per segment (a page's "fix the limits at this point").
        baseline = baseline.get(start)
    if baseline is None:
        return range(start, stop)
    if isinstance(baseline, slice):
        if has_segments:
            raise ValueError(
                "baseline as a slice cannot be combined with recalculate_at; give baseline as a "
                "number of points (used at the start of each segment) instead"
            )
        if baseline.step not in (None, 1):
            raise ValueError(f"baseline slice must be contiguous (step 1); got {baseline!r}")
        chosen = range(n)[baseline]
        if len(chosen) < 2:
            raise ValueError(
                f"baseline slice {baseline!r} selects {len(chosen)} point(s) of {n}; "
                "at least 2 are needed for a moving range"
            )
        return chosen
    if isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 2:
        raise ValueError(
            f"baseline must be a number of points (at least 2), a slice, or None; got {baseline!r}"
        )
    return range(start, min(stop, start + baseline))


def _segment_starts(recalculate_at: Sequence[int] | None, n: int) -> list[int]:
    if recalculate_at is None:
        return [0]
    starts = list(recalculate_at)
    for position in starts:
        if isinstance(position, bool) or not isinstance(position, int | np.integer):
            raise ValueError(f"recalculate_at must hold point positions (ints); got {position!r}")
        if not 0 < position < n:
            raise ValueError(
                f"recalculate_at position {position} is outside 1..{n - 1} (the first point "
                "always starts a segment)"
            )
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        raise ValueError(f"recalculate_at must be strictly increasing; got {starts}")
    return [0, *(int(p) for p in starts)]


def _as_series(values: Sequence[Any]) -> list[float]:
    if isinstance(values, str | bytes):
        raise ValueError("values must be a sequence of numbers, not a string")
    out: list[float] = []
    for index, value in enumerate(values):
        if value is None or (
            not isinstance(value, str | bytes) and pd.api.types.is_scalar(value) and pd.isna(value)
        ):
            raise ValueError(
                f"values[{index}] is missing; an XmR chart needs a complete series in time "
                "order (drop or fill the gap explicitly)"
            )
        if not _is_finite_number(value):
            raise ValueError(f"values[{index}] is {value!r}; expected a finite number")
        out.append(float(value))
    if not out:
        raise ValueError("values is empty; an SPC chart needs at least one point")
    return out


def _is_finite_number(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    # Decimal is accepted because Django DecimalFields arrive as Decimal.
    if not isinstance(value, numbers.Real | Decimal):
        return False
    return math.isfinite(float(value))


def _check_periods(periods: Sequence[Any] | None, n: int) -> tuple[Any, ...] | None:
    if periods is None:
        return None
    labels = tuple(periods)
    if len(labels) != n:
        raise ValueError(f"periods must have one label per value; got {len(labels)} for {n} values")
    try:
        for index in range(1, n):
            if not labels[index - 1] < labels[index]:
                raise ValueError(
                    f"periods must be strictly increasing (time order); periods[{index}] = "
                    f"{labels[index]!r} does not follow {labels[index - 1]!r}"
                )
    except TypeError:
        pass  # labels that cannot be compared are taken to be in the order given
    return labels


def _describe_baseline(baseline: int | slice | Mapping[int, int] | None) -> Any:
    if isinstance(baseline, Mapping):
        return {str(start): points for start, points in baseline.items()}
    if isinstance(baseline, slice):
        return {"start": baseline.start, "stop": baseline.stop}
    return baseline


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
