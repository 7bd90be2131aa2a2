"""Run charts: the median and the run-chart rules (Anhøj, as qicharts2 applies them, or IHI).

Two rule sets, both judged on the *useful observations* (points not on the median):

- ``"anhoej"`` (the default; Anhøj & Olesen 2014, PLoS ONE 9(11): e113825; qicharts2's
  ``runs.analysis``): a *shift* when the longest run on one side of the median is longer than
  round(log2(n)) + 3 (Schilling 2012), or *too few crossings* when the median is crossed fewer
  than the 5th percentile of Binomial(n − 1, ½) times (Chen 2010). No trend rule.
- ``"ihi"`` (Provost & Murray, *The Health Care Data Guide*, 2011; Perla, Provost & Murray 2011,
  BMJ Qual Saf 20:46–51): a *shift* of 6 or more consecutive points on one side of the median;
  a *trend* of 5 or more points all rising or all falling (a repeated value neither adds nor
  breaks it); *too few or too many runs* when the number of runs falls outside the 5% two-sided
  limits of the runs test for n/2 points on each side (Swed & Eisenhart 1943, computed here
  from the exact distribution rather than read from a printed table).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from scipy import stats

from .spc import _as_series, _check_periods

__all__ = [
    "RunChartResult",
    "anhoej_limits",
    "run_chart",
    "runs_limits",
]

Rules = Literal["anhoej", "ihi"]
IHI_SHIFT = 6
IHI_TREND = 5


@dataclass(frozen=True)
class RunChartResult:
    """A run chart: the median, the runs analysis and which points each signal covers."""

    rules: Rules
    values: tuple[float, ...]
    periods: tuple[Any, ...] | None
    median: float
    baseline_points: int
    useful_observations: int
    longest_run: int
    longest_run_max: int | None
    crossings: int
    crossings_min: int | None
    runs: int
    runs_min: int | None
    runs_max: int | None
    shift: tuple[bool, ...]
    trend: tuple[bool, ...]
    signals: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def signal(self) -> bool:
        """Whether any run-chart rule signals non-random variation."""
        return bool(self.signals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "chart": "run",
            "rules": self.rules,
            "median": self.median,
            "baseline_points": self.baseline_points,
            "useful_observations": self.useful_observations,
            "longest_run": self.longest_run,
            "longest_run_max": self.longest_run_max,
            "crossings": self.crossings,
            "crossings_min": self.crossings_min,
            "runs": self.runs,
            "runs_min": self.runs_min,
            "runs_max": self.runs_max,
            "signals": list(self.signals),
            "points": [
                {
                    "period": None if self.periods is None else str(self.periods[i]),
                    "value": value,
                    "shift": self.shift[i],
                    "trend": self.trend[i],
                }
                for i, value in enumerate(self.values)
            ],
            "notes": list(self.notes),
        }


def anhoej_limits(useful: int) -> tuple[int, int]:
    """(longest run allowed, fewest crossings expected) for ``useful`` observations.

    Longest run > round(log2(n)) + 3 or crossings < qbinom(0.05, n − 1, 0.5) signal a shift.
    """
    if useful < 1:
        raise ValueError("the Anhøj limits need at least one useful observation")
    return round(math.log2(useful)) + 3, int(stats.binom.ppf(0.05, useful - 1, 0.5))


@lru_cache(maxsize=256)
def runs_limits(useful: int, alpha: float = 0.05) -> tuple[int, int]:
    """(fewest, most) runs expected among ``useful`` observations, split n//2 and n − n//2.

    From the exact distribution of the number of runs R of n₁ and n₂ points (Swed & Eisenhart
    1943): P(R = 2k) = 2·C(n₁−1, k−1)·C(n₂−1, k−1)/C(n, n₁) and
    P(R = 2k+1) = [C(n₁−1, k)·C(n₂−1, k−1) + C(n₁−1, k−1)·C(n₂−1, k)]/C(n, n₁). The limits
    are the largest r with P(R < r) ≤ α/2 and the smallest r with P(R > r) ≤ α/2.
    """
    if useful < 2:
        raise ValueError("the runs test needs at least two useful observations")
    n1 = useful // 2
    n2 = useful - n1
    total = math.comb(useful, n1)
    probability: dict[int, float] = {}
    for r in range(2, useful + 1):
        k, odd = divmod(r, 2)
        if not odd:
            ways = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            ways = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(
                n1 - 1, k - 1
            ) * math.comb(n2 - 1, k)
        probability[r] = ways / total
    lower, below = 2, 0.0
    for r in range(2, useful + 1):
        if below + probability[r] > alpha / 2:
            lower = r
            break
        below += probability[r]
    upper, above = useful, 0.0
    for r in range(useful, 1, -1):
        if above + probability[r] > alpha / 2:
            upper = r
            break
        above += probability[r]
    return lower, upper


def run_chart(
    values: Sequence[Any],
    *,
    periods: Sequence[Any] | None = None,
    rules: Rules = "anhoej",
    baseline: int | None = None,
    min_useful: int = 10,
) -> RunChartResult:
    """A run chart of ``values`` with the median of the first ``baseline`` points (or all).

    Points on the median are not useful observations: they neither make nor break a run.
    With fewer than ``min_useful`` useful observations the runs analysis is not judged (a
    note says so); the median is still drawn.
    """
    if rules not in ("anhoej", "ihi"):
        raise ValueError(f"rules must be 'anhoej' or 'ihi'; got {rules!r}")
    x = np.array(_as_series(values), dtype=float)
    n = len(x)
    labels = _check_periods(periods, n)
    if baseline is not None and (
        isinstance(baseline, bool) or not isinstance(baseline, int) or not 1 <= baseline <= n
    ):
        raise ValueError(f"baseline must be a number of points from 1 to {n}; got {baseline!r}")
    used = x[: baseline or n]
    median = float(np.median(used))
    side = np.sign(x - median)
    useful_index = np.flatnonzero(side != 0)
    useful_sides = side[useful_index]
    useful = len(useful_index)
    run_lengths: list[tuple[int, int]] = []  # (first, last) positions in useful_sides
    i = 0
    while i < useful:
        j = i
        while j + 1 < useful and useful_sides[j + 1] == useful_sides[i]:
            j += 1
        run_lengths.append((i, j))
        i = j + 1
    runs = len(run_lengths)
    longest = max((j - i + 1 for i, j in run_lengths), default=0)
    crossings = max(runs - 1, 0)
    shift = np.zeros(n, dtype=bool)
    trend = np.zeros(n, dtype=bool)
    signals: list[str] = []
    notes: list[str] = []
    longest_max = crossings_min = runs_min = runs_max = None
    if useful < min_useful:
        notes.append(
            f"the run-chart rules need at least {min_useful} points off the median; this series "
            f"has {useful}: not judged"
        )
    elif rules == "anhoej":
        longest_max, crossings_min = anhoej_limits(useful)
        for first, last in run_lengths:
            if last - first + 1 > longest_max:
                shift[useful_index[first] : useful_index[last] + 1] = True
        if longest > longest_max:
            signals.append(
                f"shift: a run of {longest} points on one side of the median (more than "
                f"{longest_max} is unusual for {useful} useful observations)"
            )
        if crossings < crossings_min:
            signals.append(
                f"too few crossings: the median is crossed {crossings} times (fewer than "
                f"{crossings_min} is unusual for {useful} useful observations)"
            )
    else:
        runs_min, runs_max = runs_limits(useful)
        for first, last in run_lengths:
            if last - first + 1 >= IHI_SHIFT:
                shift[useful_index[first] : useful_index[last] + 1] = True
        if shift.any():
            signals.append(f"shift: {IHI_SHIFT} or more points in a row on one side of the median")
        _ihi_trend(x, trend)
        if trend.any():
            signals.append(f"trend: {IHI_TREND} or more points all going up or all going down")
        if runs < runs_min:
            signals.append(f"too few runs: {runs} (fewer than {runs_min} for {useful} points)")
        if runs > runs_max:
            signals.append(f"too many runs: {runs} (more than {runs_max} for {useful} points)")
    return RunChartResult(
        rules=rules,
        values=tuple(float(v) for v in x),
        periods=labels,
        median=median,
        baseline_points=len(used),
        useful_observations=useful,
        longest_run=longest,
        longest_run_max=longest_max,
        crossings=crossings,
        crossings_min=crossings_min,
        runs=runs,
        runs_min=runs_min,
        runs_max=runs_max,
        shift=tuple(bool(v) for v in shift),
        trend=tuple(bool(v) for v in trend),
        signals=tuple(signals),
        notes=tuple(notes),
    )


def _ihi_trend(x: np.ndarray, trend: np.ndarray) -> None:
    """Mark trends of IHI_TREND or more points; repeated values are skipped (they do not count)."""
    kept = [0] + [i for i in range(1, len(x)) if x[i] != x[i - 1]]
    steps = np.sign(np.diff(x[kept]))
    i = 0
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[i]:
            j += 1
        if j - i + 2 >= IHI_TREND:
            trend[kept[i] : kept[j + 1] + 1] = True
        i = j + 1
