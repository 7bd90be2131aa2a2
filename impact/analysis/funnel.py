"""Funnel plots comparing organisations on a proportion or a rate (Spiegelhalter 2005).

Formulas (Spiegelhalter, "Funnel plots for comparing institutional performance", Stat Med
2005;24:1185–1202, and "Handling over-dispersion of performance indicators", Qual Saf Health
Care 2005;14:347–351):

- target θ₀: the pooled value Σy/Σn (or one given);
- standard error at denominator n: s(n) = √(θ₀(1 − θ₀)/n) for a proportion, √(θ₀/n) for a rate
  per unit of exposure;
- z-score of unit i: z_i = (y_i/n_i − θ₀)/s(n_i);
- over-dispersion: the z-scores are Winsorised at the 10th and 90th percentiles (values beyond
  are set to them; percentiles by linear interpolation), φ̂ = (1/I)·Σ z_w²;
- multiplicative adjustment: limits θ₀ ± z_p·√φ̂·s(n), z-scores z_i/√φ̂;
- additive (random effects): with w_i = 1/s(n_i)², τ̂² = (I·φ̂ − (I − 1)) /
  (Σw_i − Σw_i²/Σw_i), or 0 when I·φ̂ ≤ I − 1; limits θ₀ ± z_p·√(s(n)² + τ̂²), z-scores
  (y_i/n_i − θ₀)/√(s(n_i)² + τ̂²);
- limits at 95% (z = 1.96) and 99.8% (z = 3.09), normal approximation, a proportion's limits
  clipped to [0, 1] and a rate's lower limit at 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats

from .spc import _as_series

__all__ = ["FunnelResult", "FunnelUnit", "funnel"]

Kind = Literal["proportion", "rate"]
Adjustment = Literal["none", "multiplicative", "additive", "auto"]
Z95 = float(stats.norm.ppf(0.975))
Z998 = float(stats.norm.ppf(0.999))
WINSOR = 0.10


@dataclass(frozen=True)
class FunnelUnit:
    """One organisation on the funnel: its value, z-scores and where it falls."""

    label: str
    numerator: float
    denominator: float
    value: float
    z: float
    z_adjusted: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float

    @property
    def position(self) -> str:
        """ "above_998", "above_95", "within", "below_95" or "below_998" (the adjusted limits)."""
        if self.value > self.upper_998:
            return "above_998"
        if self.value > self.upper_95:
            return "above_95"
        if self.value < self.lower_998:
            return "below_998"
        if self.value < self.lower_95:
            return "below_95"
        return "within"


@dataclass(frozen=True)
class FunnelResult:
    """The target, over-dispersion estimates, units and the funnel's curves."""

    kind: Kind
    target: float
    phi: float
    tau2: float
    overdispersed: bool
    adjustment: Literal["none", "multiplicative", "additive"]
    units: tuple[FunnelUnit, ...]
    curve: dict[str, tuple[float, ...]] = field(repr=False)
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "phi": self.phi,
            "tau2": self.tau2,
            "overdispersed": self.overdispersed,
            "adjustment": self.adjustment,
            "units": [
                {
                    "label": u.label,
                    "numerator": u.numerator,
                    "denominator": u.denominator,
                    "value": u.value,
                    "z": u.z,
                    "z_adjusted": u.z_adjusted,
                    "lower_95": u.lower_95,
                    "upper_95": u.upper_95,
                    "lower_998": u.lower_998,
                    "upper_998": u.upper_998,
                    "position": u.position,
                }
                for u in self.units
            ],
            "curve": {key: list(values) for key, values in self.curve.items()},
            "notes": list(self.notes),
        }


def funnel(
    numerators: Sequence[Any],
    denominators: Sequence[Any],
    labels: Sequence[str],
    *,
    kind: Kind = "proportion",
    target: float | None = None,
    adjustment: Adjustment = "auto",
    curve_points: int = 100,
) -> FunnelResult:
    """A funnel plot of y_i/n_i against n_i (formulas in the module docstring).

    ``adjustment="auto"`` applies the additive (random-effects) adjustment when the χ² test of
    I·φ̂ on I − 1 degrees of freedom finds over-dispersion at the 5% level, and none otherwise.
    """
    if kind not in ("proportion", "rate"):
        raise ValueError(f"kind must be 'proportion' or 'rate'; got {kind!r}")
    if adjustment not in ("none", "multiplicative", "additive", "auto"):
        raise ValueError(
            f"adjustment must be 'none', 'multiplicative', 'additive' or 'auto'; got {adjustment!r}"
        )
    y = np.array(_as_series(numerators), dtype=float)
    n = np.array(_as_series(denominators), dtype=float)
    names = [str(label) for label in labels]
    if not len(y) == len(n) == len(names):
        raise ValueError(
            f"{len(y)} numerators, {len(n)} denominators and {len(names)} labels; "
            "give one of each per organisation"
        )
    if len(y) < 2:
        raise ValueError("a funnel plot compares at least two organisations")
    if (n <= 0).any():
        raise ValueError(f"the denominator of {names[int(np.argmax(n <= 0))]} is not above zero")
    if (y < 0).any():
        raise ValueError(f"the numerator of {names[int(np.argmax(y < 0))]} is negative")
    if kind == "proportion" and (y > n).any():
        raise ValueError(
            f"the numerator of {names[int(np.argmax(y > n))]} exceeds its denominator; a "
            "proportion cannot"
        )
    theta = float(y.sum() / n.sum()) if target is None else float(target)
    if kind == "proportion" and not 0 < theta < 1:
        raise ValueError(f"the target proportion must lie strictly between 0 and 1; got {theta:g}")
    if kind == "rate" and not theta > 0:
        raise ValueError(f"the target rate must be above zero; got {theta:g}")
    notes: list[str] = []
    s = _standard_error(kind, theta, n)
    value = y / n
    z = (value - theta) / s
    low, high = np.percentile(z, [100 * WINSOR, 100 * (1 - WINSOR)])
    winsorised = np.clip(z, low, high)
    units_count = len(z)
    phi = float(np.mean(winsorised**2))
    overdispersed = bool(units_count * phi > stats.chi2.ppf(0.95, units_count - 1))
    weights = 1 / s**2
    denominator = float(weights.sum() - (weights**2).sum() / weights.sum())
    tau2 = max(0.0, (units_count * phi - (units_count - 1)) / denominator)
    chosen: Literal["none", "multiplicative", "additive"]
    if adjustment == "auto":
        chosen = "additive" if overdispersed else "none"
        notes.append(
            f"φ̂ = {phi:.3g} ({'over-dispersed' if overdispersed else 'no significant over-dispersion'}"
            f" at 5%): {'random-effects (additive) limits' if overdispersed else 'unadjusted limits'}"
        )
    else:
        chosen = adjustment
    spread = _spread(chosen, s, phi, tau2)
    z_adjusted = (value - theta) / spread
    limits = {
        name: _limit(kind, theta + sign * factor * spread)
        for name, sign, factor in (
            ("lower_95", -1, Z95),
            ("upper_95", 1, Z95),
            ("lower_998", -1, Z998),
            ("upper_998", 1, Z998),
        )
    }
    units = tuple(
        FunnelUnit(
            label=names[i],
            numerator=float(y[i]),
            denominator=float(n[i]),
            value=float(value[i]),
            z=float(z[i]),
            z_adjusted=float(z_adjusted[i]),
            **{name: float(limit[i]) for name, limit in limits.items()},
        )
        for i in range(units_count)
    )
    grid = np.geomspace(max(float(n.min()) * 0.8, 1e-9), float(n.max()) * 1.1, curve_points)
    grid_spread = _spread(chosen, _standard_error(kind, theta, grid), phi, tau2)
    curve = {"denominator": tuple(float(v) for v in grid)}
    for name, sign, factor in (
        ("lower_95", -1, Z95),
        ("upper_95", 1, Z95),
        ("lower_998", -1, Z998),
        ("upper_998", 1, Z998),
    ):
        curve[name] = tuple(float(v) for v in _limit(kind, theta + sign * factor * grid_spread))
    if chosen == "multiplicative" and phi < 1:
        notes.append(f"φ̂ = {phi:.3g} < 1: the multiplicative limits are narrower than the binomial")
    return FunnelResult(
        kind=kind,
        target=theta,
        phi=phi,
        tau2=tau2,
        overdispersed=overdispersed,
        adjustment=chosen,
        units=units,
        curve=curve,
        notes=tuple(notes),
    )


def _standard_error(kind: Kind, theta: float, n: np.ndarray) -> np.ndarray:
    if kind == "proportion":
        return np.sqrt(theta * (1 - theta) / n)
    return np.sqrt(theta / n)


def _spread(
    adjustment: Literal["none", "multiplicative", "additive"],
    s: np.ndarray,
    phi: float,
    tau2: float,
) -> np.ndarray:
    if adjustment == "multiplicative":
        return s * math.sqrt(phi)
    if adjustment == "additive":
        return np.sqrt(s**2 + tau2)
    return s


def _limit(kind: Kind, values: np.ndarray) -> np.ndarray:
    return np.asarray(np.clip(values, 0.0, 1.0 if kind == "proportion" else np.inf), dtype=float)
