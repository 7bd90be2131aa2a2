"""Seeded demo RPIW records (value streams, workshops, measures) for the five partner trusts.

Pure Python (numpy/scipy, no Django). ``generate(seed)`` returns plain raw data from which the
app's own pipeline reproduces Tables 7.1 and 7.2 of the NHS-VMI evaluation (2022) exactly and
Table 7.3 as far as the published figures are mutually consistent. Nothing here stores an
answer: the records hold baselines and follow-ups only; the targets below are what the search
aims at, and the app must recompute every figure.

Definitions the records follow (the app should use the same ones):

* A measure is **complete** when it has a baseline and a 90-day follow-up.
  **post = 90-day follow-up** for Tables 7.2 and 7.3, even when a 120-day value exists.
* Table 7.2's N for a measure type is the number of complete measures of that type in the
  trust; an RPIW may carry more than one measure of a type (for example two lead times for two
  sub-processes), and a complete measure counts even when its RPIW has another measure that is
  still incomplete.
* An RPIW **has complete measures** (Table 7.1) when it has at least one measure and every one
  of its measures, of any type including "other", is complete.
* Lead times are summed per trust in hours after converting each value from its unit
  (minutes, hours, days); Table 7.3 uses minutes. Defect ratio = defects / output, recomputed
  per measure; Table 7.2 shows each trust's mean ratio and, in the Total row, the unweighted
  mean of the five trusts' means (.57 and .21: the pooled mean over all 90 measures is .582,
  which would print as .58; Table 7.3 shows the pooled .582 and .213).

Published figures that cannot all hold at once (see ``FEASIBILITY`` for the arithmetic):

* Lead time: with the means fixed by Table 7.2, t = 4.077 needs sd(baseline − post) ≈ 4,908
  min, but SE 829 and SE 100 need sd 7,507 and 905, and sd(b − p) ≥ sd(b) − sd(p) ≈ 6,601, so
  t ≤ 3.03. We keep the means, t, df, r and the post SE (100) and give the baseline SE that
  remains: at most 642, reached only if post were an exact straight line in baseline (ρ = 1:
  post ≈ 803 min + 0.156 × baseline, so every process under ~16 h would get longer after its
  RPIW). With realistic RPIW-to-RPIW variation (ρ ≈ .8) it comes out at ≈ 600–620 (615 for
  the default seed). Keeping both SEs instead would cost t (≤ 3.03, r ≤ .32); keeping t and
  the baseline SE would need a post SE ≥ 287.
* Total defects: Table 7.2's integer sums fix the means at 3,185/54 = 58.981 and 1,046/54 =
  19.370, not the published 58.998 and 19.377 (those would need non-integer totals). SEs, t,
  df and r are reproduced to the published precision.

The domain's own constants (the report's as-at date, which follow-up is "post", the lead-time
units, the measure limit) come from ``rpiw.constants``; the kinds, directions, statuses and
follow-up points written here are values of ``rpiw.models``' choices, which the Django side of
the demo (``rpiw.demo.records``) converts them to (tests/rpiw/test_demo_measures.py checks
that they stay in step). The targets below are the published figures the search aims at.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize

from rpiw.constants import (
    DEFAULT_POST_DAY,
    MAX_MEASURES_PER_RPIW,
    MINUTES_PER_UNIT,
    REPORT_AS_AT,
)

__all__ = [
    "FEASIBILITY",
    "MEASURE_TYPES",
    "TABLE_7_1",
    "TABLE_7_2",
    "TABLE_7_3",
    "TRUSTS",
    "DemoProgramme",
    "generate",
]

TRUSTS = ("BHRUT", "LTHT", "SASH", "SATH", "UHCW")
FOLLOWUP_DAYS = (30, 60, 90, 120)  # the follow-up points (``rpiw.models.Point``) generated
MEASURE_TYPES = ("lead_time", "defects", "defect_ratio", "other")
#: how precisely each lead-time unit is recorded, in minutes (quarter hours, half days)
QUANTUM_MINUTES = {"minutes": 1, "hours": 15, "days": 720}

# Table 7.1: value streams, RPIWs, RPIWs with complete measures.
TABLE_7_1 = {
    "BHRUT": (4, 12, 7),
    "LTHT": (5, 21, 12),
    "SASH": (6, 23, 16),
    "SATH": (8, 38, 34),
    "UHCW": (5, 19, 13),
}

# Table 7.2: (N, baseline, post); lead time in hours (sums), defects (sums), ratio (means).
TABLE_7_2 = {
    "BHRUT": {
        "lead_time": (10, 287, 90),
        "defects": (9, 382, 114),
        "defect_ratio": (11, 0.62, 0.28),
    },
    "LTHT": {
        "lead_time": (16, 634, 324),
        "defects": (16, 1916, 647),
        "defect_ratio": (16, 0.58, 0.23),
    },
    "SASH": {
        "lead_time": (17, 753, 387),
        "defects": (17, 551, 209),
        "defect_ratio": (18, 0.49, 0.25),
    },
    "SATH": {
        "lead_time": (29, 2663, 924),
        "defects": (12, 336, 76),
        "defect_ratio": (34, 0.65, 0.20),
    },
    "UHCW": {
        "lead_time": (10, 541, 133),
        "defects": (0, None, None),
        "defect_ratio": (11, 0.49, 0.10),
    },
}

# Table 7.3 as published: (baseline mean, SE, post mean, SE, t, df, r).
TABLE_7_3 = {
    "lead_time": (3569, 829, 1360, 100, 4.077, 81, 0.413),
    "defects": (58.998, 17.596, 19.377, 7.304, 3.385, 53, 0.422),
    "defect_ratio": (0.582, 0.026, 0.213, 0.022, 12.768, 89, 0.804),
}


def _lead_time_feasibility() -> dict[str, float]:
    n = sum(t["lead_time"][0] for t in TABLE_7_2.values())
    mean_b = sum(t["lead_time"][1] for t in TABLE_7_2.values()) * 60 / n
    mean_p = sum(t["lead_time"][2] for t in TABLE_7_2.values()) * 60 / n
    _, se_b, _, se_p, t, _, _ = TABLE_7_3["lead_time"]
    sd_b, sd_p = se_b * math.sqrt(n), se_p * math.sqrt(n)
    sd_d = (mean_b - mean_p) * math.sqrt(n) / t
    return {
        "n": n,
        "sd_baseline_published": sd_b,
        "sd_post_published": sd_p,
        "sd_difference_for_published_t": sd_d,
        "sd_difference_minimum": sd_b - sd_p,
        "t_maximum_with_published_ses": (mean_b - mean_p) * math.sqrt(n) / (sd_b - sd_p),
        "se_baseline_maximum_with_published_t_and_post_se": (sd_d + sd_p) / math.sqrt(n),
    }


FEASIBILITY = {
    "lead_time": _lead_time_feasibility(),
    "defects": {
        "mean_baseline_from_table_7_2": 3185 / 54,  # published 58.998 would need a sum of 3,185.9
        "mean_post_from_table_7_2": 1046 / 54,  # published 19.377 would need a sum of 1,046.4
    },
}

# What the search aims at. Means follow from Table 7.2 and are not targets of their own.
LEAD_TIME_T = 4.077
LEAD_TIME_SE_POST = 100.0
# How many lead-time processes per trust take days to weeks at baseline (the long tail).
LEAD_TIME_LONG_PROCESSES = {"BHRUT": 1, "LTHT": 1, "SASH": 1, "SATH": 3, "UHCW": 1}
# Log-sd of RPIW-to-RPIW variation in lead-time improvement. Less variation means baseline and
# post correlate more and the baseline SE gets nearer its ceiling of 642 (≈ 615 here); more
# means more RPIWs that got worse.
LEAD_TIME_IMPROVEMENT_SPREAD = 0.2
DEFECTS_T = 3.385
DEFECTS_SE_BASELINE = 17.596
DEFECTS_SE_POST = 7.304
DEFECT_RATIO_T = 12.768
DEFECT_RATIO_SE_BASELINE = 0.026
DEFECT_RATIO_SE_POST = 0.022
# Pooled means (Table 7.3, 3 d.p.) and per-trust means (Table 7.2, 2 d.p.) must both round as
# published; the trust means are nudged by these amounts so that the pooled mean sits mid-interval.
DEFECT_RATIO_POOLED = (0.5820, 0.2130)
DEFECT_RATIO_MEAN_OF_TRUSTS = (0.5657, 0.2121)

# RPIWs held too recently for a 90-day follow-up by REPORT_AS_AT (BHRUT cancelled its RPIW work
# in 2018); the rest of each trust's incomplete RPIWs are reporting gaps.
RECENT_RPIWS = {"BHRUT": 0, "LTHT": 3, "SASH": 3, "SATH": 2, "UHCW": 3}
RPIWS_WITHOUT_MEASURES = {"BHRUT": 1, "LTHT": 1, "SASH": 0, "SATH": 0, "UHCW": 1}
TRUST_WINDOWS = {  # first and last workshop start for RPIWs old enough to be followed up
    "BHRUT": (dt.date(2016, 1, 11), dt.date(2018, 5, 14)),
    "LTHT": (dt.date(2015, 10, 5), dt.date(2019, 4, 22)),
    "SASH": (dt.date(2015, 9, 14), dt.date(2019, 4, 22)),
    "SATH": (dt.date(2015, 11, 9), dt.date(2019, 4, 22)),
    "UHCW": (dt.date(2015, 10, 12), dt.date(2019, 4, 22)),
}

VALUE_STREAMS = {
    "BHRUT": ["The first 24 hours", "Outpatient booking", "Discharge", "Pathology"],
    "LTHT": [
        "Orthopaedic elective",
        "Ophthalmology",
        "Cancer diagnostics",
        "Medicines",
        "Discharge",
    ],
    "SASH": [
        "Cardiology",
        "Management of diarrhoea",
        "Outpatients",
        "Emergency floor",
        "Theatres",
        "Pathology",
    ],
    "SATH": [
        "Emergency care flow",
        "Outpatients",
        "Theatres",
        "Maternity",
        "Frailty",
        "Radiology",
        "Medicines",
        "Sepsis",
    ],
    "UHCW": ["Patient safety", "Theatres", "Outpatients", "Discharge", "Radiology"],
}

RPIW_TITLES = {
    "The first 24 hours": [
        "ED arrival to first clinical assessment",
        "Referral to acute medical unit",
        "Bed request to bed allocation",
        "Consultant review within 14 hours of admission",
        "Medicines reconciliation on admission",
        "Handover from ambulance crew",
        "Admission clerking",
        "Early warning score escalation",
    ],
    "Outpatient booking": [
        "GP referral to booked appointment",
        "Appointment letter production",
        "Clinic rebooking after cancellation",
        "Outpatient call centre",
        "Follow-up appointment booking",
        "Clinic outcome forms",
    ],
    "Discharge": [
        "Discharge planning from day of admission",
        "Take-home medicines",
        "Discharge summaries to GP",
        "Transport for discharged patients",
        "Discharge lounge use",
        "Transfer to community beds",
        "Criteria-led discharge",
        "Weekend discharges",
    ],
    "Pathology": [
        "Blood sample receipt to result",
        "Specimen labelling",
        "Histology turnaround",
        "Phlebotomy round",
        "Microbiology culture reporting",
        "Pathology request forms",
    ],
    "Orthopaedic elective": [
        "Listing to pre-operative assessment",
        "Pre-operative assessment clinic",
        "Day-of-surgery admission",
        "Theatre list scheduling",
        "Hip and knee replacement ward flow",
        "Physiotherapy after joint replacement",
        "Discharge after joint replacement",
        "Theatre instrument trays",
        "Fracture clinic follow-up",
    ],
    "Ophthalmology": [
        "Cataract clinic flow",
        "Eye casualty triage",
        "Intravitreal injection clinic",
        "Glaucoma follow-up booking",
        "Cataract surgery day case pathway",
        "Ophthalmology referral triage",
    ],
    "Cancer diagnostics": [
        "Two-week-wait referral triage",
        "Lung cancer diagnostic pathway",
        "CT to multidisciplinary team meeting",
        "Breast one-stop clinic",
        "Colorectal straight-to-test",
        "Biopsy to histology report",
    ],
    "Medicines": [
        "Ward medicines ordering",
        "Controlled drugs checks",
        "Pharmacy dispensing turnaround",
        "Missed doses on wards",
        "Intravenous antibiotic preparation",
        "Medicines reconciliation",
        "Ward stock top-up",
    ],
    "Cardiology": [
        "Chest pain assessment",
        "Cardiac catheter lab list",
        "Echocardiography requests",
        "Heart failure discharge",
        "Inter-hospital cardiac transfer",
        "Cardiology outpatient clinic",
        "Pacemaker follow-up clinic",
    ],
    "Management of diarrhoea": [
        "Stool sample collection",
        "Isolation of patients with diarrhoea",
        "C. difficile testing",
        "Bristol stool chart completion",
        "Side-room allocation",
        "Cleaning after infectious diarrhoea",
    ],
    "Outpatients": [
        "Clinic arrival to departure",
        "Clinic letters",
        "Clinic preparation and notes",
        "Outpatient referral triage",
        "Outpatient clinic templates",
        "Did-not-attend reminders",
        "Outpatient results follow-up",
        "Clinic room utilisation",
    ],
    "Emergency floor": [
        "ED to ambulatory care",
        "Surgical assessment unit flow",
        "Frailty assessment on the emergency floor",
        "ED specialty referrals",
        "Emergency floor bed management",
        "Minor injuries stream",
    ],
    "Emergency care flow": [
        "Ambulance handover",
        "ED triage",
        "ED to medical take",
        "Specialty review in ED",
        "ED imaging requests",
        "Minors stream",
        "Bed meeting and patient flow",
        "ED discharge prescriptions",
    ],
    "Theatres": [
        "Theatre start times",
        "Theatre turnaround",
        "Pre-operative checklist",
        "Urology theatre list",
        "Theatre sterile supplies",
        "Recovery to ward transfer",
        "Emergency theatre list",
        "Surgical day case admission",
    ],
    "Maternity": [
        "Antenatal booking",
        "Induction of labour",
        "Postnatal discharge",
        "Maternity triage",
        "Newborn examination before discharge",
        "Antenatal clinic flow",
    ],
    "Frailty": [
        "Frailty assessment within 24 hours",
        "Falls risk assessment",
        "Community frailty referral",
        "Frailty unit discharge",
        "Delirium screening",
        "Comprehensive geriatric assessment",
    ],
    "Radiology": [
        "Inpatient CT requests",
        "Ultrasound booking",
        "Radiology reporting turnaround",
        "MRI patient preparation",
        "Plain film walk-in service",
        "Interventional radiology list",
    ],
    "Sepsis": [
        "Sepsis screening in ED",
        "Antibiotics within the hour",
        "Sepsis on the wards",
        "Blood cultures before antibiotics",
        "Sepsis escalation",
        "Lactate measurement",
    ],
    "Patient safety": [
        "Incident reporting to investigation",
        "Serious incident review",
        "Patient safety alerts",
        "Duty of candour letters",
        "Incident feedback to reporters",
        "Learning from deaths reviews",
        "Safety huddles",
    ],
}

# name, unit, which way is better, typical baseline, typical post/baseline ratio, decimals
OTHER_MEASURES = [
    ("Staff satisfaction", "score (1-10)", "higher", 5.5, 1.3, 1),
    ("Walking distance", "metres", "lower", 900.0, 0.45, 0),
    ("Environment, health and safety issues", "issues", "lower", 12.0, 0.35, 0),
    ("Floor space used", "square metres", "lower", 60.0, 0.7, 0),
    ("Hand-offs", "hand-offs", "lower", 11.0, 0.55, 0),
    ("Patient satisfaction", "percent", "higher", 72.0, 1.15, 0),
    ("Process steps", "steps", "lower", 24.0, 0.6, 0),
    ("Stock held", "pounds", "lower", 4000.0, 0.6, 0),
]


@dataclass
class DemoProgramme:
    """The generated demo data: plain dicts, ready to import."""

    seed: int
    as_at: dt.date
    value_streams: list[dict[str, Any]] = field(default_factory=list)
    rpiws: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Fitting paired series to exact sums and second moments


def _ss(values: np.ndarray) -> float:
    return float(((values - values.mean()) ** 2).sum())


def _scale_to_sums(log_values: np.ndarray, groups: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """exp(log_values), rescaled within each group to the group's sum."""
    out = np.empty_like(log_values)
    for g, total in enumerate(sums):
        m = groups == g
        shifted = np.exp(log_values[m] - log_values[m].max())
        out[m] = shifted * (total / shifted.sum())
    return out


def _fit_log_pairs(
    log_z: np.ndarray,
    noise: np.ndarray,
    groups: np.ndarray,
    sums_b: np.ndarray,
    sums_p: np.ndarray,
    ss_p: float,
    ss_d: float,
    ss_b: float | None = None,
    beta: float = 0.3,
) -> tuple[np.ndarray, np.ndarray]:
    """Positive skewed pairs with exact per-group sums and target sums of squared deviations
    of post (``ss_p``), baseline − post (``ss_d``) and, if given, baseline (``ss_b``).

    baseline = c_g · e^(γ·log_z). Without ``ss_b`` (lead time), post = k_g · baseline /
    (1 + baseline / B) · e^(β·noise): improvement saturates, so the longest processes gain
    most; (γ, B) are solved. With ``ss_b`` (defects), post = k_g · baseline^α · e^(β·noise)
    and (γ, α, β) are solved. c_g and k_g put each trust on its totals. Raises ValueError when
    no parameters fit these draws."""
    targets = [ss_p, ss_d] + ([ss_b] if ss_b is not None else [])

    def series(params):
        b = _scale_to_sums(params[0] * log_z, groups, sums_b)
        if ss_b is None:
            shape = np.log(b) - np.log1p(b / math.exp(params[1])) + beta * noise
        else:
            shape = params[1] * np.log(b) + params[2] * noise
        return b, _scale_to_sums(shape, groups, sums_p)

    def residuals(params):
        b, p = series(params)
        got = [_ss(p), _ss(b - p)] + ([_ss(b)] if ss_b is not None else [])
        return [g / t - 1 for g, t in zip(got, targets, strict=True)]

    if ss_b is None:
        scale = math.log(float(sums_b.sum()) / len(log_z))
        starts = [[1.0, scale + k] for k in (1.0, 0.0, 2.5)]
        bounds = ([0.2, scale - 6], [4.0, scale + 12])
    else:
        starts = [[1.0, 1.0, 0.5], [1.5, 0.8, 1.0], [0.7, 1.2, 0.2]]
        bounds = ([0.2, 0.0, 0.0], [4.0, 3.0, 3.0])
    for x0 in starts:
        fit = optimize.least_squares(residuals, x0=x0, bounds=bounds, xtol=1e-15)
        if np.abs(fit.fun).max() < 1e-7:
            return series(fit.x)
    raise ValueError("no parameters fit these draws")


def _shift_to_means(z: np.ndarray, groups: np.ndarray, means: np.ndarray) -> np.ndarray:
    """Add a per-group constant to logits so that each group's mean probability is ``means``."""
    shift = np.zeros(len(means))
    for _ in range(60):  # Newton's method; the mean is monotone in the shift
        prob = 1 / (1 + np.exp(-(z + shift[groups])))
        gap = np.bincount(groups, prob) / np.bincount(groups) - means
        slope = np.bincount(groups, prob * (1 - prob)) / np.bincount(groups)
        shift -= gap / slope
    return z + shift[groups]


def _fit_logit_pairs(
    e_b: np.ndarray,
    e_p: np.ndarray,
    groups: np.ndarray,
    means_b: np.ndarray,
    means_p: np.ndarray,
    ss: tuple[float, float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Proportions with exact per-group means and target sums of squared deviations.

    logit(baseline) = a_g + γ·e_b and logit(post) = a'_g + α·γ·e_b + β·e_p, with a_g, a'_g
    fixing each trust's means; (γ, α, β) are solved by least squares."""

    def series(params):
        gamma, alpha, beta = params
        z_b = _shift_to_means(gamma * e_b, groups, means_b)
        z_p = _shift_to_means(alpha * gamma * e_b + beta * e_p, groups, means_p)
        return 1 / (1 + np.exp(-z_b)), 1 / (1 + np.exp(-z_p))

    def residuals(params):
        b, p = series(params)
        return [_ss(b) / ss[0] - 1, _ss(p) / ss[1] - 1, _ss(b - p) / ss[2] - 1]

    fit = optimize.least_squares(
        residuals, x0=[1.2, 0.3, 1.2], bounds=([0.05, -1.0, 0.0], [5.0, 2.0, 5.0]), xtol=1e-14
    )
    if np.abs(fit.fun).max() > 1e-6:
        raise ValueError(f"could not fit the demo defect ratios: {fit.message}")
    return series(fit.x)


def _moment_stats(s1, s2, n):
    """Standard error of the mean from running sums (vectorised over candidates)."""
    var = (s2 - s1 * s1 / n) / (n - 1)
    return np.sqrt(np.maximum(var, 0.0) / n)


def _repair_integer_pairs(
    b: np.ndarray,
    p: np.ndarray,
    groups: np.ndarray,
    q_b: np.ndarray,
    q_p: np.ndarray,
    low_b: np.ndarray,
    low_p: np.ndarray,
    targets: dict[str, tuple[float, float]],
    max_steps: int = 3000,
) -> tuple[np.ndarray, np.ndarray]:
    """Steepest descent over sum-preserving moves (one quantum from one measure to another
    of the same trust and series) until SE of baseline, SE of post and the paired t sit
    within their tolerances. ``targets`` maps "se_b", "se_p", "t" to (target, tolerance)."""
    b, p = b.astype(np.int64).copy(), p.astype(np.int64).copy()
    n = len(b)
    pairs_i, pairs_j = [], []
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        ii, jj = np.meshgrid(idx, idx, indexing="ij")
        keep = ii != jj
        pairs_i.append(ii[keep])
        pairs_j.append(jj[keep])
    pi, pj = np.concatenate(pairs_i), np.concatenate(pairs_j)

    def score(se_b, se_p, t):
        total = 0.0
        for key, value in (("se_b", se_b), ("se_p", se_p), ("t", t)):
            target, tol = targets[key]
            total = total + ((value - target) / tol) ** 2
        return total

    def stats_now():
        d = b - p
        s1d = d.sum()
        return (
            _moment_stats(b.sum(), (b * b).sum(), n),
            _moment_stats(p.sum(), (p * p).sum(), n),
            (s1d / n) / _moment_stats(s1d, (d * d).sum(), n),
        )

    def within(se_b, se_p, t):
        return all(
            abs(v - targets[k][0]) <= targets[k][1]
            for k, v in (("se_b", se_b), ("se_p", se_p), ("t", t))
        )

    for _ in range(max_steps):
        current = stats_now()
        if within(*current):
            return b, p
        current_score = score(*current)
        bf, pf = b.astype(float), p.astype(float)
        d = bf - pf
        s1b, s1p, s1d = bf.sum(), pf.sum(), d.sum()
        s2b, s2p, s2d = (bf * bf).sum(), (pf * pf).sum(), (d * d).sum()
        best = (current_score, None)
        for series, values, quanta, low in (("b", bf, q_b, low_b), ("p", pf, q_p, low_p)):
            ok = quanta[pi] % quanta[pj] == 0
            i, j = pi[ok], pj[ok]
            for sign in (1, -1):
                a = sign * quanta[i].astype(float)
                new_i, new_j = values[i] + a, values[j] - a
                valid = (new_i >= low[i]) & (new_j >= low[j])
                delta_own = new_i**2 - values[i] ** 2 + new_j**2 - values[j] ** 2
                ad = a if series == "b" else -a
                delta_d = (d[i] + ad) ** 2 - d[i] ** 2 + (d[j] - ad) ** 2 - d[j] ** 2
                if series == "b":
                    se_b = _moment_stats(s1b, s2b + delta_own, n)
                    se_p = np.full_like(se_b, _moment_stats(s1p, s2p, n))
                else:
                    se_p = _moment_stats(s1p, s2p + delta_own, n)
                    se_b = np.full_like(se_p, _moment_stats(s1b, s2b, n))
                t = (s1d / n) / _moment_stats(s1d, s2d + delta_d, n)
                scores = np.where(valid, score(se_b, se_p, t), np.inf)
                k = int(np.argmin(scores))
                if scores[k] < best[0]:
                    best = (scores[k], (series, i[k], j[k], int(a[k])))
        if best[1] is None:
            break
        series, i, j, a = best[1]
        target = b if series == "b" else p
        target[i] += a
        target[j] -= a
    raise ValueError("could not repair the measures to the published statistics")


# --------------------------------------------------------------------------------------------
# Lead time, defects and defect ratio series


def _trust_counts(kind: str) -> tuple[list[str], np.ndarray]:
    trusts = [t for t in TRUSTS if TABLE_7_2[t][kind][0] > 0]
    return trusts, np.array([TABLE_7_2[t][kind][0] for t in trusts])


def _lead_time_series(rng: np.random.Generator) -> dict[str, list[tuple[str, float, float]]]:
    """Per trust: (unit, baseline, post) in the unit, for each complete lead-time measure."""
    trusts, counts = _trust_counts("lead_time")
    groups = np.repeat(np.arange(len(trusts)), counts)
    n = int(counts.sum())
    sums_b = np.array([TABLE_7_2[t]["lead_time"][1] * 60 for t in trusts], dtype=float)
    sums_p = np.array([TABLE_7_2[t]["lead_time"][2] * 60 for t in trusts], dtype=float)

    # Right-skewed: most processes take hours to a day or two and a few take weeks (the
    # long tail is why the baseline SE is large); each trust also has a clinic-scale process.
    log_z = rng.normal(0, 0.6, n)
    for g, trust in enumerate(trusts):
        idx = np.flatnonzero(groups == g)
        log_z[idx[0]] = rng.uniform(-2.2, -1.6)
        tail = LEAD_TIME_LONG_PROCESSES[trust]
        log_z[idx[1 : 1 + tail]] += rng.uniform(1.6, 2.6, tail)
    noise = rng.normal(0, 1, n)

    # Means are fixed by Table 7.2; t and the post SE are hit exactly, and the baseline SE is
    # what is left (see FEASIBILITY): it is not a target of its own.
    mean_d = (sums_b.sum() - sums_p.sum()) / n
    sd_d = mean_d * math.sqrt(n) / LEAD_TIME_T
    sd_p = LEAD_TIME_SE_POST * math.sqrt(n)
    b, p = _fit_log_pairs(
        log_z,
        noise,
        groups,
        sums_b,
        sums_p,
        (n - 1) * sd_p**2,
        (n - 1) * sd_d**2,
        beta=LEAD_TIME_IMPROVEMENT_SPREAD,
    )
    se_b_fitted = float(np.std(b, ddof=1) / math.sqrt(n))

    # Units by the size of the baseline; each unit has a recording quantum (in minutes).
    units = np.where(b < 300, "minutes", np.where(b < 3 * 1440, "hours", "days"))
    for g in range(len(trusts)):
        m = np.flatnonzero(groups == g)
        if not (units[m] == "minutes").any():
            units[m[np.argmin(b[m])]] = "minutes"
    quanta = np.array([QUANTUM_MINUTES[u] for u in units])
    b_q = np.maximum(np.round(b / quanta), 1) * quanta
    p_q = np.maximum(np.round(p / quanta), 1) * quanta
    for values, sums in ((b_q, sums_b), (p_q, sums_p)):
        for g in range(len(trusts)):
            m = np.flatnonzero(groups == g)
            residual = int(sums[g] - values[m].sum())
            while residual:
                fits = [k for k in m if quanta[k] <= abs(residual) and values[k] > quanta[k]]
                if not fits:
                    raise ValueError("cannot bring this draw onto the trust's total")
                k = max(fits, key=lambda k: (quanta[k], values[k]))
                step = int(math.copysign(quanta[k], residual))
                values[k] += step
                residual -= step

    b_i, p_i = _repair_integer_pairs(
        b_q,
        p_q,
        groups,
        quanta,
        quanta,
        quanta,
        quanta,
        {"se_b": (se_b_fitted, 2.0), "se_p": (LEAD_TIME_SE_POST, 0.2), "t": (LEAD_TIME_T, 2e-4)},
    )
    out: dict[str, list[tuple[str, float, float]]] = {t: [] for t in TRUSTS}
    for k in range(n):
        per_unit = MINUTES_PER_UNIT[units[k]]
        out[trusts[groups[k]]].append(
            (str(units[k]), _unit_value(b_i[k], per_unit), _unit_value(p_i[k], per_unit))
        )
    return out


def _unit_value(minutes: int, per_unit: int) -> float | int:
    if per_unit == 1:
        return int(minutes)
    return float(minutes) / per_unit  # quarter hours and half days are exact binary fractions


def _defects_series(rng: np.random.Generator) -> dict[str, list[tuple[int, int]]]:
    """Per trust: (baseline, post) total defects for each complete defects measure."""
    trusts, counts = _trust_counts("defects")
    groups = np.repeat(np.arange(len(trusts)), counts)
    n = int(counts.sum())
    sums_b = np.array([TABLE_7_2[t]["defects"][1] for t in trusts], dtype=float)
    sums_p = np.array([TABLE_7_2[t]["defects"][2] for t in trusts], dtype=float)
    log_z = rng.normal(0, 0.9, n)
    noise = rng.normal(0, 1, n)

    mean_d = (sums_b.sum() - sums_p.sum()) / n
    sd_d = mean_d * math.sqrt(n) / DEFECTS_T
    sd_b = DEFECTS_SE_BASELINE * math.sqrt(n)
    sd_p = DEFECTS_SE_POST * math.sqrt(n)
    b, p = _fit_log_pairs(
        log_z,
        noise,
        groups,
        sums_b,
        sums_p,
        (n - 1) * sd_p**2,
        (n - 1) * sd_d**2,
        (n - 1) * sd_b**2,
    )

    b_q, p_q = np.maximum(np.round(b), 1), np.round(p)
    for values, sums, low in ((b_q, sums_b, 1), (p_q, sums_p, 0)):
        for g in range(len(trusts)):
            m = np.flatnonzero(groups == g)
            residual = int(sums[g] - values[m].sum())
            order = m[np.argsort(-values[m])]
            for k in range(abs(residual)):
                idx = order[k % len(order)]
                if residual < 0 and values[idx] <= low:
                    idx = order[0]
                values[idx] += math.copysign(1, residual)

    ones = np.ones(n, dtype=np.int64)
    b_i, p_i = _repair_integer_pairs(
        b_q,
        p_q,
        groups,
        ones,
        ones,
        ones,
        np.zeros(n, dtype=np.int64),
        {
            "se_b": (DEFECTS_SE_BASELINE, 2e-4),
            "se_p": (DEFECTS_SE_POST, 2e-4),
            "t": (DEFECTS_T, 2e-4),
        },
    )
    out: dict[str, list[tuple[int, int]]] = {t: [] for t in TRUSTS}
    for k in range(n):
        out[trusts[groups[k]]].append((int(b_i[k]), int(p_i[k])))
    return out


def _defect_ratio_series(rng: np.random.Generator) -> dict[str, list[tuple[int, int, int, int]]]:
    """Per trust: (baseline defects, baseline output, post defects, post output)."""
    trusts, counts = _trust_counts("defect_ratio")
    groups = np.repeat(np.arange(len(trusts)), counts)
    n = int(counts.sum())
    published_b = np.array([TABLE_7_2[t]["defect_ratio"][1] for t in trusts])
    published_p = np.array([TABLE_7_2[t]["defect_ratio"][2] for t in trusts])
    # Shift every trust's mean by the same small amount so the pooled means land mid-interval.
    shift_b = DEFECT_RATIO_POOLED[0] - (published_b * counts).sum() / n
    shift_p = DEFECT_RATIO_POOLED[1] - (published_p * counts).sum() / n
    means_b, means_p = published_b + shift_b, published_p + shift_p

    e_b, e_p = rng.normal(0, 1, n), rng.normal(0, 1, n)

    mean_d = (means_b - means_p) @ counts / n
    sd_d = mean_d * math.sqrt(n) / DEFECT_RATIO_T
    sd_b = DEFECT_RATIO_SE_BASELINE * math.sqrt(n)
    sd_p = DEFECT_RATIO_SE_POST * math.sqrt(n)
    ss = ((n - 1) * sd_b**2, (n - 1) * sd_p**2, (n - 1) * sd_d**2)
    r_b, r_p = _fit_logit_pairs(e_b, e_p, groups, means_b, means_p, ss)

    # Outputs: audits of a few dozen cases up to high-volume transactions.
    out_b = np.round(np.exp(rng.uniform(math.log(20), math.log(2500), n))).astype(np.int64)
    out_p = np.maximum(np.round(out_b * rng.uniform(0.75, 1.3, n)), 5).astype(np.int64)
    def_b = np.clip(np.round(r_b * out_b), 1, out_b).astype(np.int64)
    def_p = np.clip(np.round(r_p * out_p), 0, out_p).astype(np.int64)
    def_b, out_b, def_p, out_p = _repair_ratios(
        def_b, out_b, def_p, out_p, groups, means_b, means_p
    )
    out: dict[str, list[tuple[int, int, int, int]]] = {t: [] for t in TRUSTS}
    for k in range(n):
        out[trusts[groups[k]]].append((int(def_b[k]), int(out_b[k]), int(def_p[k]), int(out_p[k])))
    return out


def _repair_ratios(def_b, out_b, def_p, out_p, groups, means_b, means_p, max_steps=200):
    """Steepest descent over ±1 changes to one defect count or output until per-trust means,
    pooled means, the mean of trust means, both SEs and the paired t sit within tolerance."""
    n = len(def_b)
    counts = np.bincount(groups)
    n_groups = len(counts)
    arrays = {
        "def_b": def_b.copy(),
        "out_b": out_b.copy(),
        "def_p": def_p.copy(),
        "out_p": out_p.copy(),
    }
    # (value, target, tolerance) terms; tolerances are well inside the published rounding.
    trust_tol, pooled_tol, stat_tol = 0.004, 2e-4, 2e-4

    def terms(rb_sum_g, rp_sum_g, s1b, s2b, s1p, s2p, s1d, s2d):
        width = max(np.shape(rb_sum_g)[1], np.shape(rp_sum_g)[1])
        mb_g = np.broadcast_to(rb_sum_g / counts[:, None], (n_groups, width))
        mp_g = np.broadcast_to(rp_sum_g / counts[:, None], (n_groups, width))
        out = [((mb_g - means_b[:, None]) / trust_tol), ((mp_g - means_p[:, None]) / trust_tol)]
        singles = [
            (s1b / n, DEFECT_RATIO_POOLED[0], pooled_tol),
            (s1p / n, DEFECT_RATIO_POOLED[1], pooled_tol),
            (mb_g.mean(axis=0), DEFECT_RATIO_MEAN_OF_TRUSTS[0], pooled_tol * 2),
            (mp_g.mean(axis=0), DEFECT_RATIO_MEAN_OF_TRUSTS[1], pooled_tol * 2),
            (_moment_stats(s1b, s2b, n), DEFECT_RATIO_SE_BASELINE, stat_tol),
            (_moment_stats(s1p, s2p, n), DEFECT_RATIO_SE_POST, stat_tol),
            ((s1d / n) / _moment_stats(s1d, s2d, n), DEFECT_RATIO_T, stat_tol),
        ]
        out += [
            np.broadcast_to((v - target) / tol, (width,))[None, :] for v, target, tol in singles
        ]
        return np.concatenate(out, axis=0)

    for _ in range(max_steps):
        rb = arrays["def_b"] / arrays["out_b"]
        rp = arrays["def_p"] / arrays["out_p"]
        d = rb - rp
        base = [
            np.bincount(groups, rb, n_groups),
            np.bincount(groups, rp, n_groups),
            rb.sum(),
            (rb * rb).sum(),
            rp.sum(),
            (rp * rp).sum(),
            d.sum(),
            (d * d).sum(),
        ]
        now = terms(base[0][:, None], base[1][:, None], *[np.array([v]) for v in base[2:]])
        if np.all(np.abs(now) <= 1):
            return arrays["def_b"], arrays["out_b"], arrays["def_p"], arrays["out_p"]
        current = float((now**2).sum())
        best = (current, None)
        for key in arrays:
            series = key[-1]
            for step in (1, -1):
                new = arrays[key] + step
                if key.startswith("def"):
                    outputs = arrays["out_" + series]
                    low = 1 if series == "b" else 0
                    valid = (new >= low) & (new <= outputs)
                    new_r = new / outputs
                else:
                    defects = arrays["def_" + series]
                    valid = new >= np.maximum(defects, 5)
                    new_r = defects / np.maximum(new, 1)
                old_r = rb if series == "b" else rp
                delta = new_r - old_r
                onehot = np.zeros((n_groups, n))
                onehot[groups, np.arange(n)] = delta
                sb_g = base[0][:, None] + (onehot if series == "b" else 0)
                sp_g = base[1][:, None] + (onehot if series == "p" else 0)
                dd = delta if series == "b" else -delta
                cand = terms(
                    sb_g,
                    sp_g,
                    base[2] + (delta if series == "b" else 0),
                    base[3] + (2 * rb * delta + delta**2 if series == "b" else 0),
                    base[4] + (delta if series == "p" else 0),
                    base[5] + (2 * rp * delta + delta**2 if series == "p" else 0),
                    base[6] + dd,
                    base[7] + 2 * d * dd + dd**2,
                )
                scores = np.where(valid, (cand**2).sum(axis=0), np.inf)
                k = int(np.argmin(scores))
                if scores[k] < best[0]:
                    best = (scores[k], (key, k, step))
        if best[1] is None:
            break
        key, k, step = best[1]
        arrays[key][k] += step
    raise ValueError(f"could not repair the defect ratios: {np.round(now.ravel(), 2)}")


# --------------------------------------------------------------------------------------------
# Workshops and their measures


def _monday_between(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    """A random Monday in [start, end] (start and end are Mondays), avoiding Christmas week."""
    while True:
        day = start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))
        day -= dt.timedelta(days=day.weekday())
        if (
            day >= start
            and not (day.month == 12 and day.day >= 18)
            and not (day.month == 1 and day.day <= 1)
        ):
            return day


def _interpolate(baseline: float, post: float, fraction: float) -> float:
    """Geometric path from baseline to post (arithmetic when either end is zero)."""
    if baseline > 0 and post > 0:
        return baseline * (post / baseline) ** fraction
    return baseline + (post - baseline) * fraction


def _followup_fractions(rng: np.random.Generator) -> dict[int, float]:
    f30 = rng.uniform(0.45, 1.0)
    f60 = min(f30 + rng.uniform(-0.1, 0.4), 1.15)
    return {30: f30, 60: f60, 90: 1.0, 120: 1.0 + rng.normal(0, 0.08)}


def _due_days(workshop_end: dt.date) -> list[int]:
    return [day for day in FOLLOWUP_DAYS if workshop_end + dt.timedelta(days=day) <= REPORT_AS_AT]


def _lead_time_measure(rng, name, unit, baseline, post, days):
    per_unit = MINUTES_PER_UNIT[unit]
    quantum = QUANTUM_MINUTES[unit]
    fractions = _followup_fractions(rng)
    b_min, p_min = baseline * per_unit, post * per_unit
    followups = {}
    for day in days:
        if day == DEFAULT_POST_DAY:
            followups[day] = post
            continue
        value = (
            _interpolate(b_min, p_min, fractions[day])
            if day != 120
            else p_min * math.exp(rng.normal(0, 0.08))
        )
        value = max(round(value / quantum), 1) * quantum
        followups[day] = _unit_value(value, per_unit)
    return {
        "type": "lead_time",
        "name": name,
        "unit": unit,
        "better": "lower",
        "baseline": baseline,
        "followups": followups,
    }


def _defects_measure(rng, name, baseline, post, days):
    fractions = _followup_fractions(rng)
    followups = {}
    for day in days:
        if day == DEFAULT_POST_DAY:
            followups[day] = post
        elif day == 120:
            followups[day] = max(int(round(post * math.exp(rng.normal(0, 0.15)))), 0)
        else:
            followups[day] = max(int(round(_interpolate(baseline, post, fractions[day]))), 0)
    return {
        "type": "defects",
        "name": name,
        "unit": "defects",
        "better": "lower",
        "baseline": baseline,
        "followups": followups,
    }


def _defect_ratio_measure(rng, name, baseline, post, days):
    fractions = _followup_fractions(rng)
    r_b = baseline[0] / baseline[1]
    r_p = post[0] / post[1]
    followups = {}
    for day in days:
        if day == DEFAULT_POST_DAY:
            followups[day] = {"defects": post[0], "output": post[1]}
            continue
        output = max(int(round(baseline[1] * rng.uniform(0.8, 1.2))), 5)
        ratio = (
            r_p * math.exp(rng.normal(0, 0.1))
            if day == 120
            else r_b + (r_p - r_b) * min(fractions[day], 1.0)
        )
        defects = min(max(int(round(ratio * output)), 0), output)
        followups[day] = {"defects": defects, "output": output}
    return {
        "type": "defect_ratio",
        "name": name,
        "unit": "defects per output",
        "better": "lower",
        "baseline": {"defects": baseline[0], "output": baseline[1]},
        "followups": followups,
    }


def _other_measure(rng, which, days):
    name, unit, better, typical, ratio, decimals = OTHER_MEASURES[which]
    baseline = typical * math.exp(rng.normal(0, 0.35))
    if unit == "score (1-10)":
        baseline = min(baseline, 7.0)
    if unit == "percent":
        baseline = min(baseline, 88.0)
    post = baseline * ratio * math.exp(rng.normal(0, 0.15))
    if unit == "score (1-10)":
        post = min(post, 9.6)
    if unit == "percent":
        post = min(post, 99.0)
    fractions = _followup_fractions(rng)

    def fmt(x):
        return round(x, decimals) if decimals else int(round(x))

    followups = {day: fmt(_interpolate(baseline, post, min(fractions[day], 1.0))) for day in days}
    if DEFAULT_POST_DAY in days:
        followups[DEFAULT_POST_DAY] = fmt(post)
    return {
        "type": "other",
        "name": name,
        "unit": unit,
        "better": better,
        "baseline": fmt(baseline),
        "followups": followups,
    }


def _incomplete_measure(rng, kind, title, days):
    """A measure without a 90-day value: too recent, or its report never came in."""
    days = [d for d in days if d < DEFAULT_POST_DAY]
    if kind == "lead_time":
        minutes = float(np.exp(rng.normal(math.log(1200), 1.1)))
        unit = "minutes" if minutes < 300 else "hours" if minutes < 4320 else "days"
        quantum = QUANTUM_MINUTES[unit]
        b = max(round(minutes / quantum), 1) * quantum
        p = max(round(b * float(np.exp(rng.normal(math.log(0.45), 0.5))) / quantum), 1) * quantum
        per_unit = MINUTES_PER_UNIT[unit]
        return _lead_time_measure(
            rng,
            f"Lead time — {title}",
            unit,
            _unit_value(b, per_unit),
            _unit_value(p, per_unit),
            days,
        )
    if kind == "defects":
        b = int(rng.integers(8, 120))
        return _defects_measure(rng, f"Defects — {title}", b, int(b * rng.uniform(0.2, 0.6)), days)
    if kind == "defect_ratio":
        output = int(rng.integers(20, 600))
        defects = int(output * rng.uniform(0.3, 0.8))
        post = (int(defects * rng.uniform(0.2, 0.6)), output)
        return _defect_ratio_measure(rng, f"Defect ratio — {title}", (defects, output), post, days)
    return _other_measure(rng, int(rng.integers(len(OTHER_MEASURES))), days)


def _allocate_complete_measures(rng, trust, hosts, is_complete):
    """Hand each complete analysed measure to an RPIW: RPIWs with complete measures first, so
    each has at least one; the rest go to reporting-gap RPIWs or are a second measure of the
    same type (another sub-process) on a complete RPIW."""
    kinds = [k for k in ("lead_time", "defect_ratio", "defects") if TABLE_7_2[trust][k][0]]
    plan: dict[int, list[str]] = {h: [] for h in hosts}
    for kind in kinds:
        for _ in range(TABLE_7_2[trust][kind][0]):
            keys = {
                h: (
                    plan[h].count(kind) + (0 if is_complete[h] else 1),
                    len(plan[h]) > 0,
                    len(plan[h]),
                    rng.random(),
                )
                for h in hosts
            }
            plan[min(hosts, key=keys.__getitem__)].append(kind)
    if any(not plan[h] for h in hosts if is_complete[h]):
        raise RuntimeError(f"{trust}: an RPIW meant to be complete has no analysed measure")
    return plan


def _build_rpiws(rng, trust, series):
    _, n_rpiws, n_complete = TABLE_7_1[trust]
    streams = VALUE_STREAMS[trust]
    n_recent = RECENT_RPIWS[trust]
    n_gap = n_rpiws - n_complete - n_recent
    categories = ["complete"] * n_complete + ["gap"] * n_gap + ["recent"] * n_recent
    order = rng.permutation(n_complete + n_gap)
    categories = [categories[k] for k in order] + ["recent"] * n_recent
    no_measures = set(
        rng.choice(
            [k for k, c in enumerate(categories) if c == "gap"],
            RPIWS_WITHOUT_MEASURES[trust],
            replace=False,
        ).tolist()
    )

    # Workshop dates: the first value stream starts first, later ones join over time.
    first, last = TRUST_WINDOWS[trust]
    span = (last - first).days
    weights = np.array([1.6] + [1.0] * (len(streams) - 1))
    stream_of = list(range(len(streams)))  # every value stream has at least one RPIW
    stream_of += rng.choice(
        len(streams), n_rpiws - len(streams), p=weights / weights.sum()
    ).tolist()
    stream_of = [stream_of[k] for k in rng.permutation(n_rpiws)]
    # The first value stream must have an RPIW old enough to have opened the programme.
    older = [k for k, c in enumerate(categories) if c != "recent"]
    if not any(stream_of[k] == 0 for k in older):
        recent = next(k for k, c in enumerate(categories) if c == "recent" and stream_of[k] == 0)
        stream_of[recent], stream_of[older[0]] = stream_of[older[0]], 0
    starts = []
    for k, category in enumerate(categories):
        if category == "recent":
            starts.append(_monday_between(rng, dt.date(2019, 5, 6), dt.date(2019, 6, 24)))
        else:
            launch = first + dt.timedelta(days=int(span * 0.55 * stream_of[k] / len(streams)))
            launch -= dt.timedelta(days=launch.weekday())
            starts.append(_monday_between(rng, launch, last))
    # The trust's first value stream opens the programme with its first RPIW.
    opener = next(k for k in older if stream_of[k] == 0)
    starts[opener] = first

    titles_left = {s: list(rng.permutation(RPIW_TITLES[s])) for s in streams}
    hosts = [
        k for k, c in enumerate(categories) if c in ("complete", "gap") and k not in no_measures
    ]
    plan = _allocate_complete_measures(
        rng, trust, hosts, {k: categories[k] == "complete" for k in hosts}
    )
    pools = {kind: list(rng.permutation(len(series[kind][trust]))) for kind in series}

    rpiws = []
    for k in np.argsort(starts, kind="stable"):
        stream = streams[stream_of[k]]
        left = titles_left[stream]
        title = str(left.pop(0)) if left else f"{RPIW_TITLES[stream][k % 6]} (second workshop)"
        start = starts[k]
        end = start + dt.timedelta(days=4)
        due = _due_days(end)
        complete_days = [d for d in due if d != 120 or rng.random() < 0.3]
        measures = []
        kinds = plan.get(k, [])
        for kind in kinds:
            value = series[kind][trust][pools[kind].pop()]
            if kind == "lead_time":
                unit, baseline, post = value
                stage = ""
                if kinds.count("lead_time") > 1:
                    stage = (" (request to start)", " (start to completion)")[
                        sum(m["type"] == "lead_time" for m in measures) % 2
                    ]
                measures.append(
                    _lead_time_measure(
                        rng, f"Lead time{stage} — {title}", unit, baseline, post, complete_days
                    )
                )
            elif kind == "defects":
                measures.append(
                    _defects_measure(rng, f"Defects — {title}", value[0], value[1], complete_days)
                )
            else:
                measures.append(
                    _defect_ratio_measure(
                        rng, f"Defect ratio — {title}", value[:2], value[2:], complete_days
                    )
                )
        category = categories[k]
        if k not in no_measures:
            room = MAX_MEASURES_PER_RPIW - len(measures)
            kinds_here = [
                m for m in ("lead_time", "defect_ratio", "defects") if TABLE_7_2[trust][m][0]
            ]
            if category == "complete":
                for which in rng.choice(
                    len(OTHER_MEASURES), min(int(rng.integers(0, 4)), room), replace=False
                ):
                    measures.append(_other_measure(rng, int(which), complete_days))
            else:
                n_incomplete = min(int(rng.integers(1, 4 if category == "recent" else 3)), room)
                for _ in range(n_incomplete):
                    kind = str(rng.choice(kinds_here + ["other"]))
                    measure = _incomplete_measure(rng, kind, title, due)
                    if category == "gap" and rng.random() < 0.2:
                        measure["baseline"] = None  # baseline never recorded
                    measures.append(measure)
        rpiws.append(
            {
                "trust": trust,
                "value_stream": stream,
                "title": title,
                "workshop_start": start,
                "workshop_end": end,
                "status": "closed" if DEFAULT_POST_DAY in due else "follow_up",
                "measures": measures,
            }
        )
    for number, rpiw in enumerate(rpiws, start=1):
        rpiw["reference"] = f"{trust}-RPIW-{number:03d}"
    return rpiws


def _with_redraws(build, rng: np.random.Generator, attempts: int = 30):
    """Call ``build(rng)`` until its draws can be fitted (each failure draws afresh from the
    same generator, so the result still depends only on the seed)."""
    for _ in range(attempts):
        try:
            return build(rng)
        except ValueError:
            continue
    raise RuntimeError(f"{build.__name__}: no fit after {attempts} draws")


def generate(seed: int = 2019) -> DemoProgramme:
    """Build the demo value streams and RPIWs for the five trusts, deterministically from ``seed``.

    Each RPIW dict holds trust, reference, value_stream, title, workshop_start/end (dates),
    status ("closed" once the 90-day point has passed by REPORT_AS_AT, else "follow_up") and
    measures. Each measure holds type (one of MEASURE_TYPES), name, unit, better
    ("lower"/"higher"),
    baseline and followups ({30: .., 60: .., 90: .., sometimes 120: ..}, only the days
    reported). Lead times are numbers in their unit (minutes as int, hours in quarter hours,
    days in half days); defects are integer counts; defect ratios store
    {"defects": int, "output": int} so the ratio is recomputed. An incomplete measure lacks the
    90-day follow-up (and a few lack a baseline: ``None``).
    """
    rng = np.random.default_rng(seed)
    series = {
        "lead_time": _with_redraws(_lead_time_series, rng),
        "defects": _with_redraws(_defects_series, rng),
        "defect_ratio": _with_redraws(_defect_ratio_series, rng),
    }
    programme = DemoProgramme(seed=seed, as_at=REPORT_AS_AT)
    for trust in TRUSTS:
        programme.value_streams += [{"trust": trust, "name": s} for s in VALUE_STREAMS[trust]]
        programme.rpiws += _build_rpiws(rng, trust, series)
    return programme
