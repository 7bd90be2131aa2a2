"""Tests for differences between groups (trusts, roles) in Likert survey answers. No Django here.

Two tests, each named next to its result wherever it is shown:

* **Kruskal–Wallis H** on the Likert scores (1 = strongly disagree … 5 = strongly agree): a
  rank test for ordinal answers, H0 = the groups' score distributions are the same.
  ``scipy.stats.kruskal`` (tie-corrected), df = number of groups − 1.
* **Pearson's chi-square** of independence on the groups × (agree, does not agree) table,
  where "agree" is agree or strongly agree: ``scipy.stats.chi2_contingency`` without Yates'
  correction, df = (groups − 1) × (2 − 1). Its expected counts should be ≥ 5; the result
  says when any is below, because the p-value is then unreliable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

AGREE_FROM = 4  # agree (4) and strongly agree (5)


@dataclass(frozen=True)
class GroupTest:
    method: str
    statistic: float
    df: int
    p_value: float
    n: int
    groups: int
    warning: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _checked(groups: Mapping[str, Sequence[int]]) -> dict[str, list[int]]:
    cleaned = {name: [int(v) for v in values] for name, values in groups.items() if len(values)}
    if len(cleaned) < 2:
        raise ValueError("Comparing groups needs answers from at least two groups.")
    for name, values in cleaned.items():
        if any(v < 1 or v > 5 for v in values):
            raise ValueError(f"Group {name!r} has a Likert value outside 1–5.")
    return cleaned


def kruskal_wallis(groups: Mapping[str, Sequence[int]]) -> GroupTest:
    """Kruskal–Wallis H test of Likert scores across groups (scipy.stats.kruskal)."""
    cleaned = _checked(groups)
    values = [v for vs in cleaned.values() for v in vs]
    if len(set(values)) == 1:
        raise ValueError("Every answer is the same, so there is nothing to compare.")
    h, p = stats.kruskal(*cleaned.values())
    return GroupTest(
        "Kruskal–Wallis H", float(h), len(cleaned) - 1, float(p), len(values), len(cleaned)
    )


def chi_square_agreement(groups: Mapping[str, Sequence[int]]) -> GroupTest:
    """Pearson chi-square of groups × (agree, not agree) (scipy.stats.chi2_contingency)."""
    cleaned = _checked(groups)
    table = np.array(
        [
            [sum(v >= AGREE_FROM for v in vs), sum(v < AGREE_FROM for v in vs)]
            for vs in cleaned.values()
        ]
    )
    if (table.sum(axis=0) == 0).any():
        raise ValueError("Everyone agrees (or nobody does), so there is nothing to compare.")
    chi2, p, df, expected = stats.chi2_contingency(table, correction=False)
    warning = "some expected counts are below 5" if (expected < 5).any() else ""
    return GroupTest(
        "Pearson chi-square",
        float(chi2),
        int(df),
        float(p),
        int(table.sum()),
        len(cleaned),
        warning,
    )
