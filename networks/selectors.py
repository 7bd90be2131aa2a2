"""Reads of the networks app: a wave's respondents and ties, stored results, comparison tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Lower

from training.models import Programme
from training.progress import COMPLETED
from training.selectors import partner_trusts, programme_records
from training.surveys import Invitation, Response, SurveyWave
from vmi_programme import activity_groups, jobs
from vmi_programme.access import Action, can, visible_organisations
from vmi_programme.models import (
    Job,
    JobStatus,
    Organisation,
    OrganisationKind,
    Person,
)

from .models import ActorMatch, Collaborator, Nomination

SUMMARISE = "networks.summarise"
SEARCH_LIMIT = 10


def actor_key(person_id: int) -> str:
    """An opaque, stable key for a person in stored results.

    Results are readable by everyone who may view the trust (and through the jobs API), so
    they never hold names or person ids: only this keyed hash, which the page turns back into
    a name for users allowed to see respondents' identities.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"networks.actor:{person_id}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:16]


def respondents(wave: SurveyWave, organisation: Organisation) -> QuerySet[Person]:
    """The trust's people who responded to the wave (Table 5.3: L4L participants who answered)."""
    answered = Response.objects.filter(invitation__wave=wave, invitation__person=OuterRef("pk"))
    return Person.objects.filter(organisation=organisation).filter(Exists(answered))


def invitation_count(wave: SurveyWave, organisation: Organisation) -> int:
    return Invitation.objects.filter(wave=wave, person__organisation=organisation).count()


def wave_network(wave: SurveyWave, organisation: Organisation) -> dict[str, Any]:
    """Everything the analysis needs: respondents, ties with their types, and actor attributes."""
    respondent_rows = list(
        respondents(wave, organisation).values(
            "id", "job_title", "department", "professional_group"
        )
    )
    nominations = list(
        Nomination.objects.filter(wave=wave, organisation=organisation)
        .select_related("alter")
        .only(
            "respondent_id",
            "alter_id",
            "expertise",
            "advice",
            "influence",
            "role",
            "department",
            "alter__job_title",
            "alter__department",
            "alter__professional_group",
        )
        .order_by("respondent_id", "alter_id")
    )
    people: dict[int, dict[str, str]] = {
        row["id"]: {
            "role": row["job_title"],
            "department": row["department"],
            "group": row["professional_group"],
        }
        for row in respondent_rows
    }
    for nomination in nominations:
        if nomination.alter_id not in people:
            alter = nomination.alter
            people[nomination.alter_id] = {
                "role": alter.job_title or nomination.role,
                "department": alter.department or nomination.department,
                "group": alter.professional_group,
            }
        else:  # fill gaps from what respondents said about the person
            entry = people[nomination.alter_id]
            entry["role"] = entry["role"] or nomination.role
            entry["department"] = entry["department"] or nomination.department
    return {
        "respondents": [row["id"] for row in respondent_rows],
        "ties": [(n.respondent_id, n.alter_id, n.interactions) for n in nominations],
        "people": people,
    }


def survey_waves() -> QuerySet[SurveyWave]:
    """Every survey wave (training's), to look one up by key."""
    return SurveyWave.objects.select_related("survey")


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a respondent's unique link carries, with its person and wave."""
    return (
        Invitation.objects.select_related("person__organisation", "wave__survey")
        .filter(token=token)
        .first()
    )


def network_waves(organisation: Organisation | None = None) -> QuerySet[SurveyWave]:
    """Survey waves with nominations (of one trust, or of any), oldest first."""
    nominations = Nomination.objects.filter(wave=OuterRef("pk"))
    if organisation is not None:
        nominations = nominations.filter(organisation=organisation)
    return (
        SurveyWave.objects.filter(Exists(nominations))
        .select_related("survey")
        .order_by("opens_on", "pk")
    )


def latest_run(organisation: Organisation, wave: SurveyWave) -> Job | None:
    """The newest finished or running summarise job of a trust's wave (for progress display)."""
    return (
        Job.objects.filter(kind=SUMMARISE, organisation=organisation, parameters__wave=wave.pk)
        .order_by("-created_at")
        .first()
    )


def stored_result(organisation: Organisation, wave: SurveyWave) -> Job | None:
    return jobs.latest_result(SUMMARISE, organisation=organisation, wave=wave.pk)


def results_by_trust(wave: SurveyWave, organisations: QuerySet[Organisation]) -> dict[int, Job]:
    """The latest successful result of each trust for a wave, in one query."""
    runs = (
        Job.objects.filter(
            kind=SUMMARISE,
            status=JobStatus.SUCCEEDED,
            parameters__wave=wave.pk,
            organisation__in=organisations,
        )
        .order_by("organisation_id", "-finished_at")
        .only("id", "organisation_id", "result", "stale", "finished_at", "status", "kind")
    )
    latest: dict[int, Job] = {}
    for run in runs:
        latest.setdefault(run.organisation_id, run)
    return latest


#: Tables 5.3 (network size) and 5.4 (brokering): the measures, each a column of a trust's row.
TABLE_5_4_MEASURES: list[tuple[str, str]] = [
    ("invitations", "Invitations"),
    ("respondents", "Respondents (L4L participants)"),
    ("collaborators", "Collaborators named (not respondents)"),
    ("actors", "Actors (network size)"),
    ("ties", "Ties"),
    ("simple_brokering", "Simple brokering (021C)"),
    (
        "reciprocated_incoming_brokering",
        "Reciprocated incoming brokering, “popularity” (111D)",
    ),
    (
        "reciprocated_outgoing_brokering",
        "Reciprocated outgoing brokering, “activity” (111U)",
    ),
    ("mutually_reciprocated_brokering", "Mutually reciprocated brokering (201)"),
    ("reciprocated_brokering_total", "Reciprocated brokering total"),
]
#: One row per trust, keyed by its short name as every summary table's trust rows are.
TABLE_5_4_COLUMNS: list[tuple[str, str]] = [("trust", "NHS trust"), *TABLE_5_4_MEASURES]


def default_comparison_wave() -> SurveyWave | None:
    """The first wave with nominations: the December 2018 wave of Tables 5.3 and 5.4."""
    return network_waves().first()


def stored_summaries(wave: SurveyWave) -> dict[int, dict[str, Any]]:
    """Each partner trust's latest successful network run of a wave: its invitations, summary
    and whether it is stale, in one query. Only those keys of the stored result are read: its
    actors and ties (hundreds of kilobytes a trust at national size) stay in the database."""
    runs = (
        Job.objects.filter(
            kind=SUMMARISE,
            status=JobStatus.SUCCEEDED,
            parameters__wave=wave.pk,
            organisation__kind=OrganisationKind.PARTNER_TRUST,
        )
        .order_by("organisation_id", "-finished_at", "-pk")
        .values(
            "organisation_id",
            "stale",
            summary=KeyTransform("summary", "result"),
            invitations=KeyTransform("invitations", "result"),
        )
    )
    latest: dict[int, dict[str, Any]] = {}
    for run in runs:
        latest.setdefault(run["organisation_id"], run)
    return latest


def table_5_4(wave: SurveyWave) -> dict[str, Any]:
    """Tables 5.3 and 5.4 for a wave: one row per partner trust with a stored run, in the order
    of every summary table (``training.selectors.partner_trusts``: by short name), measures as
    columns. From stored results only; two queries whatever the number of trusts."""
    trusts = list(partner_trusts().only("pk", "short_name", "name"))
    runs = stored_summaries(wave)
    shown = [t for t in trusts if t.pk in runs]
    rows = []
    for trust in shown:
        run = runs[trust.pk]
        summary = run["summary"] or {}
        row: dict[str, Any] = {"trust": trust.short_name, "organisation_id": trust.pk}
        for key, _ in TABLE_5_4_MEASURES:
            row[key] = run["invitations"] if key == "invitations" else summary.get(key)
        rows.append(row)
    return {
        "trusts": shown,
        "rows": rows,
        "stale": [t for t in shown if runs[t.pk]["stale"]],
        "missing": [t for t in trusts if t.pk not in runs],
    }


def table_5_4_export_rows(table: dict[str, Any]) -> tuple[list[dict], list[tuple[str, str]]]:
    """Tables 5.3 and 5.4 for CSV/XLSX: the same rows, one per trust, and their columns."""
    return table["rows"], TABLE_5_4_COLUMNS


def identities_for(user: Any, organisation: Organisation, keys: set[str]) -> dict[str, str]:
    """Names behind actor keys, only for users who may see respondents' identities (else {})."""
    if not keys or not can(user, Action.VIEW_IDENTITIES, organisation):
        return {}
    names = {}
    for person_id, full_name in Person.objects.filter(organisation=organisation).values_list(
        "id", "full_name"
    ):
        key = actor_key(person_id)
        if key in keys:
            names[key] = full_name
    return names


def search_people(organisation: Organisation, query: str, *, exclude: int | None = None) -> list:
    """People of a trust whose name contains ``query`` (at most 10), for the name generator."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    people = (
        Person.objects.filter(organisation=organisation, full_name__icontains=query)
        .exclude(collaborator__merged_into__isnull=False)
        .order_by("full_name", "pk")
        .values("id", "full_name", "job_title", "department")
    )
    if exclude is not None:
        people = people.exclude(pk=exclude)
    return list(people[:SEARCH_LIMIT])


def trusts_overview(user: Any) -> list[dict[str, Any]]:
    """Trusts the user may view, each with its network waves and whether a result is stored."""
    organisations = visible_organisations(user).filter(kind=OrganisationKind.PARTNER_TRUST)
    waves_by_org: dict[int, list[SurveyWave]] = defaultdict(list)
    pairs = (
        Nomination.objects.filter(organisation__in=organisations)
        .values_list("organisation_id", "wave_id")
        .distinct()
    )
    wave_ids = defaultdict(set)
    for org_id, wave_id in pairs:
        wave_ids[org_id].add(wave_id)
    waves = {
        w.pk: w for w in SurveyWave.objects.filter(pk__in={w for s in wave_ids.values() for w in s})
    }
    for org_id, ids in wave_ids.items():
        waves_by_org[org_id] = sorted((waves[i] for i in ids), key=lambda w: w.opens_on)
    return [
        {"trust": org, "waves": waves_by_org.get(org.pk, [])}
        for org in organisations.order_by("short_name")
    ]


def people_for_merge(organisation: Organisation) -> QuerySet[Person]:
    """People of a trust who were named in any wave (the candidates for merging)."""
    named = Nomination.objects.filter(alter=OuterRef("pk"))
    return (
        Person.objects.filter(organisation=organisation)
        .filter(Exists(named))
        .exclude(collaborator__merged_into__isnull=False)
        .order_by("full_name", "pk")
    )


# Read by the dashboards (dashboards).


def network_wave(as_of: dt.date | None = None, organisation: Organisation | None = None):
    """The network wave to show: the report's first wave (or, with ``as_of``, the newest one
    opened by then), of one trust when given."""
    from networks.selectors import default_comparison_wave, network_waves

    if as_of is None and organisation is None:
        return default_comparison_wave()
    waves = network_waves(organisation)
    if as_of is not None:
        waves = waves.filter(opens_on__lte=as_of)
    return waves.order_by("-opens_on", "-pk").first()


# --- Improvement activity: L4L status, activity groups, matching collaborators to people ---

L4L = "L4L"
#: an actor's L4L status on a date; "not enrolled" when they have no L4L enrolment by then,
#: "not matched" for a named collaborator not (yet) matched to a person of the trust
NOT_ENROLLED, NOT_MATCHED = "not_enrolled", "not_matched"


def l4l_statuses(organisation: Organisation, person_ids: set[int], as_of: dt.date) -> dict:
    """Each person's L4L status on ``as_of`` (training's derived status), else not enrolled."""
    records = programme_records(
        organisation_ids=[organisation.pk],
        programme_ids=training_programme_ids(L4L),
        person_ids=person_ids,
    )
    statuses = dict.fromkeys(person_ids, NOT_ENROLLED)
    for record in records:
        statuses[record.person_id] = record.status_on(as_of) or NOT_ENROLLED
    return statuses


def training_programme_ids(code: str) -> list[int]:
    return list(Programme.objects.filter(code=code).values_list("pk", flat=True))


def l4l_graduates(organisation_id: int, as_of: dt.date) -> set[int]:
    """People of a trust who had completed L4L by ``as_of`` (registered as an activity group)."""
    records = programme_records(
        organisation_ids=[organisation_id], programme_ids=training_programme_ids(L4L)
    )
    return {r.person_id for r in records if r.status_on(as_of) == COMPLETED}


@dataclass(frozen=True)
class ActivityMembers:
    key: str
    label: str
    people: set[int]


def activity_members(organisation: Organisation, as_of: dt.date) -> list[ActivityMembers]:
    """Every registered improvement-activity group with its people at a trust on a date."""
    return [
        ActivityMembers(g.key, g.label, g.members(organisation.pk, as_of))
        for g in activity_groups.groups()
    ]


def actor_people(organisation: Organisation, person_ids: set[int]) -> dict[int, int | None]:
    """The person each actor is: a respondent (invited) or a person picked or matched by name
    at collection is themself; a collaborator record is the person a KPO confirmed, or None."""
    collaborators = collaborator_ids(person_ids)
    matches = confirmed_matches(organisation)
    return {p: (matches.get(p) if p in collaborators else p) for p in person_ids}


def confirmed_matches(organisation: Organisation) -> dict[int, int]:
    """Collaborator record id → the trust's person a KPO confirmed they are."""
    return dict(
        ActorMatch.objects.filter(organisation=organisation, confirmed=True).values_list(
            "collaborator_id", "person_id"
        )
    )


def collaborator_ids(person_ids: set[int]) -> set[int]:
    """Which of these people are collaborator records (first recorded because named)."""
    return set(
        Collaborator.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )


def match_suggestions(organisation: Organisation) -> list[dict[str, Any]]:
    """Collaborators whose name is exactly (ignoring case) that of a person on the trust's own
    records, with no decision about that pair yet: the pairs a KPO confirms or rejects."""
    collaborators = list(
        Person.objects.filter(
            organisation=organisation,
            collaborator__isnull=False,
            collaborator__merged_into__isnull=True,
        )
        .exclude(actor_matches__confirmed=True)
        .values("id", "full_name", "job_title", "department")
    )
    if not collaborators:
        return []
    names = {" ".join(c["full_name"].split()).casefold() for c in collaborators}
    candidates = (
        Person.objects.filter(organisation=organisation, collaborator__isnull=True)
        .annotate(lower_name=Lower("full_name"))
        .filter(lower_name__in=names)
        .values("id", "full_name", "job_title", "department", "professional_group")
    )
    by_name: dict[str, list[dict]] = defaultdict(list)
    for candidate in candidates:
        by_name[" ".join(candidate["full_name"].split()).casefold()].append(dict(candidate))
    decided = set(
        ActorMatch.objects.filter(organisation=organisation).values_list(
            "collaborator_id", "person_id"
        )
    )
    suggestions = []
    for collaborator in sorted(collaborators, key=lambda c: (c["full_name"], c["id"])):
        name = " ".join(collaborator["full_name"].split()).casefold()
        for person in by_name.get(name, []):
            if (collaborator["id"], person["id"]) not in decided:
                suggestions.append({"collaborator": collaborator, "person": person})
    return suggestions


def decided_matches(organisation: Organisation) -> QuerySet[ActorMatch]:
    """The trust's match decisions, newest first (the page shows the latest 50)."""
    return ActorMatch.objects.filter(organisation=organisation).select_related(
        "collaborator", "person", "decided_by"
    )


def activity_people(
    organisation: Organisation, wave: SurveyWave, result: dict[str, Any]
) -> list[dict[str, Any]]:
    """The people of a stored network who belong to an improvement-activity group (on the day
    the wave closed), with their measures: for users who may see names (the view checks).

    Memberships are read now, so they may differ from the stored comparison until it is rerun.
    """
    actors = {a["key"]: a for a in result.get("actors", [])}
    people = {
        actor_key(pk): (pk, name)
        for pk, name in Person.objects.filter(organisation=organisation).values_list(
            "id", "full_name"
        )
    }
    in_network = {people[key][0]: key for key in actors if key in people}
    identity = actor_people(organisation, set(in_network))
    groups = activity_members(organisation, wave.closes_on)
    matched_names = dict(
        Person.objects.filter(pk__in={p for p in identity.values() if p is not None}).values_list(
            "id", "full_name"
        )
    )
    rows = []
    for actor_id, key in in_network.items():
        person_id = identity[actor_id]
        memberships = [g.label for g in groups if person_id is not None and person_id in g.people]
        if not memberships:
            continue
        actor = actors[key]
        rows.append(
            {
                "name": matched_names.get(person_id, people[key][1]),
                "named_as": people[key][1] if person_id != actor_id else "",
                "respondent": actor["respondent"],
                "groups": memberships,
                "degree": actor["in_degree"] + actor["out_degree"],
                "betweenness": actor["betweenness"],
                "reach": actor.get("reach"),
            }
        )
    return sorted(rows, key=lambda r: (-r["betweenness"], r["name"]))
