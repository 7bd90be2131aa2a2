"""Reads for trust context: Table 4.1 computed from records, and leadership stability."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from governance.models import CeoTenure, CqcRating, CulturalWork, SpecialMeasuresPeriod
from vmi_programme.constants import PROGRAMME_START
from vmi_programme.models import Organisation, OrganisationKind, Partnership

CONTEXT_YEARS_BEFORE = 5  # how far back Table 4.1 looks for CEOs before the programme


def programme_start() -> dt.date:
    partnership = Partnership.objects.order_by("started_on").first()
    return partnership.started_on if partnership else PROGRAMME_START


def _rating(rating: CqcRating | None) -> str:
    return f"{rating.get_rating_display()} {rating.published_on.year}" if rating else "–"


def _tenure(tenure: CeoTenure, as_of: dt.date) -> str:
    name = tenure.person.full_name + (" (interim)" if tenure.is_interim else "")
    if tenure.ended_on is None or tenure.ended_on > as_of:
        return f"{name} {tenure.started_on.year}–"
    return f"{name} {tenure.started_on.year}–{tenure.ended_on.year % 100:02d}"


def ceo_summary(tenures: list[CeoTenure], start: dt.date, as_of: dt.date) -> str:
    """ "Name since YYYY" for one unbroken tenure, else each tenure with its years."""
    if not tenures:
        return "–"
    only = tenures[0]
    if len(tenures) == 1 and only.started_on < start and (only.ended_on or as_of) >= as_of:
        return f"{only.person.full_name} since {only.started_on.year}"
    return ", ".join(_tenure(t, as_of) for t in tenures)


def cultural_work_summary(
    work: CulturalWork | None, special_measures: list[SpecialMeasuresPeriod], start: dt.date
) -> str:
    if work is None:
        return "not recorded"
    if work.preceded_programme:
        return f"yes ({work.name})" if work.name else "yes"
    before = [p for p in special_measures if p.started_on < start]
    if not before:
        return "no"
    return "no (" + "; ".join(str(p) for p in before) + ")"


@dataclass
class TrustContext:
    organisation: Organisation
    cqc_pre: str
    cqc_during: str
    cqc_latest: str
    ceo: str
    cultural_work: str
    cultural_work_description: str = ""
    ceo_changes_during: int = 0
    tenures: list = field(default_factory=list)


def table_4_1(as_of: dt.date | None = None, start: dt.date | None = None) -> list[TrustContext]:
    """Table 4.1 for every partner trust, computed from its ratings, tenures and cultural work.

    CQC "pre" is the last rating before the programme start; "latest" the last by ``as_of``;
    "during" the last one after the start and before the latest. Four queries.
    """
    as_of = as_of or dt.date.today()
    start = start or programme_start()
    window_start = start.replace(year=start.year - CONTEXT_YEARS_BEFORE)
    trusts = (
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST)
        .prefetch_related(
            Prefetch("cqc_ratings", CqcRating.objects.filter(published_on__lte=as_of)),
            Prefetch(
                "ceo_tenures",
                CeoTenure.objects.filter(started_on__lte=as_of)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window_start))
                .select_related("person")
                .order_by("started_on"),
            ),
            Prefetch(
                "special_measures", SpecialMeasuresPeriod.objects.filter(started_on__lte=as_of)
            ),
        )
        .select_related("cultural_work")
        .order_by("pk")
    )
    rows = []
    for trust in trusts:
        ratings = sorted(trust.cqc_ratings.all(), key=lambda r: r.published_on)
        pre = [r for r in ratings if r.published_on < start]
        latest = ratings[-1] if ratings else None
        during = [r for r in ratings if r.published_on >= start and r is not latest]
        tenures = list(trust.ceo_tenures.all())
        work = getattr(trust, "cultural_work", None)
        rows.append(
            TrustContext(
                organisation=trust,
                cqc_pre=_rating(pre[-1] if pre else None),
                cqc_during=_rating(during[-1] if during else None),
                cqc_latest=_rating(latest if latest and latest.published_on >= start else None),
                ceo=ceo_summary(tenures, start, as_of),
                cultural_work=cultural_work_summary(
                    work, list(trust.special_measures.all()), start
                ),
                cultural_work_description=work.description if work else "",
                ceo_changes_during=sum(1 for t in tenures if start < t.started_on <= as_of),
                tenures=tenures,
            )
        )
    return rows


@dataclass
class LeadershipStability:
    organisation: Organisation
    tenures: list
    changes: int

    @property
    def stable(self) -> bool:
        return self.changes == 0


def leadership_stability(start: dt.date, end: dt.date) -> list[LeadershipStability]:
    """Per partner trust: the CEOs in post during [start, end] and how many times the CEO changed
    (a tenure starting inside the period after it began is one change)."""
    if end < start:
        raise ValueError("The period must end after it starts.")
    trusts = Organisation.objects.filter(kind=OrganisationKind.PARTNER_TRUST).prefetch_related(
        Prefetch(
            "ceo_tenures",
            CeoTenure.objects.filter(started_on__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
            .select_related("person")
            .order_by("started_on"),
        )
    )
    return [
        LeadershipStability(
            trust,
            list(trust.ceo_tenures.all()),
            sum(1 for t in trust.ceo_tenures.all() if start < t.started_on <= end),
        )
        for trust in trusts.order_by("pk")
    ]
