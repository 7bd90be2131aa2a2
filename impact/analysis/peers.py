"""Peer selection: the k organisations nearest a target by (weighted) Euclidean distance."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["MissingPolicy", "PeerResult", "nearest_peers"]

MissingPolicy = Literal["drop_feature", "drop_org", "error"]
_MISSING_POLICIES = ("drop_feature", "drop_org", "error")


@dataclass(frozen=True)
class PeerResult:
    """The nearest peers of one organisation and an account of what was left out and why.

    ``peers`` is indexed by organisation code, sorted by distance (ties by code), with columns
    ``rank`` (1 = nearest), ``distance`` and the raw values of the features used.
    ``dropped_features`` and ``dropped_orgs`` map each dropped name to the reason.
    """

    target: str
    k: int
    standardise: bool
    features_used: tuple[str, ...]
    weights: dict[str, float]
    peers: pd.DataFrame
    dropped_features: dict[str, str] = field(default_factory=dict)
    dropped_orgs: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe dictionary (peers as a list of rows, nearest first)."""
        rows = []
        for org, row in self.peers.iterrows():
            rows.append({"org": str(org)} | {str(key): _plain(value) for key, value in row.items()})
        return {
            "target": self.target,
            "k": self.k,
            "standardise": self.standardise,
            "features_used": list(self.features_used),
            "weights": dict(self.weights),
            "peers": rows,
            "dropped_features": dict(self.dropped_features),
            "dropped_orgs": dict(self.dropped_orgs),
            "notes": list(self.notes),
        }


def nearest_peers(
    features: pd.DataFrame,
    target: str,
    k: int = 10,
    *,
    standardise: bool = True,
    weights: Mapping[str, float] | None = None,
    missing: MissingPolicy = "drop_feature",
) -> PeerResult:
    """The k organisations nearest ``target``, Model Hospital style (NHS Digital, 2019).

    ``features`` has one row per organisation (index = organisation code) and one numeric
    column per characteristic. Distance from the target t to organisation i is
    d_i = sqrt(Σ_j w_j (z_ij − z_tj)²), where, with ``standardise=True``,
    z_ij = (x_ij − mean_j) / sd_j over all organisations kept (target included) and sd_j is the
    *population* standard deviation (ddof = 0); with ``standardise=False`` z = x. Weights w_j
    default to 1; features not named in ``weights`` keep weight 1.

    Missing values are handled by ``missing``: ``"drop_feature"`` drops every feature with a
    missing value, ``"drop_org"`` drops every organisation with one (an error if it is the
    target), ``"error"`` refuses. A feature that is constant over the organisations kept carries
    no information (and its sd is 0): it is dropped with a warning. Every drop is reported in
    the result. The target is never its own peer; ties in distance are broken by code.
    """
    if not isinstance(features, pd.DataFrame):
        raise ValueError(f"features must be a pandas DataFrame; got {type(features).__name__}")
    if missing not in _MISSING_POLICIES:
        raise ValueError(f"missing must be one of {_MISSING_POLICIES}; got {missing!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive whole number; got {k!r}")
    k = int(k)
    if features.empty or features.shape[1] == 0:
        raise ValueError("features is empty: it needs one row per organisation and a column each")
    if features.index.has_duplicates:
        duplicates = sorted(map(str, features.index[features.index.duplicated()].unique()))
        raise ValueError(f"organisation codes must be unique; duplicated: {duplicates}")
    if target not in features.index:
        raise ValueError(f"target {target!r} is not in the features index")

    non_numeric = [
        str(column)
        for column in features.columns
        if not pd.api.types.is_numeric_dtype(features[column])
    ]
    if non_numeric:
        raise ValueError(f"features must be numeric; non-numeric columns: {non_numeric}")
    data = features.astype(float)
    infinite = [str(column) for column in data.columns if np.isinf(data[column]).any()]
    if infinite:
        raise ValueError(f"features contain infinite values in columns: {infinite}")

    feature_weights = _resolve_weights(weights, list(data.columns))
    dropped_features: dict[str, str] = {}
    dropped_orgs: dict[str, str] = {}
    notes: list[str] = []

    missing_cells = data.isna()
    if missing_cells.to_numpy().any():
        if missing == "error":
            counts = missing_cells.sum()
            detail = {str(c): int(n) for c, n in counts.items() if n}
            raise ValueError(
                f"features have missing values (count per column: {detail}); choose "
                "missing='drop_feature' or missing='drop_org' to handle them explicitly"
            )
        if missing == "drop_feature":
            for column in data.columns[missing_cells.any()]:
                count = int(missing_cells[column].sum())
                dropped_features[str(column)] = f"missing for {count} organisation(s)"
            data = data.loc[:, ~missing_cells.any()]
        else:
            incomplete = missing_cells.any(axis=1)
            if incomplete[target]:
                gaps = [
                    str(c) for c in data.columns[missing_cells.loc[target].to_numpy(dtype=bool)]
                ]
                raise ValueError(
                    f"target {target!r} has missing values for {gaps}; it cannot be compared "
                    "on those features: use missing='drop_feature' or fill them in"
                )
            for org in data.index[incomplete]:
                gaps = [str(c) for c in data.columns[missing_cells.loc[org].to_numpy(dtype=bool)]]
                dropped_orgs[str(org)] = f"missing {', '.join(gaps)}"
            data = data.loc[~incomplete]

    for column in list(data.columns):
        if feature_weights.get(str(column), 1.0) == 0.0:
            dropped_features[str(column)] = "weight 0"
            data = data.drop(columns=column)
            continue
        spread = data[column].std(ddof=0)
        # nunique alone misses spreads so small that the sd underflows to 0.
        if data[column].nunique(dropna=True) <= 1 or not spread > 0:
            reason = "constant across the organisations compared (no information; sd = 0)"
            dropped_features[str(column)] = reason
            warnings.warn(f"feature {column!r} dropped: {reason}", UserWarning, stacklevel=2)
            data = data.drop(columns=column)

    if data.shape[1] == 0:
        raise ValueError(
            f"no features left to compare on after dropping: {dropped_features or 'none given'}"
        )
    available = len(data) - 1
    if k > available:
        raise ValueError(
            f"k={k} peers requested but only {available} other organisation(s) are available "
            f"(k must be less than the {len(data)} organisations compared)"
        )

    scaled = data
    if standardise:
        scaled = (data - data.mean()) / data.std(ddof=0)
        notes.append("features z-scored with the population standard deviation (ddof = 0)")
    used = [str(c) for c in data.columns]
    weight_vector = np.array([feature_weights.get(c, 1.0) for c in used])
    gaps = scaled.to_numpy() - scaled.loc[[target]].to_numpy()
    distances = pd.Series(
        np.sqrt((gaps**2 * weight_vector).sum(axis=1)), index=data.index, name="distance"
    ).drop(index=target)

    order = sorted(distances.index, key=lambda org: (distances[org], str(org)))[:k]
    peers = data.loc[order].copy()
    peers.insert(0, "distance", distances.loc[order].to_numpy())
    peers.insert(0, "rank", np.arange(1, len(order) + 1))
    peers.index.name = features.index.name or "org_code"

    if dropped_features:
        notes.append(f"features dropped: {dropped_features}")
    if dropped_orgs:
        notes.append(f"{len(dropped_orgs)} organisation(s) dropped for missing values")
    if len(order) < len(distances) and math.isclose(
        distances.loc[order[-1]], distances.drop(index=order).min()
    ):
        notes.append(f"a tie in distance at rank {k}; broken by organisation code")

    return PeerResult(
        target=str(target),
        k=k,
        standardise=standardise,
        features_used=tuple(used),
        weights={c: feature_weights.get(c, 1.0) for c in used},
        peers=peers,
        dropped_features=dropped_features,
        dropped_orgs=dropped_orgs,
        notes=tuple(notes),
    )


def _resolve_weights(weights: Mapping[str, float] | None, columns: list[Any]) -> dict[str, float]:
    if weights is None:
        return {}
    known = {str(c) for c in columns}
    unknown = sorted(set(map(str, weights)) - known)
    if unknown:
        raise ValueError(f"weights name features that are not columns: {unknown}")
    resolved: dict[str, float] = {}
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float | np.number):
            raise ValueError(f"weight for {name!r} must be a number; got {weight!r}")
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"weight for {name!r} must be finite and >= 0; got {weight!r}")
        resolved[str(name)] = float(weight)
    if all(resolved.get(str(c), 1.0) == 0.0 for c in columns):
        raise ValueError("every feature has weight 0: there is nothing to measure distance on")
    return resolved


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
