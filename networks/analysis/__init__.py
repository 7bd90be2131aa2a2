"""Pure network analysis for the improvement-network survey (no Django)."""

from networks.analysis.metrics import (
    BROKERAGE_ROLES,
    TRIAD_TYPES,
    NetworkSummary,
    WaveComparison,
    actor_metrics,
    betweenness_centralisation,
    brokerage_roles,
    build_graph,
    compare_waves,
    degree_centralisation,
    layout,
    summarise,
    triad_census,
)

__all__ = [
    "BROKERAGE_ROLES",
    "TRIAD_TYPES",
    "NetworkSummary",
    "WaveComparison",
    "actor_metrics",
    "betweenness_centralisation",
    "brokerage_roles",
    "build_graph",
    "compare_waves",
    "degree_centralisation",
    "layout",
    "summarise",
    "triad_census",
]
