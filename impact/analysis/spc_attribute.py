"""Attribute and rare-event control charts (P, P′, U, U′, C, G, T) with Making Data Count rules.

The limits follow Montgomery, *Introduction to Statistical Quality Control* (P: eq. 7.8, U: 7.19,
C: 7.17, G: § 7.3.4), Laney (2002) for P′ and U′, and qicharts2 (Anhøj, CRAN 0.8.1,
``R/qic.charts.R``) for the G chart's median centre line and the T chart's power transform.
Each point has its own limits when its denominator differs. The special-cause rules, their
classification (improvement, concern, neither) and the variation and assurance icons are those
of NHS England's "Making Data Count", as :func:`impact.analysis.spc.xmr` applies them to XmR
charts, here evaluated against each point's own limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .spc import (
    Improvement,
    _as_series,
    _check_periods,
    _classify,
    _is_finite_number,
    _json_value,
    _segment_starts,
)

__all__ = ["CHARTS", "ControlChartResult", "attribute_chart", "laney_sigma_z"]

ChartKind = Literal["p", "pp", "u", "up", "c", "g", "t"]

CHARTS: dict[str, str] = {
    "p": "P chart (proportion)",
    "pp": "P′ chart (Laney proportion)",
    "u": "U chart (rate)",
    "up": "U′ chart (Laney rate)",
    "c": "C chart (count)",
    "g": "G chart (cases between rare events)",
    "t": "T chart (time between rare events)",
}
NEEDS_DENOMINATOR = {"p", "pp", "u", "up"}

# d2 for moving ranges of two points (Laney's σz and the T chart's I chart).
D2 = 1.128
# Upper limit of a moving range (D4); the T chart screens moving ranges above it once (Provost
# & Murray p. 156, as qicharts2 does).
D4 = 3.267
# Nelson's transform of times between events to near-normality (Montgomery § 7.3.4, qicharts2).
T_POWER = 3.6


@dataclass(frozen=True)
class ControlChartResult:
    """A control chart whose limits may differ from point to point.

    ``values`` are the plotted statistic (a proportion, a rate, a count, cases or days between
    events); ``centre``, ``upl``/``lpl`` (3 sigma) and the 2-sigma lines have one entry per point
    (NaN where a segment had too few points for limits). ``sigma_z`` holds Laney's σz per segment
    (P′ and U′ only). Rule flags, ``direction`` and ``variation`` mean what they mean in
    :class:`impact.analysis.spc.XmRResult`.
    """

    chart: str
    values: tuple[float, ...]
    numerators: tuple[float, ...] | None
    denominators: tuple[float, ...] | None
    periods: tuple[Any, ...] | None
    improvement: Improvement | None
    target: float | None
    segment_starts: tuple[int, ...]
    centre: tuple[float, ...]
    upl: tuple[float, ...]
    lpl: tuple[float, ...]
    upper_two_sigma: tuple[float, ...]
    lower_two_sigma: tuple[float, ...]
    sigma_z: tuple[float | None, ...]
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
    def has_limits(self) -> bool:
        return any(not math.isnan(v) for v in self.upl)

    @property
    def special_cause(self) -> tuple[bool, ...]:
        return tuple(
            any(flags)
            for flags in zip(
                self.beyond_limits, self.run, self.trend, self.two_of_three, strict=True
            )
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per point: value, centre, limits, 2-sigma lines, rule flags, variation."""
        segment = np.searchsorted(
            np.array(self.segment_starts), np.arange(len(self.values)), "right"
        )
        frame = pd.DataFrame(
            {
                "value": list(self.values),
                "segment": segment - 1,
                "centre": list(self.centre),
                "upl": list(self.upl),
                "lpl": list(self.lpl),
                "upper_two_sigma": list(self.upper_two_sigma),
                "lower_two_sigma": list(self.lower_two_sigma),
                "beyond_limits": list(self.beyond_limits),
                "run": list(self.run),
                "trend": list(self.trend),
                "two_of_three": list(self.two_of_three),
                "special_cause": list(self.special_cause),
                "direction": list(self.direction),
                "variation": list(self.variation),
            }
        )
        if self.denominators is not None:
            frame.insert(1, "numerator", list(self.numerators or ()))
            frame.insert(2, "denominator", list(self.denominators))
        if self.periods is not None:
            frame.insert(0, "period", list(self.periods))
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: chart, parameters, per-point rows, icons and notes."""
        return {
            "chart": self.chart,
            "improvement": self.improvement,
            "target": self.target,
            "parameters": _json_value(self.parameters),
            "sigma_z": _json_value(list(self.sigma_z)),
            "points": [
                {key: _json_value(value) for key, value in row.items()}
                for row in self.to_frame().to_dict(orient="records")
            ],
            "variation_icon": self.variation_icon,
            "assurance_icon": self.assurance_icon,
            "notes": list(self.notes),
        }


def laney_sigma_z(values: np.ndarray, centre: float, sigma: np.ndarray) -> float:
    """Laney's σz: the spread of the z-scores between consecutive points.

    z_i = (y_i − ȳ) / σ_i and σz = mean(|z_i − z_{i−1}|) / 1.128. The limits of P′ and U′ are
    ȳ ± 3·σ_i·σz: σz ≈ 1 when the binomial (Poisson) model holds, above 1 with over-dispersion.
    """
    z = (values - centre) / sigma
    return float(np.mean(np.abs(np.diff(z)))) / D2


def attribute_chart(
    chart: ChartKind,
    values: Sequence[Any],
    denominators: Sequence[Any] | None = None,
    *,
    periods: Sequence[Any] | None = None,
    improvement: Improvement | None = None,
    target: float | None = None,
    baseline: int | Mapping[int, int] | None = None,
    recalculate_at: Sequence[int] | None = None,
    run_length: int = 7,
    trend_length: int = 7,
    min_points: int = 15,
) -> ControlChartResult:
    """A P, P′, U, U′, C, G or T chart of ``values`` (with ``denominators`` for P and U).

    ``values`` are numerators (events) for P/P′/U/U′, counts for C, cases (opportunities)
    between consecutive events for G, and times between consecutive events (> 0) for T.
    Within each segment (split at ``recalculate_at``) the centre and spread come from the
    baseline points (all, the first ``baseline`` of each segment, or ``baseline[start]`` points of
    the segment starting at ``start``):

    - P:  p̄ = Σx/Σn over the baseline, σ_i = √(p̄(1 − p̄)/n_i), limits p̄ ± 3σ_i in [0, 1];
    - P′: the same with σ_i·σz (:func:`laney_sigma_z` over the baseline's z-scores);
    - U:  ū = Σc/Σn, σ_i = √(ū/n_i), lower limit at least 0;  U′: σ_i·σz;
    - C:  c̄ = mean count, limits c̄ ± 3√c̄, lower limit at least 0;
    - G:  ḡ = mean gap, limits ḡ ± 3√(ḡ(ḡ + 1)) (geometric), lower at least 0; the centre
      line drawn and the runs judged against is the median gap (qicharts2);
    - T:  y = t^(1/3.6); an individuals chart of y (moving ranges above 3.267·m̄R screened out
      once, σ = m̄R/1.128); centre and limits transformed back by ^3.6, lower at least 0.

    The 2-sigma lines are centre ± 2σ_i (clipped the same way). The Making Data Count rules
    (a point beyond a limit; ``run_length`` points on one side of the centre; ``trend_length``
    points rising or falling; two of three beyond the same 2-sigma line) and the icons are as in
    :func:`impact.analysis.spc.xmr`. A segment whose baseline has fewer than ``min_points``
    points gets no limits, no rules and a note.
    """
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {', '.join(CHARTS)}; got {chart!r}")
    x = np.array(_as_series(values), dtype=float)
    n = len(x)
    if chart in NEEDS_DENOMINATOR:
        if denominators is None:
            raise ValueError(f"a {CHARTS[chart]} needs a denominator for every point")
        d = np.array(_as_series(denominators), dtype=float)
        if len(d) != n:
            raise ValueError(f"{len(d)} denominators for {n} values; give one per value")
        if (d <= 0).any():
            raise ValueError(f"denominators[{int(np.argmax(d <= 0))}] is not above zero")
    elif denominators is not None:
        raise ValueError(f"a {CHARTS[chart]} takes no denominators")
    else:
        d = np.ones(n)
    if (x < 0).any():
        raise ValueError(f"values[{int(np.argmax(x < 0))}] is negative; counts cannot be")
    if chart in ("p", "pp") and (x > d).any():
        first = int(np.argmax(x > d))
        raise ValueError(
            f"values[{first}] ({x[first]:g}) exceeds its denominator ({d[first]:g}); a "
            "proportion's numerator cannot"
        )
    if chart == "t" and (x <= 0).any():
        raise ValueError("times between events must be above zero for a T chart")
    if improvement not in ("increase", "decrease", None):
        raise ValueError(f"improvement must be 'increase', 'decrease' or None; got {improvement!r}")
    if target is not None and not _is_finite_number(target):
        raise ValueError(f"target must be a finite number or None; got {target!r}")
    if isinstance(min_points, bool) or not isinstance(min_points, int) or min_points < 2:
        raise ValueError(f"min_points must be a whole number of at least 2; got {min_points!r}")
    period_labels = _check_periods(periods, n)
    starts = _segment_starts(recalculate_at, n)
    boundaries = [*starts, n]

    y = x / d if chart in NEEDS_DENOMINATOR else x
    centre = np.full(n, np.nan)
    sigma = np.full(n, np.nan)
    upl = np.full(n, np.nan)
    lpl = np.full(n, np.nan)
    up2 = np.full(n, np.nan)
    lo2 = np.full(n, np.nan)
    sigma_zs: list[float | None] = []
    notes: list[str] = []
    flags = {name: np.zeros(n, dtype=bool) for name in ("beyond", "run", "trend", "two")}
    direction: list[str | None] = [None] * n
    variation: list[str | None] = [None] * n

    for number, (start, stop) in enumerate(zip(boundaries[:-1], boundaries[1:], strict=True)):
        used = _used(baseline, start, stop)
        label = f"segment {number + 1} (points {start}–{stop - 1})" if len(starts) > 1 else ""
        label = label or "this series"
        if len(used) < min_points:
            sigma_zs.append(None)
            notes.append(
                f"limits need at least {min_points} points; {label} has {len(used)} "
                f"({min_points - len(used)} more needed): no limits or special-cause rules"
            )
            centre[start:stop] = np.median(y[start:stop])
            continue
        seg = slice(start, stop)
        base = slice(used.start, used.stop)
        sigma_z = None
        if chart in ("p", "pp", "u", "up"):
            bar = float(x[base].sum() / d[base].sum())
            if chart in ("p", "pp"):
                sigma[seg] = np.sqrt(bar * (1 - bar) / d[seg])
            else:
                sigma[seg] = np.sqrt(bar / d[seg])
            if chart in ("pp", "up"):
                if bar in (0.0, 1.0):
                    sigma_z = 1.0
                    notes.append(f"{label}: every baseline point is {bar:g}, so σz is taken as 1")
                else:
                    sigma_z = laney_sigma_z(y[base], bar, sigma[base])
                sigma[seg] = sigma[seg] * sigma_z
            centre[seg] = bar
            mid = np.full(stop - start, bar)
        elif chart == "c":
            bar = float(x[base].mean())
            sigma[seg] = math.sqrt(bar)
            centre[seg] = bar
            mid = np.full(stop - start, bar)
        elif chart == "g":
            bar = float(x[base].mean())
            sigma[seg] = math.sqrt(bar * (bar + 1))
            centre[seg] = float(np.median(x[base]))
            mid = np.full(stop - start, bar)
        else:  # t: an individuals chart of t^(1/3.6), transformed back
            w = x ** (1 / T_POWER)
            ranges = np.abs(np.diff(w[base]))
            mean_range = float(ranges.mean())
            kept = ranges[ranges < D4 * mean_range] if mean_range > 0 else ranges
            mean_range = float(kept.mean()) if kept.size else 0.0
            w_bar = float(w[base].mean())
            s = mean_range / D2
            centre[seg] = w_bar**T_POWER
            upl[seg] = (w_bar + 3 * s) ** T_POWER
            lpl[seg] = max(w_bar - 3 * s, 0.0) ** T_POWER
            up2[seg] = (w_bar + 2 * s) ** T_POWER
            lo2[seg] = max(w_bar - 2 * s, 0.0) ** T_POWER
            mid = None
        if mid is not None:
            ceiling = 1.0 if chart in ("p", "pp") else math.inf
            upl[seg] = np.minimum(mid + 3 * sigma[seg], ceiling)
            lpl[seg] = np.maximum(mid - 3 * sigma[seg], 0.0)
            up2[seg] = np.minimum(mid + 2 * sigma[seg], ceiling)
            lo2[seg] = np.maximum(mid - 2 * sigma[seg], 0.0)
        sigma_zs.append(sigma_z)
        _apply_rules(
            y, centre, upl, lpl, up2, lo2, start, stop, run_length, trend_length, flags, direction
        )
        for i in range(start, stop):
            variation[i] = _classify(direction[i], improvement)

    last_has_limits = not math.isnan(upl[-1])
    variation_icon = None
    if last_has_limits:
        latest = variation[-1]
        variation_icon = (
            "common_cause"
            if latest == "common_cause"
            else f"{(latest or '').removeprefix('special_cause_')}_{direction[-1]}"
        )
    assurance_icon = _assurance(
        None if not last_has_limits else (float(lpl[-1]), float(upl[-1])),
        improvement,
        target,
        notes,
    )
    return ControlChartResult(
        chart=chart,
        values=tuple(float(v) for v in y),
        numerators=tuple(float(v) for v in x) if chart in NEEDS_DENOMINATOR else None,
        denominators=tuple(float(v) for v in d) if chart in NEEDS_DENOMINATOR else None,
        periods=period_labels,
        improvement=improvement,
        target=None if target is None else float(target),
        segment_starts=tuple(starts),
        centre=tuple(float(v) for v in centre),
        upl=tuple(float(v) for v in upl),
        lpl=tuple(float(v) for v in lpl),
        upper_two_sigma=tuple(float(v) for v in up2),
        lower_two_sigma=tuple(float(v) for v in lo2),
        sigma_z=tuple(sigma_zs),
        beyond_limits=tuple(bool(v) for v in flags["beyond"]),
        run=tuple(bool(v) for v in flags["run"]),
        trend=tuple(bool(v) for v in flags["trend"]),
        two_of_three=tuple(bool(v) for v in flags["two"]),
        direction=tuple(direction),
        variation=tuple(variation),
        variation_icon=variation_icon,
        assurance_icon=assurance_icon,
        notes=tuple(notes),
        parameters={
            "baseline": dict(baseline) if isinstance(baseline, Mapping) else baseline,
            "recalculate_at": list(starts[1:]),
            "run_length": run_length,
            "trend_length": trend_length,
            "min_points": min_points,
        },
    )


def _used(baseline: int | Mapping[int, int] | None, start: int, stop: int) -> range:
    """The baseline points of the segment [start, stop)."""
    if baseline is None:
        return range(start, stop)
    if isinstance(baseline, Mapping):
        points = baseline.get(start)
        if points is None:
            return range(start, stop)
    else:
        points = baseline
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise ValueError(f"a baseline must be a number of points (at least 2); got {points!r}")
    return range(start, min(stop, start + points))


def _apply_rules(
    y: np.ndarray,
    centre: np.ndarray,
    upl: np.ndarray,
    lpl: np.ndarray,
    up2: np.ndarray,
    lo2: np.ndarray,
    start: int,
    stop: int,
    run_length: int,
    trend_length: int,
    flags: dict[str, np.ndarray],
    direction: list[str | None],
) -> None:
    """The Making Data Count rules within [start, stop), against each point's own lines."""
    seg = slice(start, stop)
    flags["beyond"][seg] = (y[seg] > upl[seg]) | (y[seg] < lpl[seg])
    side = np.sign(y - centre)
    i = start
    while i < stop:
        j = i
        while j + 1 < stop and side[j + 1] == side[i]:
            j += 1
        if side[i] != 0 and j - i + 1 >= run_length:
            flags["run"][i : j + 1] = True
        i = j + 1
    trend_direction: dict[int, str] = {}
    steps = np.sign(np.diff(y[seg]))
    i = 0
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[i]:
            j += 1
        if steps[i] != 0 and j - i + 2 >= trend_length:
            flags["trend"][start + i : start + j + 2] = True
            for point in range(start + i, start + j + 2):
                trend_direction.setdefault(point, "high" if steps[i] > 0 else "low")
        i = j + 1
    above = y > up2
    below = y < lo2
    for first in range(start, stop - 2):
        window = slice(first, first + 3)
        for beyond_line in (above, below):
            if beyond_line[window].sum() >= 2:
                flags["two"][window] |= beyond_line[window]
    for point in range(start, stop):
        if flags["beyond"][point] or flags["run"][point] or flags["two"][point]:
            direction[point] = "high" if y[point] > centre[point] else "low"
        elif flags["trend"][point]:
            direction[point] = trend_direction[point]


def _assurance(
    limits: tuple[float, float] | None,
    improvement: Improvement | None,
    target: float | None,
    notes: list[str],
) -> str | None:
    """Pass, fail or hit-and-miss by where the target lies against the latest point's limits."""
    if target is None:
        return None
    if improvement is None:
        notes.append("no assurance icon: a target needs an improvement direction to be judged")
        return None
    if limits is None:
        notes.append("no assurance icon: the latest points have no process limits")
        return None
    lpl, upl = limits
    if lpl <= target <= upl:
        return "inconsistent"
    return "pass" if (lpl > target) == (improvement == "increase") else "fail"
