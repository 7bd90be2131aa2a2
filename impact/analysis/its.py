"""Interrupted time series: segmented regression and controlled ITS against peer trusts."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special
from statsmodels.stats.diagnostic import acorr_breusch_godfrey, acorr_ljungbox
from statsmodels.stats.stattools import durbin_watson
from statsmodels.tsa.arima.model import ARIMA

Seasonality = Literal["month", "fourier"] | None
Errors = Literal["ols", "hac", "hac_uncorrected", "ar"]
#: the error models with Newey–West (HAC) standard errors
HAC_ERRORS = ("hac", "hac_uncorrected")
Family = Literal["gaussian", "poisson"]


class _FitOptions(TypedDict):
    """The fitting options :func:`controlled_its` passes on to each comparison it fits."""

    seasonality: Seasonality
    fourier_terms: int
    errors: Errors
    hac_lags: int | None
    ar_order: int
    family: Family
    dispersion: Literal["pearson", "fixed"]
    alpha: float


MIN_POINTS_EACH_SIDE = 3
#: residual degrees of freedom the model must keep: n >= parameters + MIN_RESIDUAL_DF
MIN_RESIDUAL_DF = 3

MAIN_TERMS = ("baseline_level", "pre_slope", "level_change", "slope_change")
DIFFERENCE_TERMS = (
    "pre_level_difference",
    "pre_slope_difference",
    "level_change_difference",
    "slope_change_difference",
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Coefficient:
    """One estimated quantity with its uncertainty (rate ratios filled in for Poisson models)."""

    term: str
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    rate_ratio: float | None = None
    rate_ratio_ci_low: float | None = None
    rate_ratio_ci_high: float | None = None

    def is_significant(self, alpha: float = 0.05) -> bool:
        """True when the p-value is below alpha."""
        return self.p_value < alpha


@dataclass(frozen=True)
class Diagnostics:
    """Residual checks: Durbin–Watson, Ljung–Box and Breusch–Godfrey at a stated lag."""

    durbin_watson: float
    ljung_box_lag: int
    ljung_box_p: float | None
    breusch_godfrey_lag: int | None
    breusch_godfrey_p: float | None


@dataclass
class ITSResult:
    """Segmented-regression result: main terms, seasonal terms, fitted lines, diagnostics."""

    coefficients: dict[str, Coefficient]
    derived: dict[str, Coefficient]
    seasonal_coefficients: dict[str, Coefficient]
    fitted: pd.DataFrame
    diagnostics: Diagnostics
    n_pre: int
    n_post: int
    settings: dict[str, Any]
    summary_text: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (NaN and infinities become None; periods become strings)."""
        return _json_safe_record(
            {
                "coefficients": {k: vars(v) for k, v in self.coefficients.items()},
                "derived": {k: vars(v) for k, v in self.derived.items()},
                "seasonal_coefficients": {
                    k: vars(v) for k, v in self.seasonal_coefficients.items()
                },
                "fitted": _frame_records(self.fitted),
                "diagnostics": vars(self.diagnostics),
                "n_pre": self.n_pre,
                "n_post": self.n_post,
                "settings": self.settings,
                "summary_text": self.summary_text,
                "warnings": self.warnings,
            }
        )


@dataclass
class ControlledITSResult:
    """Controlled ITS result: treated-minus-control differences, each group's own terms, lines."""

    differences: dict[str, Coefficient]
    treated: dict[str, Coefficient]
    control: dict[str, Coefficient]
    seasonal_coefficients: dict[str, Coefficient]
    fitted: pd.DataFrame
    diagnostics: dict[str, Diagnostics]
    n_pre: dict[str, int]
    n_post: dict[str, int]
    settings: dict[str, Any]
    summary_text: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (NaN and infinities become None; periods become strings)."""
        return _json_safe_record(
            {
                "differences": {k: vars(v) for k, v in self.differences.items()},
                "treated": {k: vars(v) for k, v in self.treated.items()},
                "control": {k: vars(v) for k, v in self.control.items()},
                "seasonal_coefficients": {
                    k: vars(v) for k, v in self.seasonal_coefficients.items()
                },
                "fitted": _frame_records(self.fitted),
                "diagnostics": {k: vars(v) for k, v in self.diagnostics.items()},
                "n_pre": self.n_pre,
                "n_post": self.n_post,
                "settings": self.settings,
                "summary_text": self.summary_text,
                "warnings": self.warnings,
            }
        )


# --------------------------------------------------------------------------- public API


def newey_west_lags(n: int) -> int:
    """Default HAC truncation lag, the Newey–West (1994) rule floor(4 * (n / 100) ** (2 / 9))."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def segmented_regression(
    series: pd.Series,
    intervention: Any,
    *,
    seasonality: Seasonality = None,
    fourier_terms: int = 2,
    errors: Errors = "ols",
    hac_lags: int | None = None,
    ar_order: int = 1,
    family: Family = "gaussian",
    offset: pd.Series | np.ndarray | list[float] | None = None,
    dispersion: Literal["pearson", "fixed"] = "pearson",
    slope_change: bool = True,
    alpha: float = 0.05,
) -> ITSResult:
    """Fit a single-group interrupted time series by segmented regression.

    Model (Lopez Bernal, Cummins & Gasparrini 2017, "Interrupted time series regression for the
    evaluation of public health interventions: a tutorial", Int J Epidemiol 46:348–355)::

        g(E[y_t]) = b0 + b1*t + b2*D_t + b3*(t - T0)*D_t  (+ seasonal terms) (+ offset)

    t counts time points from 0 at the first observation (calendar spacing: a missing month
    keeps its place), T0 is the intervention time point and D_t = 1 from T0 onwards, so
    b0 = baseline level at the first observation, b1 = pre-intervention slope per time point,
    b2 = level change at the intervention point (the first post-intervention point),
    b3 = change in slope. (The tutorial's supplementary code uses (t - T0 + 1), which moves b3
    into b2 by one step; b1 and b3 are unchanged.) ``slope_change=False`` drops b3, giving the
    tutorial's main step-change model. ``derived["post_slope"]`` is b1 + b3.

    ``fitted`` holds one row per observed point: ``t``; ``observed``; ``fitted`` (the whole model,
    seasonal terms included); ``counterfactual`` (the same with b2 = b3 = 0); and the two lines a
    small chart draws, with every seasonal term at its mean (zero under the deviation or Fourier
    coding, so they are straight segments): ``fitted_trend`` = b0 + b1*t + b2*D_t + b3*(t - T0)*D_t
    and ``counterfactual_trend`` = b0 + b1*t, the pre-intervention trend carried on as if nothing
    had changed (for ``family="poisson"`` each through exp(... + offset)).

    The series is indexed by a monthly (or quarterly) DatetimeIndex/PeriodIndex, or by integers
    (consecutive time points, assumed monthly for seasonality). Seasonality: ``"month"`` adds
    season-of-year indicators with sum-to-zero (deviation) coding so b0 stays a deseasonalised
    level; ``"fourier"`` adds ``fourier_terms`` sine/cosine pairs of the season-of-year (period 12
    for months, 4 for quarters), as tsModel::harmonic in the tutorial.

    Errors: ``"ols"`` classical standard errors (t distribution); ``"hac"`` Newey–West
    heteroscedasticity-and-autocorrelation-consistent errors (Bartlett kernel, t distribution on
    n − k degrees of freedom) with the small-sample factor n / (n − k) on the covariance, as
    Stata's ``newey`` computes it (and so Linden's ``itsa``, which calls ``newey``):
    V = n/(n − k) · (X'X)⁻¹ [Σ_t e_t² x_t x_t' + Σ_{l=1..L} (1 − l/(L + 1)) Σ_t e_t e_{t−l}
    (x_t x_{t−l}' + x_{t−l} x_t')] (X'X)⁻¹; ``"hac_uncorrected"`` is the same without the
    factor (statsmodels' ``cov_type="HAC"`` default), whose standard errors are smaller by
    sqrt((n − k) / n) — about 7% with 31 points and 4 parameters. Lag ``hac_lags`` defaults to
    floor(4 * (n / 100) ** (2 / 9)) — note Newey–West errors are liberal in short series (with
    83 monthly points, lag 3 and no true effect, simulated level/slope-change tests reject at
    12–23% rather than 5%), so treat borderline HAC p-values with care; ``"ar"`` regression with AR(``ar_order``) errors fitted by
    exact maximum likelihood (statsmodels ARIMA with exog, normal-theory inference; missing
    months are kept as gaps). ``family="poisson"`` fits a log-link GLM to counts with optional
    ``offset`` (e.g. log population), quasi-Poisson (Pearson chi²/df) dispersion by default as in
    the tutorial; estimates are log rate ratios and rate ratios are reported too.

    Minimum data: at least 3 observed points before and 3 from the intervention on, and at least
    (number of parameters + 3) observed points in all (+ ``ar_order`` for AR errors).
    NaN values are dropped before fitting (their time points keep their place in t); HAC
    standard errors and the residual diagnostics then treat the remaining points as consecutive.
    Raises ValueError on a non-Series, non-numeric cells, infinite values, a constant series,
    duplicate time points, an intervention outside the series, or too few points.
    """
    _check_options(
        seasonality, fourier_terms, errors, hac_lags, ar_order, family, dispersion, alpha
    )
    if offset is not None and family != "poisson":
        raise ValueError("offset applies only to family='poisson' (e.g. log population)")
    if family == "poisson" and errors == "ar":
        raise ValueError("errors='ar' is available for family='gaussian' only; use 'hac'")

    prepared = _prepare_series(series, "series")
    t0 = _intervention_time(intervention, prepared)
    offset_values = _prepare_offset(offset, series, prepared)
    if family == "poisson" and (prepared.values < 0).any():
        raise ValueError(
            "family='poisson' needs non-negative counts; the series has negative values"
        )

    design = _design(prepared.t, prepared.season, t0, prepared.cycle, seasonality, fourier_terms)
    if not slope_change:
        design = design.drop(columns="slope_change")
    n_pre = int((prepared.t < t0).sum())
    n_post = int((prepared.t >= t0).sum())
    _check_enough_points(
        n_pre, n_post, design.shape[1], seasonality, ar_order if errors == "ar" else 0
    )
    _check_rank(design)

    fit = _fit(
        prepared.values,
        design,
        errors=errors,
        hac_lags=hac_lags,
        ar_order=ar_order,
        family=family,
        offset=offset_values,
        dispersion=dispersion,
        grid=prepared,
        t0=t0,
        seasonality=seasonality,
        fourier_terms=fourier_terms,
        slope_change=slope_change,
    )

    main_terms = [term for term in MAIN_TERMS if term in design.columns]
    coefficients = {term: fit.coefficient(term, alpha, family) for term in main_terms}
    seasonal = {
        term: fit.coefficient(term, alpha, family)
        for term in design.columns
        if term not in MAIN_TERMS
    }
    post_t = prepared.t[prepared.t >= t0].astype(float)
    post_mean_weights = {
        "baseline_level": 1.0,
        "pre_slope": float(post_t.mean()),
        "level_change": 1.0,
    }
    derived: dict[str, Coefficient] = {}
    if slope_change:
        derived["post_slope"] = fit.combination(
            "post_slope", {"pre_slope": 1.0, "slope_change": 1.0}, alpha, family
        )
        post_mean_weights["slope_change"] = float((post_t - t0).mean())
    derived["post_mean"] = fit.combination("post_mean", post_mean_weights, alpha, family)

    counterfactual_design = design.copy()
    counterfactual_design["level_change"] = 0.0
    if slope_change:
        counterfactual_design["slope_change"] = 0.0
    # Seasonal terms at their mean (0) leave the trend lines: straight segments a chart can show.
    seasonal_terms = [term for term in design.columns if term not in MAIN_TERMS]
    trend_design = design.copy()
    trend_design[seasonal_terms] = 0.0
    counterfactual_trend_design = counterfactual_design.copy()
    counterfactual_trend_design[seasonal_terms] = 0.0
    fitted = pd.DataFrame(
        {
            "t": prepared.t,
            "observed": prepared.values,
            "fitted": fit.predict(design, offset_values),
            "counterfactual": fit.predict(counterfactual_design, offset_values),
            "fitted_trend": fit.predict(trend_design, offset_values),
            "counterfactual_trend": fit.predict(counterfactual_trend_design, offset_values),
        },
        index=prepared.labels,
    )

    diag_lag = min(prepared.cycle, max(1, len(prepared.values) // 4))
    diagnostics = _diagnostics(fit.residuals, design.to_numpy(), diag_lag)

    settings = {
        "model": "y_t = b0 + b1*t + b2*D_t"
        + (" + b3*(t - T0)*D_t" if slope_change else "")
        + (" + seasonal" if seasonality else ""),
        "intervention": _label(prepared, t0),
        "first_point": _label(prepared, int(prepared.t[0])),
        "last_point": _label(prepared, int(prepared.t[-1])),
        "seasonality": seasonality,
        "fourier_terms": fourier_terms if seasonality == "fourier" else None,
        "errors": errors,
        "hac_lags": fit.hac_lags,
        "hac_lag_rule": "floor(4 * (n / 100) ** (2 / 9))" if errors in HAC_ERRORS else None,
        "hac_small_sample": _hac_small_sample(errors),
        "ar_order": ar_order if errors == "ar" else None,
        "ar_coefficients": fit.ar_coefficients,
        "family": family,
        "dispersion": fit.dispersion_label,
        "scale": fit.scale,
        "offset": offset is not None,
        "slope_change": slope_change,
        "alpha": alpha,
        "inference": "t" if fit.use_t else "normal",
        "df_resid": fit.df_resid,
        "n": len(prepared.values),
        "n_missing_dropped": prepared.n_missing,
        "time_unit": prepared.unit,
    }
    summary = _single_summary(
        coefficients, derived, diagnostics, prepared, t0, family, alpha, errors
    )
    return ITSResult(
        coefficients=coefficients,
        derived=derived,
        seasonal_coefficients=seasonal,
        fitted=fitted,
        diagnostics=diagnostics,
        n_pre=n_pre,
        n_post=n_post,
        settings=settings,
        summary_text=summary,
        warnings=fit.warnings,
    )


def controlled_its(
    treated: pd.Series,
    controls: pd.Series | pd.DataFrame,
    intervention: Any,
    *,
    combine: Literal["mean", "each"] = "mean",
    seasonality: Seasonality = None,
    fourier_terms: int = 2,
    errors: Errors = "ols",
    hac_lags: int | None = None,
    ar_order: int = 1,
    family: Family = "gaussian",
    offset: tuple[Any, Any] | None = None,
    dispersion: Literal["pearson", "fixed"] = "pearson",
    alpha: float = 0.05,
    differences_only: bool = False,
) -> ControlledITSResult | dict[str, ControlledITSResult]:
    """Compare a treated organisation's interrupted series with its peers (controlled ITS).

    Stacked model with group interactions (Linden 2015, "Conducting interrupted time-series
    analysis for single- and multiple-group comparisons", Stata Journal 15:480–500)::

        y_gt = b0 + b1*t + b2*D_t + b3*(t - T0)*D_t
               + b4*Z + b5*Z*t + b6*Z*D_t + b7*Z*(t - T0)*D_t  (+ seasonal) + e_gt

    Z = 1 for the treated organisation, 0 for the control series; t, T0 and D_t as in
    :func:`segmented_regression`. Differences (treated minus control): b4 level before, b5 slope
    before, b6 level change, b7 slope change; ``post_slope_difference`` = b5 + b7 and
    ``post_mean_difference`` = the average treated-minus-control gap over the observed
    post-intervention points (b4 + b5*mean(t) + b6 + b7*mean(t - T0) there) — "better or worse
    than peers". ``treated``/``control`` hold each group's own terms as linear combinations.
    Seasonal terms are shared by both groups.

    ``controls``: a Series (one control) or a DataFrame with one column per peer. With
    ``combine="mean"`` the peers' row mean (over the peers reporting that month) is the control
    series; with ``combine="each"`` one comparison per column is returned as a dict keyed by
    column name. Errors: ``"ols"``; ``"hac"`` panel Newey–West (autocovariances within each group,
    statsmodels ``hac-panel``, with the n / (n − k) factor over all stacked points as Stata's
    ``newey`` on panel data; lag rule as in :func:`segmented_regression`, n = treated points;
    t on n − k degrees of freedom); ``"hac_uncorrected"`` the same without the factor;
    ``"ar"`` fits the treated-minus-control difference series with AR errors, whose b0..b3 are
    the differences b4..b7 (the group lines then come from separate AR fits).
    Poisson: ``offset`` is a pair (treated offset, control offset), each aligned like its series.
    ``differences_only=True`` (for the many fits of a placebo test) fills only ``differences``
    and ``settings``: no group terms, fitted lines, diagnostics or summary (ignored with AR
    errors).
    Raises ValueError on the same bad inputs as :func:`segmented_regression`, or when a group
    has too few points.
    """
    if combine not in ("mean", "each"):
        raise ValueError(f"combine must be 'mean' or 'each', not {combine!r}")
    options: _FitOptions = {
        "seasonality": seasonality,
        "fourier_terms": fourier_terms,
        "errors": errors,
        "hac_lags": hac_lags,
        "ar_order": ar_order,
        "family": family,
        "dispersion": dispersion,
        "alpha": alpha,
    }
    if isinstance(controls, pd.DataFrame):
        if controls.shape[1] == 0:
            raise ValueError("controls has no columns: pass at least one peer series")
        if combine == "each":
            results = {}
            for column in controls.columns:
                control_offset = None
                if offset is not None:
                    treated_offset, control_offsets = offset
                    control_offset = (
                        control_offsets[column]
                        if isinstance(control_offsets, pd.DataFrame)
                        else control_offsets
                    )
                    pair: tuple[Any, Any] | None = (treated_offset, control_offset)
                else:
                    pair = None
                results[str(column)] = _controlled_one(
                    treated,
                    controls[column],
                    intervention,
                    offset=pair,
                    n_peers=1,
                    differences_only=differences_only,
                    **options,
                )
            return results
        numeric = pd.DataFrame(
            {
                column: _numeric_values(controls[column], f"controls[{column!r}]")
                for column in controls
            }
        )
        control_series = numeric.mean(axis=1, skipna=True)
        n_peers = controls.shape[1]
    elif isinstance(controls, pd.Series):
        control_series = controls
        n_peers = 1
    else:
        raise ValueError("controls must be a pandas Series or DataFrame (one column per peer)")
    return _controlled_one(
        treated,
        control_series,
        intervention,
        offset=offset,
        n_peers=n_peers,
        differences_only=differences_only,
        **options,
    )


# --------------------------------------------------------------------------- preparation


@dataclass
class _Prepared:
    values: np.ndarray
    t: np.ndarray
    season: np.ndarray
    labels: pd.Index
    kind: Literal["period", "integer"]
    freq: str | None
    origin: int
    cycle: int
    unit: str
    n_missing: int
    keep: np.ndarray  # positions in the sorted original series that were kept
    order: np.ndarray  # sort order applied to the original series


def _check_options(
    seasonality: Any,
    fourier_terms: Any,
    errors: Any,
    hac_lags: Any,
    ar_order: Any,
    family: Any,
    dispersion: Any,
    alpha: Any,
) -> None:
    if seasonality not in (None, "month", "fourier"):
        raise ValueError(f"seasonality must be None, 'month' or 'fourier', not {seasonality!r}")
    if seasonality == "fourier" and (
        not isinstance(fourier_terms, int | np.integer) or not 1 <= fourier_terms <= 5
    ):
        raise ValueError(f"fourier_terms must be an integer from 1 to 5, not {fourier_terms!r}")
    if errors not in ("ols", *HAC_ERRORS, "ar"):
        raise ValueError(f"errors must be 'ols', 'hac', 'hac_uncorrected' or 'ar', not {errors!r}")
    if hac_lags is not None and (not isinstance(hac_lags, int | np.integer) or hac_lags < 0):
        raise ValueError(f"hac_lags must be a non-negative integer or None, not {hac_lags!r}")
    if not isinstance(ar_order, int | np.integer) or not 1 <= ar_order <= 12:
        raise ValueError(f"ar_order must be an integer from 1 to 12, not {ar_order!r}")
    if family not in ("gaussian", "poisson"):
        raise ValueError(f"family must be 'gaussian' or 'poisson', not {family!r}")
    if dispersion not in ("pearson", "fixed"):
        raise ValueError(f"dispersion must be 'pearson' or 'fixed', not {dispersion!r}")
    if not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")


def _numeric_values(series: pd.Series, name: str) -> pd.Series:
    """The series as floats; raise naming the cells that are not numbers."""
    if pd.api.types.is_bool_dtype(series.dtype):
        raise ValueError(f"{name} holds true/false values, not numbers")
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype(float)
    else:
        values = pd.to_numeric(series, errors="coerce").astype(float)
        bad = values.isna() & series.notna()
        if bad.any():
            examples = ", ".join(f"{idx}: {series[idx]!r}" for idx in series.index[bad][:5])
            raise ValueError(
                f"{name} has {int(bad.sum())} non-numeric cell(s) ({examples}); "
                "convert them to numbers or to NaN (missing) first"
            )
    if np.isinf(values.to_numpy()).any():
        raise ValueError(f"{name} has infinite values")
    return values


def _prepare_series(series: Any, name: str) -> _Prepared:
    if not isinstance(series, pd.Series):
        raise ValueError(f"{name} must be a pandas Series indexed by month (or integer time)")
    if len(series) == 0:
        raise ValueError(f"{name} is empty")
    index = series.index
    if isinstance(index, pd.DatetimeIndex):
        if index.hasnans:
            raise ValueError(f"{name} has missing dates in its index")
        periods = index.to_period("M")
        if periods.has_duplicates:
            raise ValueError(
                f"{name} has more than one value in a month: expected one value per month"
            )
        index = periods
    if isinstance(index, pd.PeriodIndex):
        freq = index.freqstr
        if freq.startswith("M"):
            cycle, unit = 12, "month"
        elif freq.startswith("Q"):
            cycle, unit = 4, "quarter"
        else:
            raise ValueError(f"{name} must be monthly or quarterly, not frequency {freq!r}")
        kind: Literal["period", "integer"] = "period"
        ordinals = np.asarray(index.asi8, dtype=np.int64)
        seasons_all = np.asarray(index.month if cycle == 12 else index.quarter, dtype=int)
    elif pd.api.types.is_integer_dtype(index.dtype):
        kind, freq, cycle, unit = "integer", None, 12, "time point"
        ordinals = np.asarray(index, dtype=np.int64)
        seasons_all = np.zeros(len(index), dtype=int)  # filled after the origin is known
    else:
        raise ValueError(
            f"{name} must have a DatetimeIndex, a monthly/quarterly PeriodIndex or an integer "
            f"index, not {type(index).__name__}"
        )
    if pd.Index(ordinals).has_duplicates:
        raise ValueError(f"{name} has duplicate time points in its index")

    values = _numeric_values(pd.Series(series.to_numpy(), index=range(len(series))), name)
    values.index = pd.Index(
        [str(label) for label in index] if kind == "period" else list(index), dtype=object
    )
    order = np.argsort(ordinals, kind="stable")
    ordinals = ordinals[order]
    raw = values.to_numpy()[order]
    sorted_index = index[order]
    origin = int(ordinals[0])
    if kind == "integer":
        seasons_all = ((ordinals - origin) % 12 + 1).astype(int)
    else:
        seasons_all = seasons_all[order]
    keep = ~np.isnan(raw)
    if not keep.any():
        raise ValueError(f"{name} has no numeric values (all missing)")
    kept_values = raw[keep]
    if np.ptp(kept_values) == 0:
        raise ValueError(
            f"{name} is constant (every value is {kept_values[0]:g}): there is no change to model"
        )
    return _Prepared(
        values=kept_values,
        t=(ordinals - origin)[keep],
        season=seasons_all[keep],
        labels=sorted_index[keep],
        kind=kind,
        freq=freq,
        origin=origin,
        cycle=cycle,
        unit=unit,
        n_missing=int((~keep).sum()),
        keep=np.flatnonzero(keep),
        order=order,
    )


def _period_freq(prepared: _Prepared) -> str:
    """The pandas frequency of a period-indexed series (set whenever kind is "period")."""
    if prepared.freq is None:
        raise ValueError("a period-indexed series has no frequency")
    return prepared.freq


def _intervention_time(intervention: Any, prepared: _Prepared, origin: int | None = None) -> int:
    origin = prepared.origin if origin is None else origin
    if prepared.kind == "period":
        freq = _period_freq(prepared)
        try:
            if isinstance(intervention, pd.Period):
                period = intervention.asfreq(freq)
            elif isinstance(intervention, str | dt.date | pd.Timestamp | np.datetime64):
                # pandas-stubs leave np.datetime64 out of Period(); pandas accepts it.
                period = pd.Period(intervention, freq=freq)  # type: ignore[arg-type]
            else:
                raise TypeError
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"intervention {intervention!r} is not a date or period (e.g. '2015-07')"
            ) from exc
        ordinal = int(period.ordinal)
    else:
        if isinstance(intervention, bool) or not isinstance(intervention, int | np.integer | float):
            raise ValueError(f"intervention {intervention!r} must be an integer index label")
        if float(intervention) != int(intervention):
            raise ValueError(f"intervention {intervention!r} must be a whole number")
        ordinal = int(intervention)
    t0 = ordinal - origin
    first, last = int(prepared.t[0]), int(prepared.t[-1])
    if not first < t0 <= last:
        raise ValueError(
            f"intervention {_label(prepared, t0, origin)} is outside the series "
            f"({_label(prepared, first)} to {_label(prepared, last)}): it must come after the first "
            "observed point and no later than the last"
        )
    return t0


def _prepare_offset(offset: Any, series: pd.Series, prepared: _Prepared) -> np.ndarray | None:
    if offset is None:
        return None
    if isinstance(offset, pd.Series):
        if not offset.index.equals(series.index):
            raise ValueError("offset must have the same index as the series")
        raw = offset.to_numpy()
    else:
        raw = np.asarray(offset)
    if raw.ndim != 1 or len(raw) != len(series):
        raise ValueError(f"offset must have one value per point of the series ({len(series)})")
    try:
        values: np.ndarray = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError("offset must be numeric (e.g. log population)") from exc
    values = values[prepared.order][prepared.keep]
    if not np.isfinite(values).all():
        raise ValueError("offset has missing or infinite values where the series is observed")
    return values


def _design(
    t: np.ndarray,
    season: np.ndarray,
    t0: int,
    cycle: int,
    seasonality: Seasonality,
    fourier_terms: int,
) -> pd.DataFrame:
    after = (t >= t0).astype(float)
    # columns collected first and framed once (placebo tests build many designs)
    columns: dict[str, np.ndarray] = {
        "baseline_level": np.ones(len(t)),
        "pre_slope": t.astype(float),
        "level_change": after,
        "slope_change": (t - t0) * after,
    }
    name = "month" if cycle == 12 else "quarter"
    if seasonality == "month":
        # Deviation coding against the last season keeps b0 a deseasonalised level.
        for s in range(1, cycle):
            columns[f"{name}_{s}"] = (season == s).astype(float) - (season == cycle).astype(float)
    elif seasonality == "fourier":
        for k in range(1, fourier_terms + 1):
            if 2 * k < cycle:
                columns[f"sin_{k}"] = np.sin(2 * np.pi * k * season / cycle)
            columns[f"cos_{k}"] = np.cos(2 * np.pi * k * season / cycle)
    return pd.DataFrame(columns)


def _check_enough_points(
    n_pre: int, n_post: int, n_params: int, seasonality: Seasonality, extra: int
) -> None:
    needed = n_params + MIN_RESIDUAL_DF + extra
    what = f"with {seasonality} seasonality " if seasonality else ""
    rule = (
        f"the model {what}estimates {n_params + extra} parameters and needs at least {needed} "
        f"observed points in all, with at least {MIN_POINTS_EACH_SIDE} before the intervention "
        f"and {MIN_POINTS_EACH_SIDE} from it on"
    )
    if n_pre < MIN_POINTS_EACH_SIDE or n_post < MIN_POINTS_EACH_SIDE:
        raise ValueError(
            f"too few points: {n_pre} before and {n_post} after the intervention; {rule}"
        )
    if n_pre + n_post < needed:
        raise ValueError(f"too few points: {n_pre + n_post} observed; {rule}")


def _check_rank(design: pd.DataFrame) -> None:
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        raise ValueError(
            "the terms cannot all be estimated from these points (design matrix is rank "
            "deficient, e.g. a season of the year is never observed): use fewer seasonal terms"
        )


# --------------------------------------------------------------------------- fitting


@dataclass
class _Fit:
    params: pd.Series
    cov: pd.DataFrame
    use_t: bool
    df_resid: float
    residuals: np.ndarray
    hac_lags: int | None
    ar_coefficients: list[float] | None
    scale: float | None
    dispersion_label: str | None
    family: str
    warnings: list[str]

    def _interval(self, estimate: float, se: float, alpha: float) -> tuple[float, float, float]:
        if not np.isfinite(se) or se <= 0:
            return math.nan, math.nan, math.nan
        stat = estimate / se
        # scipy.special's t and normal functions (what scipy.stats calls, without its per-call
        # overhead: placebo runs compute thousands of these)
        if self.use_t:
            crit = float(special.stdtrit(self.df_resid, 1 - alpha / 2))
            p = float(2 * special.stdtr(self.df_resid, -abs(stat)))
        else:
            crit = float(special.ndtri(1 - alpha / 2))
            p = float(2 * special.ndtr(-abs(stat)))
        return estimate - crit * se, estimate + crit * se, p

    def combination(
        self, term: str, weights: dict[str, float], alpha: float, family: str
    ) -> Coefficient:
        # numpy, not pandas alignment: this runs for every term of every (placebo) fit
        position = {name: i for i, name in enumerate(self.params.index)}
        w = np.zeros(len(position))
        for name, weight in weights.items():
            w[position[name]] = weight
        names = self.params.index
        if self.cov.index.equals(names) and self.cov.columns.equals(names):
            cov = self.cov.to_numpy()
        else:
            cov = self.cov.loc[names, names].to_numpy()
        estimate = float(w @ self.params.to_numpy())
        se = float(math.sqrt(max(float(w @ cov @ w), 0.0)))
        low, high, p = self._interval(estimate, se, alpha)
        if family == "poisson":
            return Coefficient(
                term, estimate, se, low, high, p, math.exp(estimate), math.exp(low), math.exp(high)
            )
        return Coefficient(term, estimate, se, low, high, p)

    def coefficient(self, term: str, alpha: float, family: str) -> Coefficient:
        return self.combination(term, {term: 1.0}, alpha, family)

    def predict(self, design: pd.DataFrame, offset: np.ndarray | None) -> np.ndarray:
        linear: np.ndarray = design[self.params.index].to_numpy() @ self.params.to_numpy()
        if self.family == "poisson":
            return np.asarray(np.exp(linear + (0.0 if offset is None else offset)))
        return linear


def _fit(
    y: np.ndarray,
    design: pd.DataFrame,
    *,
    errors: Errors,
    hac_lags: int | None,
    ar_order: int,
    family: Family,
    offset: np.ndarray | None,
    dispersion: str,
    grid: _Prepared | None = None,
    t0: int | None = None,
    seasonality: Seasonality = None,
    fourier_terms: int = 2,
    slope_change: bool = True,
    groups: np.ndarray | None = None,
    n_for_lags: int | None = None,
) -> _Fit:
    n = len(y)
    lags = None
    hac = errors in HAC_ERRORS
    # Stata newey's n/(n - k) factor (statsmodels: use_correction True / "hac" for panels).
    correction: bool | str = errors == "hac"
    if hac:
        lags = newey_west_lags(n_for_lags or n) if hac_lags is None else int(hac_lags)
        if lags >= (n_for_lags or n):
            raise ValueError(f"hac_lags ({lags}) must be smaller than the number of points")
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        if family == "poisson":
            model = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset)
            if hac:
                kind = "hac-panel" if groups is not None else "HAC"
                kwds: dict[str, Any] = {"maxlags": lags}
                if groups is not None and correction:
                    correction = "hac"
                kwds["use_correction"] = correction
                if groups is not None:
                    kwds["groups"] = groups
                res = model.fit(cov_type=kind, cov_kwds=kwds)
                scale_label = "robust (HAC)"
            else:
                res = model.fit(scale="X2" if dispersion == "pearson" else None)
                scale_label = (
                    "quasi-Poisson (Pearson chi2/df)" if dispersion == "pearson" else "fixed at 1"
                )
            out = _Fit(
                params=res.params,
                cov=res.cov_params(),
                use_t=False,
                df_resid=float(res.df_resid),
                residuals=np.asarray(res.resid_deviance),
                hac_lags=lags,
                ar_coefficients=None,
                scale=float(res.scale),
                dispersion_label=scale_label,
                family=family,
                warnings=[],
            )
        elif errors == "ar":
            if grid is None or t0 is None:
                raise ValueError("internal: AR errors need the time grid")
            # Fit on the full calendar grid so missing months stay gaps for the AR process.
            full_t = np.arange(int(grid.t[-1]) + 1)
            full_season = _seasons_for(full_t, grid)
            full_design = _design(full_t, full_season, t0, grid.cycle, seasonality, fourier_terms)
            full_design = full_design[design.columns]
            endog = np.full(len(full_t), np.nan)
            endog[grid.t] = y
            model = ARIMA(endog, exog=full_design, order=(ar_order, 0, 0), trend="n")
            res = model.fit()
            names = list(design.columns)
            params = pd.Series(np.asarray(res.params)[: len(names)], index=names)
            cov = pd.DataFrame(
                np.asarray(res.cov_params())[: len(names), : len(names)], index=names, columns=names
            )
            innovations = np.asarray(res.resid)[grid.t]
            out = _Fit(
                params=params,
                cov=cov,
                use_t=False,
                df_resid=float(n - len(names) - ar_order),
                residuals=innovations,
                hac_lags=None,
                ar_coefficients=[float(v) for v in np.asarray(res.params)[len(names) : -1]],
                scale=float(np.asarray(res.params)[-1]),
                dispersion_label=None,
                family=family,
                warnings=[],
            )
        else:
            model = sm.OLS(y, design)
            if hac:
                # p-values and intervals use df_resid = n - k (_Fit._interval), as Stata does;
                # hac-panel's own inference would use groups - 1.
                if groups is not None:
                    res = model.fit(
                        cov_type="hac-panel",
                        cov_kwds={
                            "groups": groups,
                            "maxlags": lags,
                            "use_correction": "hac" if correction else False,
                        },
                        use_t=True,
                    )
                else:
                    res = model.fit(
                        cov_type="HAC",
                        cov_kwds={"maxlags": lags, "use_correction": bool(correction)},
                        use_t=True,
                    )
            else:
                res = model.fit()
            out = _Fit(
                params=res.params,
                cov=res.cov_params(),
                use_t=True,
                df_resid=float(res.df_resid),
                residuals=np.asarray(res.resid),
                hac_lags=lags,
                ar_coefficients=None,
                scale=float(res.scale),
                dispersion_label=None,
                family=family,
                warnings=[],
            )
    for item in record:
        caught.append(f"{type(item.message).__name__}: {item.message}")
    out.warnings = sorted(set(caught))
    return out


def _hac_small_sample(errors: str) -> str | None:
    """How the HAC covariance was scaled, for the stored settings."""
    if errors == "hac":
        return "n/(n - k) (as Stata newey)"
    if errors == "hac_uncorrected":
        return "none (statsmodels default)"
    return None


def _seasons_for(t: np.ndarray, prepared: _Prepared) -> np.ndarray:
    if prepared.kind == "integer":
        return (t % 12 + 1).astype(int)
    # PeriodIndex.from_ordinals (pandas >= 2.2) is missing from pandas-stubs.
    periods = pd.PeriodIndex.from_ordinals(  # type: ignore[attr-defined]
        t + prepared.origin, freq=_period_freq(prepared)
    )
    return np.asarray(periods.month if prepared.cycle == 12 else periods.quarter, dtype=int)


def _diagnostics(residuals: np.ndarray, design: np.ndarray, lag: int) -> Diagnostics:
    resid = np.asarray(residuals, dtype=float)
    n = len(resid)
    dw = float(durbin_watson(resid))
    lb_p: float | None = None
    if n > lag + 1:
        lb = acorr_ljungbox(resid, lags=[lag])
        lb_p = float(lb["lb_pvalue"].iloc[0])
    bg_lag = min(lag, n - design.shape[1] - MIN_RESIDUAL_DF)
    bg_p: float | None = None
    if bg_lag >= 1:
        # Breusch–Godfrey on the auxiliary regression of the residuals on the design and their
        # own lags (exact for OLS residuals; an approximate check for GLM/AR residuals).
        aux = sm.OLS(resid, design).fit()
        bg_p = float(acorr_breusch_godfrey(aux, nlags=bg_lag, result_object=True).lmpval)
    else:
        bg_lag = None
    return Diagnostics(
        durbin_watson=dw,
        ljung_box_lag=lag,
        ljung_box_p=lb_p,
        breusch_godfrey_lag=bg_lag,
        breusch_godfrey_p=bg_p,
    )


# --------------------------------------------------------------------------- controlled ITS


def _controlled_one(
    treated: pd.Series,
    control: pd.Series,
    intervention: Any,
    *,
    seasonality: Seasonality,
    fourier_terms: int,
    errors: Errors,
    hac_lags: int | None,
    ar_order: int,
    family: Family,
    offset: tuple[Any, Any] | None,
    dispersion: Literal["pearson", "fixed"],
    alpha: float,
    n_peers: int,
    differences_only: bool = False,
) -> ControlledITSResult:
    _check_options(
        seasonality, fourier_terms, errors, hac_lags, ar_order, family, dispersion, alpha
    )
    if offset is not None and family != "poisson":
        raise ValueError("offset applies only to family='poisson' (e.g. log population)")
    if offset is not None and (not isinstance(offset, tuple) or len(offset) != 2):
        raise ValueError("offset for controlled_its is a pair (treated offset, control offset)")
    if family == "poisson" and errors == "ar":
        raise ValueError("errors='ar' is available for family='gaussian' only; use 'hac'")
    tr = _prepare_series(treated, "treated")
    co = _prepare_series(control, "controls")
    if tr.kind != co.kind or tr.freq != co.freq:
        raise ValueError("treated and controls must have the same kind of index (both monthly, …)")
    origin = min(tr.origin, co.origin)
    for p in (tr, co):
        shift = p.origin - origin
        p.t = p.t + shift
        p.origin = origin
    t0 = _intervention_time(intervention, tr)
    _intervention_time(intervention, co)
    tr_offset = _prepare_offset(offset[0], treated, tr) if offset is not None else None
    co_offset = _prepare_offset(offset[1], control, co) if offset is not None else None

    if errors == "ar":
        return _controlled_by_difference(
            treated,
            control,
            intervention,
            tr,
            co,
            t0,
            seasonality,
            fourier_terms,
            ar_order,
            alpha,
            n_peers,
        )

    d_tr = _design(tr.t, tr.season, t0, tr.cycle, seasonality, fourier_terms)
    d_co = _design(co.t, co.season, t0, co.cycle, seasonality, fourier_terms)
    for name, p in (("treated", tr), ("controls", co)):
        before, after = int((p.t < t0).sum()), int((p.t >= t0).sum())
        if before < MIN_POINTS_EACH_SIDE or after < MIN_POINTS_EACH_SIDE:
            raise ValueError(
                f"too few points in {name}: {before} before and {after} after the intervention; "
                f"each group needs at least {MIN_POINTS_EACH_SIDE} on each side"
            )
    stacked = pd.concat([_with_group(d_co, 0.0), _with_group(d_tr, 1.0)], ignore_index=True)
    columns = (
        list(MAIN_TERMS) + list(DIFFERENCE_TERMS) + [c for c in d_tr.columns if c not in MAIN_TERMS]
    )
    stacked = stacked[columns]
    _check_enough_points(
        int((stacked["pre_slope"] < t0).sum()),
        int((stacked["level_change"] > 0).sum()),
        stacked.shape[1],
        seasonality,
        0,
    )
    _check_rank(stacked)
    y = np.concatenate([co.values, tr.values])
    groups = np.concatenate([np.zeros(len(co.values)), np.ones(len(tr.values))]).astype(int)
    stacked_offset = None if offset is None else np.concatenate([co_offset, tr_offset])
    fit = _fit(
        y,
        stacked,
        errors=errors,
        hac_lags=hac_lags,
        ar_order=ar_order,
        family=family,
        offset=stacked_offset,
        dispersion=dispersion,
        groups=groups if errors in HAC_ERRORS else None,
        n_for_lags=len(tr.values),
    )

    post_t = tr.t[tr.t >= t0].astype(float)
    differences = {term: fit.coefficient(term, alpha, family) for term in DIFFERENCE_TERMS}
    differences["post_slope_difference"] = fit.combination(
        "post_slope_difference",
        {"pre_slope_difference": 1.0, "slope_change_difference": 1.0},
        alpha,
        family,
    )
    differences["post_mean_difference"] = fit.combination(
        "post_mean_difference",
        {
            "pre_level_difference": 1.0,
            "pre_slope_difference": float(post_t.mean()),
            "level_change_difference": 1.0,
            "slope_change_difference": float((post_t - t0).mean()),
        },
        alpha,
        family,
    )
    if differences_only:
        return ControlledITSResult(
            differences=differences,
            treated={},
            control={},
            seasonal_coefficients={},
            fitted=pd.DataFrame(),
            diagnostics={},
            n_pre={"treated": int((tr.t < t0).sum()), "control": int((co.t < t0).sum())},
            n_post={"treated": int((tr.t >= t0).sum()), "control": int((co.t >= t0).sum())},
            settings={
                "errors": errors,
                "hac_lags": fit.hac_lags,
                "hac_small_sample": _hac_small_sample(errors),
                "alpha": alpha,
                "inference": "t" if fit.use_t else "normal",
                "df_resid": fit.df_resid,
                "n_peers": n_peers,
                "differences_only": True,
            },
            summary_text="",
            warnings=fit.warnings,
        )
    control_terms = {term: fit.coefficient(term, alpha, family) for term in MAIN_TERMS}
    control_terms["post_slope"] = fit.combination(
        "post_slope", {"pre_slope": 1.0, "slope_change": 1.0}, alpha, family
    )
    treated_terms = {
        term: fit.combination(term, {term: 1.0, diff: 1.0}, alpha, family)
        for term, diff in zip(MAIN_TERMS, DIFFERENCE_TERMS, strict=True)
    }
    treated_terms["post_slope"] = fit.combination(
        "post_slope",
        {
            "pre_slope": 1.0,
            "slope_change": 1.0,
            "pre_slope_difference": 1.0,
            "slope_change_difference": 1.0,
        },
        alpha,
        family,
    )
    seasonal = {
        term: fit.coefficient(term, alpha, family)
        for term in stacked.columns
        if term not in MAIN_TERMS and term not in DIFFERENCE_TERMS
    }

    full_tr = _with_group(d_tr, 1.0)[columns]
    own_trend = full_tr.copy()
    for term in (
        "level_change",
        "slope_change",
        "level_change_difference",
        "slope_change_difference",
    ):
        own_trend[term] = 0.0
    peer_change = full_tr.copy()
    peer_change["level_change_difference"] = 0.0
    peer_change["slope_change_difference"] = 0.0
    full_co = _with_group(d_co, 0.0)[columns]
    treated_frame = pd.DataFrame(
        {
            "treated_observed": tr.values,
            "treated_fitted": fit.predict(full_tr, tr_offset),
            "treated_counterfactual_own_trend": fit.predict(own_trend, tr_offset),
            "treated_counterfactual_peer_change": fit.predict(peer_change, tr_offset),
        },
        index=tr.labels,
    )
    control_frame = pd.DataFrame(
        {
            "control_observed": co.values,
            "control_fitted": fit.predict(full_co, co_offset),
        },
        index=co.labels,
    )
    fitted = treated_frame.join(control_frame, how="outer").sort_index()

    lag = min(tr.cycle, max(1, len(tr.values) // 4))
    resid = fit.residuals
    diagnostics = {
        "control": _diagnostics(resid[: len(co.values)], d_co.to_numpy(), lag),
        "treated": _diagnostics(resid[len(co.values) :], d_tr.to_numpy(), lag),
    }
    n_pre = {"treated": int((tr.t < t0).sum()), "control": int((co.t < t0).sum())}
    n_post = {"treated": int((tr.t >= t0).sum()), "control": int((co.t >= t0).sum())}
    settings = {
        "model": "y = b0 + b1*t + b2*D + b3*(t-T0)*D + b4*Z + b5*Z*t + b6*Z*D + b7*Z*(t-T0)*D"
        + (" + seasonal (shared)" if seasonality else ""),
        "intervention": _label(tr, t0),
        "seasonality": seasonality,
        "fourier_terms": fourier_terms if seasonality == "fourier" else None,
        "errors": errors,
        "hac_lags": fit.hac_lags,
        "hac_lag_rule": "floor(4 * (n / 100) ** (2 / 9)), n = treated points"
        if errors in HAC_ERRORS
        else None,
        "hac_small_sample": _hac_small_sample(errors),
        "family": family,
        "dispersion": fit.dispersion_label,
        "scale": fit.scale,
        "alpha": alpha,
        "inference": "t" if fit.use_t else "normal",
        "df_resid": fit.df_resid,
        "n_peers": n_peers,
        "control": "mean of peers" if n_peers > 1 else "single control series",
        "time_unit": tr.unit,
    }
    summary = _controlled_summary(differences, tr, t0, family, alpha, n_peers)
    return ControlledITSResult(
        differences=differences,
        treated=treated_terms,
        control=control_terms,
        seasonal_coefficients=seasonal,
        fitted=fitted,
        diagnostics=diagnostics,
        n_pre=n_pre,
        n_post=n_post,
        settings=settings,
        summary_text=summary,
        warnings=fit.warnings,
    )


def _with_group(design: pd.DataFrame, z: float) -> pd.DataFrame:
    extra = pd.DataFrame(
        {
            diff: design[term].to_numpy() * z
            for term, diff in zip(MAIN_TERMS, DIFFERENCE_TERMS, strict=True)
        },
        index=design.index,
    )
    return pd.concat([design, extra], axis=1)


def _controlled_by_difference(
    treated: pd.Series,
    control: pd.Series,
    intervention: Any,
    tr: _Prepared,
    co: _Prepared,
    t0: int,
    seasonality: Seasonality,
    fourier_terms: int,
    ar_order: int,
    alpha: float,
    n_peers: int,
) -> ControlledITSResult:
    tr_series = pd.Series(tr.values, index=tr.labels)
    co_series = pd.Series(co.values, index=co.labels)
    gap = (tr_series - co_series).dropna()
    options: dict[str, Any] = {
        "seasonality": seasonality,
        "fourier_terms": fourier_terms,
        "errors": "ar",
        "ar_order": ar_order,
        "alpha": alpha,
    }
    diff = segmented_regression(gap, intervention, **options)
    own_tr = segmented_regression(tr_series, intervention, **options)
    own_co = segmented_regression(co_series, intervention, **options)
    renamed = dict(zip(MAIN_TERMS, DIFFERENCE_TERMS, strict=True))
    differences = {
        renamed[k]: Coefficient(**{**vars(v), "term": renamed[k]})
        for k, v in diff.coefficients.items()
    }
    post = diff.derived["post_slope"]
    differences["post_slope_difference"] = Coefficient(
        **{**vars(post), "term": "post_slope_difference"}
    )
    differences["post_mean_difference"] = Coefficient(
        **{**vars(diff.derived["post_mean"]), "term": "post_mean_difference"}
    )
    fitted = pd.DataFrame(
        {
            "treated_observed": own_tr.fitted["observed"],
            "treated_fitted": own_tr.fitted["fitted"],
            "treated_counterfactual_own_trend": own_tr.fitted["counterfactual"],
            "control_observed": own_co.fitted["observed"],
            "control_fitted": own_co.fitted["fitted"],
        }
    ).sort_index()
    settings = {
        **diff.settings,
        "model": "difference series (treated - control) with AR errors: b0..b3 are b4..b7",
        "n_peers": n_peers,
        "control": "mean of peers" if n_peers > 1 else "single control series",
    }
    summary = _controlled_summary(differences, tr, t0, "gaussian", alpha, n_peers)
    return ControlledITSResult(
        differences=differences,
        treated={**own_tr.coefficients, **own_tr.derived},
        control={**own_co.coefficients, **own_co.derived},
        seasonal_coefficients=diff.seasonal_coefficients,
        fitted=fitted,
        diagnostics={"difference": diff.diagnostics},
        n_pre={"treated": own_tr.n_pre, "control": own_co.n_pre},
        n_post={"treated": own_tr.n_post, "control": own_co.n_post},
        settings=settings,
        summary_text=summary,
        warnings=sorted(set(diff.warnings + own_tr.warnings + own_co.warnings)),
    )


# --------------------------------------------------------------------------- text and JSON


def _label(prepared: _Prepared, t: int, origin: int | None = None) -> str:
    origin = prepared.origin if origin is None else origin
    if prepared.kind == "integer":
        return f"time {t + origin}"
    # PeriodIndex.from_ordinals (pandas >= 2.2) is missing from pandas-stubs.
    periods = pd.PeriodIndex.from_ordinals(  # type: ignore[attr-defined]
        [t + origin], freq=_period_freq(prepared)
    )
    period: pd.Period = periods[0]
    if prepared.cycle == 12:
        return period.strftime("%B %Y")
    return str(period)


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci_text(c: Coefficient, alpha: float, ratio: bool = False) -> str:
    level = round(100 * (1 - alpha))
    if ratio:
        return f"{level}% CI {c.rate_ratio_ci_low:.3f} to {c.rate_ratio_ci_high:.3f}"
    return f"{level}% CI {c.ci_low:+.2f} to {c.ci_high:+.2f}"


def _rate_ratio(c: Coefficient) -> float:
    """A Poisson model's rate ratio (set on every coefficient of one)."""
    if c.rate_ratio is None:
        raise ValueError(f"{c.term} has no rate ratio: it is not from a Poisson model")
    return c.rate_ratio


def _change_text(c: Coefficient, family: str, alpha: float, what: str) -> str:
    if family == "poisson":
        pct = 100 * (_rate_ratio(c) - 1)
        return (
            f"{what} changed by {pct:+.1f}% (rate ratio {c.rate_ratio:.3f}, "
            f"{_ci_text(c, alpha, ratio=True)}, {_p_text(c.p_value)})"
        )
    return f"{what} changed by {c.estimate:+.2f} ({_ci_text(c, alpha)}, {_p_text(c.p_value)})"


def _single_summary(
    coefficients: dict[str, Coefficient],
    derived: dict[str, Coefficient],
    diagnostics: Diagnostics,
    prepared: _Prepared,
    t0: int,
    family: str,
    alpha: float,
    errors: str,
) -> str:
    when = _label(prepared, t0)
    per = {"month": "monthly", "quarter": "quarterly"}.get(prepared.unit, "per-point")
    parts = [
        f"From {when} the level "
        + _change_text(coefficients["level_change"], family, alpha, "")[1:]
    ]
    if "slope_change" in coefficients:
        parts.append(
            f"the {per} trend " + _change_text(coefficients["slope_change"], family, alpha, "")[1:]
        )
    text = " and ".join(parts) + "."
    pre = coefficients["pre_slope"]
    if family == "poisson":
        text += (
            f" Before, the rate changed by {100 * (_rate_ratio(pre) - 1):+.2f}% per {prepared.unit}"
        )
    else:
        text += f" Before, the trend was {pre.estimate:+.3f} per {prepared.unit}"
    if "post_slope" in derived:
        post = derived["post_slope"]
        if family == "poisson":
            text += f"; after, {100 * (_rate_ratio(post) - 1):+.2f}% per {prepared.unit}."
        else:
            text += f"; after, {post.estimate:+.3f} per {prepared.unit} ({_p_text(post.p_value)})."
    else:
        text += "."
    lb = diagnostics.ljung_box_p
    if lb is None:
        text += " Residual autocorrelation was not tested (too few points)."
    elif lb < alpha:
        advice = " (consider errors='hac' or 'ar')" if errors == "ols" else ""
        text += (
            f" Residual autocorrelation is present (Ljung–Box {_p_text(lb)} at lag "
            f"{diagnostics.ljung_box_lag}){advice}."
        )
    else:
        text += (
            f" No residual autocorrelation detected (Ljung–Box {_p_text(lb)} at lag "
            f"{diagnostics.ljung_box_lag})."
        )
    return text


def _controlled_summary(
    differences: dict[str, Coefficient],
    prepared: _Prepared,
    t0: int,
    family: str,
    alpha: float,
    n_peers: int,
) -> str:
    when = _label(prepared, t0)
    peers = f"the mean of {n_peers} peers" if n_peers > 1 else "the control"

    def describe(c: Coefficient) -> str:
        if family == "poisson":
            return (
                f"ratio {c.rate_ratio:.3f} ({_ci_text(c, alpha, ratio=True)}, {_p_text(c.p_value)})"
            )
        return f"{c.estimate:+.2f} ({_ci_text(c, alpha)}, {_p_text(c.p_value)})"

    post = differences["post_mean_difference"]
    verdict = (
        "no significant difference from"
        if post.p_value >= alpha
        else ("above" if post.estimate > 0 else "below")
    )
    return (
        f"Compared with {peers}: before {when} the level differed by "
        f"{describe(differences['pre_level_difference'])} and the trend by "
        f"{describe(differences['pre_slope_difference'])} per {prepared.unit}; at {when} the "
        f"level change differed by {describe(differences['level_change_difference'])} and the "
        f"trend change by {describe(differences['slope_change_difference'])}. Over the "
        f"post-intervention period the organisation was {verdict} {peers} on average "
        f"({describe(post)})."
    )


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = []
    for label, row in frame.iterrows():
        record: dict[str, Any] = {"period": str(label)}
        record.update({str(column): value for column, value in row.to_dict().items()})
        records.append(record)
    return records


def _json_safe_record(record: dict[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = _json_safe(record)
    return safe


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else None
    if value is None or isinstance(value, str):
        return value
    return str(value)
