"""Placebo (permutation) inference and minimum detectable effects for controlled ITS.

Pure functions (no Django). A controlled ITS compares a treated organisation with the mean of
its peers; its model-based p-values (Newey–West HAC, see :mod:`impact.analysis.its`) rest on
large-sample approximations that are liberal in short monthly series. The placebo test asks a
question that needs no such approximation: if each peer in turn is analysed as if it were the
treated one, where does the real effect rank among those placebo effects?

Formulas
--------
Pool. The treated unit and its m peers form a pool of m + 1 units. Unit u's effect S_u is the
controlled-ITS difference term (by default the post-intervention mean gap, b4 + b5·mean(t) + b6
+ b7·mean(t − T0) over the post points; or the level change b6, or the slope change b7) of u
against the mean of the *other* m units of the pool. The real effect S_0 is the treated unit
against the mean of its m peers (exactly :func:`impact.analysis.its.controlled_its` with
``combine="mean"``); placebo j is peer j against the mean of the other m − 1 peers *and the
treated unit*. Keeping the treated unit in the placebos' controls makes every unit's statistic
the same function of (itself, the rest), so when the units are exchangeable (no effect anywhere,
units alike) S_0, …, S_m are exchangeable and the rank of S_0 is uniform on 1..m+1 — the test is
exact (Fisher's randomisation test with one treated unit). The price: a large real effect leaks
into each placebo's control as about −effect/m, which makes placebos smaller, never larger than
the real effect (synthetic-control analyses that drop the treated unit from the donor pool lose
the exactness instead).

Rank and p-value. With ``statistic="estimate"`` units are compared on |S_u|; with ``"t"`` on
|S_u / SE_u| (each fit's own standard error, for peers of unequal noise). Then

    rank = 1 + #{j : |S_j| ≥ |S_0|},   p = rank / (m + 1) = (1 + #{j : |S_j| ≥ |S_0|}) / (1 + m)

(two-sided; rank 1 = the real effect is the largest; ties, within a relative 1e-9, count against
the real effect, so p is never too small). The smallest p possible is 1 / (m + 1): with 10 peers
0.091, so a permutation test on 10 peers can never be significant at 5%.

Minimum detectable effect (two-sided test at level α, power 1 − β, standard error SE of the
effect's estimate, ν residual degrees of freedom; normal quantiles when ν is None)::

    MDE = (t_{1 − α/2, ν} + t_{1 − β, ν}) × SE

(Bloom 1995, "Minimum detectable effects", Evaluation Review 19:547–556): the true effect a
test of this series length and noise finds with probability about 1 − β (80% by default).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .its import ControlledITSResult, controlled_its

__all__ = [
    "PLACEBO_TERMS",
    "PlaceboResult",
    "PlaceboTerm",
    "minimum_detectable_effect",
    "placebo_its",
    "placebo_rank",
]

#: the controlled-ITS differences ranked among placebos (first: the one summaries lead with)
PLACEBO_TERMS = ("post_mean_difference", "level_change_difference", "slope_change_difference")
Statistic = Literal["estimate", "t"]
#: relative tolerance under which a placebo's |effect| counts as equal to the real one
TIE_TOLERANCE = 1e-9


def placebo_rank(
    real: float, placebos: Sequence[float], *, tolerance: float = TIE_TOLERANCE
) -> tuple[int, float]:
    """Rank of |real| among the |placebos| and the exact permutation p-value.

    rank = 1 + #{j : |placebo_j| ≥ |real|·(1 − tolerance)}, p = rank / (1 + m). Ties count
    against the real effect. Raises ValueError on no placebos or a non-finite value.
    """
    values = [float(v) for v in placebos]
    if not values:
        raise ValueError("no placebo effects: a permutation test needs at least one peer")
    if not math.isfinite(float(real)) or not all(math.isfinite(v) for v in values):
        raise ValueError("the real and placebo effects must be finite numbers")
    threshold = abs(float(real)) * (1 - tolerance)
    at_least = sum(1 for v in values if abs(v) >= threshold)
    rank = 1 + at_least
    return rank, rank / (1 + len(values))


def minimum_detectable_effect(
    std_error: float, df: float | None = None, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """MDE = (t_{1−α/2,ν} + t_{power,ν}) × SE; normal quantiles when ``df`` is None."""
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must be between 0 and 1")
    if not math.isfinite(std_error) or std_error < 0:
        raise ValueError(f"the standard error must be a non-negative number, not {std_error!r}")
    if df is None:
        multiplier = float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))
    else:
        if not df > 0:
            raise ValueError(f"degrees of freedom must be positive, not {df!r}")
        multiplier = float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))
    return multiplier * std_error


@dataclass(frozen=True)
class PlaceboTerm:
    """One difference term: the real estimate and its model p, its placebo rank and p, its MDE."""

    term: str
    estimate: float
    std_error: float
    model_p_value: float
    placebos: dict[str, float]
    rank: int
    n_placebos: int
    p_value: float
    min_p_value: float
    mde: float
    model_significant: bool
    permutation_significant: bool

    @property
    def disagree(self) -> bool:
        """True when one test is significant at alpha and the other is not."""
        return self.model_significant != self.permutation_significant


@dataclass
class PlaceboResult:
    """Placebo inference for a controlled ITS: one :class:`PlaceboTerm` per difference term."""

    terms: dict[str, PlaceboTerm]
    units: list[str]
    skipped: dict[str, str]
    statistic: Statistic
    alpha: float
    power: float
    errors: str
    df_resid: float | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (non-finite numbers become None)."""
        terms = {}
        for name, term in self.terms.items():
            row = {key: _plain(value) for key, value in vars(term).items() if key != "placebos"}
            row["placebos"] = {unit: _plain(v) for unit, v in term.placebos.items()}
            row["disagree"] = term.disagree
            terms[name] = row
        return {
            "terms": terms,
            "units": list(self.units),
            "skipped": dict(self.skipped),
            "statistic": self.statistic,
            "alpha": self.alpha,
            "power": self.power,
            "errors": self.errors,
            "df_resid": _plain(self.df_resid),
            "rule": "p = (1 + #placebos with |effect| >= |real|) / (1 + #placebos); "
            "each unit against the mean of all the others (treated unit included)",
            "mde_rule": "MDE = (t_{1-alpha/2, df} + t_{power, df}) x SE",
            "notes": list(self.notes),
        }


def placebo_its(
    treated: pd.Series,
    peers: pd.DataFrame,
    intervention: Any,
    *,
    terms: Sequence[str] = PLACEBO_TERMS,
    statistic: Statistic = "estimate",
    power: float = 0.8,
    real: ControlledITSResult | None = None,
    treated_label: str = "treated",
    **its_options: Any,
) -> PlaceboResult:
    """Rank the treated unit's controlled-ITS effects among placebo runs of each peer.

    ``peers`` has one column per peer, on the same kind of index as ``treated``;
    ``its_options`` go to :func:`impact.analysis.its.controlled_its` (``errors``,
    ``seasonality``, ``alpha``, …). ``real`` may pass the treated unit's controlled fit against
    the mean of ``peers`` already made with the same options (it is refitted otherwise). A peer
    whose placebo fit fails (e.g. too few points) is left out and named in ``skipped``; the
    p-value is then over the peers that could be fitted. See the module docstring for the
    formulas. Raises ValueError on no peers, a peer named like ``treated_label``, an unknown
    term or statistic, or when no placebo could be fitted.
    """
    if not isinstance(peers, pd.DataFrame) or peers.shape[1] == 0:
        raise ValueError("peers must be a DataFrame with one column per peer (at least one)")
    if statistic not in ("estimate", "t"):
        raise ValueError(f"statistic must be 'estimate' or 't', not {statistic!r}")
    unknown = [term for term in terms if term not in PLACEBO_TERMS]
    if unknown or not terms:
        raise ValueError(f"terms must be among {', '.join(PLACEBO_TERMS)}, not {unknown}")
    names = [str(column) for column in peers.columns]
    if treated_label in names or len(set(names)) != len(names):
        raise ValueError(f"peer names must be distinct and not {treated_label!r}")
    if its_options.get("combine", "mean") != "mean":
        raise ValueError("placebo runs compare each unit with the mean of the others")
    its_options.pop("combine", None)
    its_options.pop("differences_only", None)
    alpha = float(its_options.get("alpha", 0.05))
    minimum_detectable_effect(1.0, None, alpha=alpha, power=power)  # validates alpha, power

    if real is None:
        fitted = controlled_its(treated, peers, intervention, combine="mean", **its_options)
        if not isinstance(fitted, ControlledITSResult):  # combine="mean" gives one result
            raise ValueError("internal: expected one controlled ITS result")
        real = fitted
    pool = pd.concat([peers.set_axis(names, axis=1), treated.rename(treated_label)], axis=1)
    placebo_fits: dict[str, ControlledITSResult] = {}
    skipped: dict[str, str] = {}
    for unit in names:
        others = pool.drop(columns=unit)
        try:
            fit = controlled_its(
                pool[unit],
                others,
                intervention,
                combine="mean",
                differences_only=True,
                **its_options,
            )
        except ValueError as exc:
            skipped[unit] = str(exc)
            continue
        if isinstance(fit, ControlledITSResult):
            placebo_fits[unit] = fit
    if not placebo_fits:
        raise ValueError(
            "no placebo run could be fitted: " + "; ".join(f"{u}: {r}" for u, r in skipped.items())
        )

    df_value = real.settings.get("df_resid")
    df = float(df_value) if real.settings.get("inference") == "t" and df_value else None
    results: dict[str, PlaceboTerm] = {}
    for term in terms:
        coefficient = real.differences[term]
        placebo_values = {
            unit: _statistic(
                fit.differences[term].estimate, fit.differences[term].std_error, statistic
            )
            for unit, fit in placebo_fits.items()
        }
        real_value = _statistic(coefficient.estimate, coefficient.std_error, statistic)
        finite = {unit: v for unit, v in placebo_values.items() if math.isfinite(v)}
        for unit in set(placebo_values) - set(finite):
            skipped.setdefault(unit, f"{term}: no finite {statistic}")
        if not finite or not math.isfinite(real_value):
            continue
        rank, p = placebo_rank(real_value, list(finite.values()))
        model_p = coefficient.p_value
        se = coefficient.std_error
        mde = (
            minimum_detectable_effect(se, df, alpha=alpha, power=power)
            if math.isfinite(se)
            else math.nan
        )
        results[term] = PlaceboTerm(
            term=term,
            estimate=coefficient.estimate,
            std_error=se,
            model_p_value=model_p,
            placebos={unit: placebo_fits[unit].differences[term].estimate for unit in finite},
            rank=rank,
            n_placebos=len(finite),
            p_value=p,
            min_p_value=1 / (1 + len(finite)),
            mde=mde,
            model_significant=bool(math.isfinite(model_p) and model_p < alpha),
            permutation_significant=p < alpha,
        )
    if not results:
        raise ValueError("no term could be ranked: the real effect's fit has no finite estimate")
    m = len(placebo_fits)
    notes = []
    if 1 / (1 + m) >= alpha:
        notes.append(
            f"With {m} placebo{'s' if m != 1 else ''} the permutation p-value cannot be below "
            f"1/{m + 1} = {1 / (m + 1):.3f}, so it can never be significant at "
            f"{alpha:g}; {math.floor(1 / alpha - 1) + 1} or more peers are needed for that."
        )
    return PlaceboResult(
        terms=results,
        units=sorted(placebo_fits),
        skipped=skipped,
        statistic=statistic,
        alpha=alpha,
        power=power,
        errors=str(real.settings.get("errors")),
        df_resid=df,
        notes=notes,
    )


def _statistic(estimate: float, std_error: float, statistic: Statistic) -> float:
    if statistic == "estimate":
        return float(estimate)
    if not math.isfinite(std_error) or std_error <= 0:
        return math.nan
    return float(estimate) / float(std_error)


def _plain(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
