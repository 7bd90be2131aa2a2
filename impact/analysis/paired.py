"""Two-sample t-tests for RPIW impact: paired (baseline vs follow-up) and Welch's independent test."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "PairedResult",
    "WelchResult",
    "effect_size_r",
    "paired_ttest",
    "welch_ttest",
]


@dataclass(frozen=True)
class PairedResult:
    """Result of a dependent (paired) t-test; differences are baseline − post."""

    n: int
    dropped: int
    baseline_mean: float
    baseline_se: float
    post_mean: float
    post_se: float
    mean_difference: float
    difference_se: float
    ci_low: float
    ci_high: float
    confidence: float
    t: float
    df: int
    p_value: float
    r: float

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe dictionary of every field."""
        return _json_safe(asdict(self))


@dataclass(frozen=True)
class WelchResult:
    """Result of Welch's unequal-variance t-test; the difference is mean(a) − mean(b)."""

    n_a: int
    n_b: int
    dropped_a: int
    dropped_b: int
    mean_a: float
    se_a: float
    mean_b: float
    se_b: float
    mean_difference: float
    difference_se: float
    ci_low: float
    ci_high: float
    confidence: float
    t: float
    df: float
    p_value: float
    r: float

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe dictionary of every field."""
        return _json_safe(asdict(self))


def effect_size_r(t: float, df: float) -> float:
    """Effect size r from a t statistic: r = sqrt(t² / (t² + df)).

    Rosenthal (1991), as used by Field et al. (2012) *Discovering Statistics Using R* and by
    Table 7.3 of the NHS-VMI evaluation (e.g. t = 4.077, df = 81 gives r = .413). Always in [0, 1].
    """
    if not (math.isfinite(t) and math.isfinite(df)):
        raise ValueError(f"t and df must be finite numbers; got t={t!r}, df={df!r}")
    if df <= 0:
        raise ValueError(f"df must be positive; got {df!r}")
    t_squared = t * t
    return math.sqrt(t_squared / (t_squared + df))


def paired_ttest(
    baseline: Sequence[Any], post: Sequence[Any], *, confidence: float = 0.95
) -> PairedResult:
    """Dependent (paired) t-test of baseline against post, as in Table 7.3 of the evaluation.

    Pairs where either side is missing (None or NaN) are dropped and counted in ``dropped``.
    With differences d_i = baseline_i − post_i over the n complete pairs:
    t = mean(d) / (sd(d) / sqrt(n)), df = n − 1, two-sided p from Student's t; the confidence
    interval is mean(d) ± t_{(1+confidence)/2, df} · sd(d)/sqrt(n); r = sqrt(t²/(t²+df)).
    Standard errors of each side are sd/sqrt(n) with sd using n − 1 (over the complete pairs).
    Matches R's ``t.test(x, y, paired = TRUE)`` and ``scipy.stats.ttest_rel``.
    """
    _check_confidence(confidence)
    base_values = _as_numbers(baseline, "baseline")
    post_values = _as_numbers(post, "post")
    if len(base_values) != len(post_values):
        raise ValueError(
            f"baseline and post must have the same length (one value per pair); "
            f"got {len(base_values)} baseline and {len(post_values)} post values"
        )
    x = np.array(base_values, dtype=float)
    y = np.array(post_values, dtype=float)
    complete = ~(np.isnan(x) | np.isnan(y))
    dropped = int((~complete).sum())
    x, y = x[complete], y[complete]
    n = int(x.size)
    if n < 2:
        raise ValueError(
            f"a paired t-test needs at least 2 complete pairs; got {n} "
            f"({dropped} pair(s) dropped for a missing value)"
        )
    differences = x - y
    sd_difference = float(np.std(differences, ddof=1))
    if sd_difference == 0.0:
        raise ValueError(
            f"every difference (baseline − post) equals {differences[0]:g}: the differences "
            "have zero variance, so the standard error is zero and t is undefined"
        )
    df = n - 1
    mean_difference = float(differences.mean())
    difference_se = sd_difference / math.sqrt(n)
    t = mean_difference / difference_se
    p_value = float(2.0 * stats.t.sf(abs(t), df))
    half_width = float(stats.t.ppf((1.0 + confidence) / 2.0, df)) * difference_se
    return PairedResult(
        n=n,
        dropped=dropped,
        baseline_mean=float(x.mean()),
        baseline_se=_standard_error(x),
        post_mean=float(y.mean()),
        post_se=_standard_error(y),
        mean_difference=mean_difference,
        difference_se=difference_se,
        ci_low=mean_difference - half_width,
        ci_high=mean_difference + half_width,
        confidence=confidence,
        t=t,
        df=df,
        p_value=p_value,
        r=effect_size_r(t, df),
    )


def welch_ttest(a: Sequence[Any], b: Sequence[Any], *, confidence: float = 0.95) -> WelchResult:
    """Welch's independent-samples t-test of a against b (unequal variances).

    Missing values (None or NaN) are dropped from each sample separately and counted.
    With s² the sample variances (n − 1) and se² = s_a²/n_a + s_b²/n_b:
    t = (mean(a) − mean(b)) / se; df by Welch–Satterthwaite,
    df = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)); two-sided p from Student's t
    with that (fractional) df; CI = difference ± t_{(1+confidence)/2, df} · se;
    r = sqrt(t²/(t²+df)). Matches R's ``t.test(a, b)`` and
    ``scipy.stats.ttest_ind(a, b, equal_var=False)``.
    """
    _check_confidence(confidence)
    a_all = np.array(_as_numbers(a, "a"), dtype=float)
    b_all = np.array(_as_numbers(b, "b"), dtype=float)
    a_values = a_all[~np.isnan(a_all)]
    b_values = b_all[~np.isnan(b_all)]
    for name, values, everything in (("a", a_values, a_all), ("b", b_values, b_all)):
        if values.size < 2:
            raise ValueError(
                f"Welch's t-test needs at least 2 non-missing values in each sample; "
                f"{name} has {values.size} (of {everything.size})"
            )
    n_a, n_b = int(a_values.size), int(b_values.size)
    var_a = float(np.var(a_values, ddof=1))
    var_b = float(np.var(b_values, ddof=1))
    if var_a == 0.0 and var_b == 0.0:
        raise ValueError(
            "both samples are constant (zero variance): the standard error is zero and t is undefined"
        )
    share_a, share_b = var_a / n_a, var_b / n_b
    difference_se = math.sqrt(share_a + share_b)
    df = (share_a + share_b) ** 2 / (share_a**2 / (n_a - 1) + share_b**2 / (n_b - 1))
    mean_difference = float(a_values.mean() - b_values.mean())
    t = mean_difference / difference_se
    p_value = float(2.0 * stats.t.sf(abs(t), df))
    half_width = float(stats.t.ppf((1.0 + confidence) / 2.0, df)) * difference_se
    return WelchResult(
        n_a=n_a,
        n_b=n_b,
        dropped_a=int(a_all.size - n_a),
        dropped_b=int(b_all.size - n_b),
        mean_a=float(a_values.mean()),
        se_a=_standard_error(a_values),
        mean_b=float(b_values.mean()),
        se_b=_standard_error(b_values),
        mean_difference=mean_difference,
        difference_se=difference_se,
        ci_low=mean_difference - half_width,
        ci_high=mean_difference + half_width,
        confidence=confidence,
        t=t,
        df=df,
        p_value=p_value,
        r=effect_size_r(t, df),
    )


def _standard_error(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1) / math.sqrt(values.size))


def _check_confidence(confidence: float) -> None:
    if not (isinstance(confidence, numbers.Real) and 0.0 < confidence < 1.0):
        raise ValueError(
            f"confidence must be a number strictly between 0 and 1; got {confidence!r}"
        )


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | bytes) or not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def _as_numbers(values: Iterable[Any], name: str) -> list[float]:
    """Floats with NaN for missing values; refuses text, booleans and infinities by index."""
    if isinstance(values, str | bytes):
        raise ValueError(f"{name} must be a sequence of numbers, not a string")
    out: list[float] = []
    for index, value in enumerate(values):
        if _is_missing(value):
            out.append(math.nan)
            continue
        # Decimal is accepted because Django DecimalFields arrive as Decimal.
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | Decimal):
            raise ValueError(
                f"{name}[{index}] is {value!r} ({type(value).__name__}); expected a number, "
                "None or NaN"
            )
        number = float(value)
        if math.isinf(number):
            raise ValueError(f"{name}[{index}] is infinite; expected a finite number")
        out.append(number)
    return out


def _json_safe(mapping: dict[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, float) and not math.isfinite(value):
            safe[key] = None
        elif isinstance(value, np.generic):
            safe[key] = value.item()
        else:
            safe[key] = value
    return safe
