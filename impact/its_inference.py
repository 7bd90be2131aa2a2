"""How a stored ITS run's inference reads: its HAC result beside the placebo (permutation) test.

Shared by the ITS run page and the partnership summary's Section 8.2 table. Reads stored
``Job.result`` dictionaries only; results stored before the placebo test existed have no
``"placebo"`` key and read as "not computed — rerun".
"""

from __future__ import annotations

from typing import Any

from .analysis.permutation import PLACEBO_TERMS

NOT_COMPUTED = "not computed — rerun"
TERM_LABELS = {
    "post_mean_difference": "Mean after: trust − peers",
    "level_change_difference": "Change in level: trust − peers",
    "slope_change_difference": "Change in trend: trust − peers",
}
ERROR_LABELS = {
    "hac": "Newey–West (HAC)",
    "hac_uncorrected": "Newey–West (HAC, no n/(n − k) factor)",
    "ols": "OLS",
    "ar": "AR errors",
}


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


def model_label(errors: str | None) -> str:
    """The name of the model-based test (HAC unless the run chose other errors)."""
    return ERROR_LABELS.get(errors or "", errors or "model")


def agreement(term: dict[str, Any], model: str) -> str:
    """'agree (both significant)' or 'DISAGREE: …' for one stored placebo term."""
    alpha = 0.05
    model_p, perm_p = term.get("model_p_value"), term.get("p_value")
    if model_p is None or perm_p is None:
        return "–"
    model_sig, perm_sig = model_p < alpha, perm_p < alpha
    if model_sig == perm_sig:
        return "agree (both significant)" if model_sig else "agree (neither significant)"
    if model_sig:
        return f"DISAGREE: {model} significant ({_p(model_p)}), permutation not ({_p(perm_p)})"
    return f"DISAGREE: permutation significant ({_p(perm_p)}), {model} not ({_p(model_p)})"


def placebo_section(result: dict[str, Any]) -> dict[str, Any]:
    """The run page's inference section: rows per term, disagreement flag, notes, status.

    status: ``"ok"``; ``"missing"`` (stored before the test existed: rerun); ``"none"`` (no
    controlled ITS, or the placebo test could not run — the run's notes say why).
    """
    own_settings = (result.get("own") or {}).get("settings", {})
    hac_factor = own_settings.get("hac_small_sample")
    section: dict[str, Any] = {
        "status": "ok",
        "rows": [],
        "notes": [],
        "any_disagree": False,
        "hac_small_sample": hac_factor or "not recorded — rerun",
    }
    if not result.get("controlled"):
        return {**section, "status": "none"}
    if "placebo" not in result:
        return {**section, "status": "missing"}
    placebo = result["placebo"]
    if not placebo:
        return {**section, "status": "none"}
    model = model_label(placebo.get("errors"))
    for name in PLACEBO_TERMS:
        term = placebo["terms"].get(name)
        if not term:
            continue
        verdict = agreement(term, model)
        section["rows"].append(
            {
                **term,
                "label": TERM_LABELS[name],
                "placebo_p_text": _p(term.get("p_value")),
                "model_p_text": _p(term.get("model_p_value")),
                "agreement": verdict,
                # the page tags "Disagree" and prints the reasons beside the tag
                "agreement_detail": verdict.removeprefix("DISAGREE: "),
            }
        )
        section["any_disagree"] |= verdict.startswith("DISAGREE")
    section.update(
        model=model,
        n_units=len(placebo.get("units", [])) + 1,
        skipped=placebo.get("skipped", {}),
        notes=placebo.get("notes", []),
        power=placebo.get("power"),
        rule=placebo.get("rule"),
        mde_rule=placebo.get("mde_rule"),
        statistic=placebo.get("statistic"),
    )
    return section


def placebo_summary(result: dict[str, Any], term: str = "post_mean_difference") -> dict[str, str]:
    """Two cells for a summary table: the permutation result of ``term`` and the agreement."""
    if not result.get("controlled"):
        return {"permutation": "no peers", "agreement": "–"}
    if "placebo" not in result:
        return {"permutation": NOT_COMPUTED, "agreement": NOT_COMPUTED}
    placebo = result["placebo"]
    stored = (placebo or {}).get("terms", {}).get(term)
    if not stored:
        return {"permutation": "could not be run", "agreement": "–"}
    return {
        "permutation": f"rank {stored['rank']} of {stored['n_placebos'] + 1}, "
        f"{_p(stored['p_value'])}",
        "agreement": agreement(stored, model_label(placebo.get("errors"))),
    }
