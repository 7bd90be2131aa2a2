"""Recorded network analyses: one summarise run per trust and survey wave."""

from __future__ import annotations

from typing import Any

from training.surveys import SurveyWave
from vmi_programme.jobs import JobContext, job_kind, register_recompute

from .analysis import actor_metrics, layout, summarise
from .analysis.metrics import _largest_component, build_graph
from .analysis.position import MEASURES, compare_group, reach
from .models import Interaction
from .selectors import (
    NOT_MATCHED,
    activity_members,
    actor_key,
    actor_people,
    invitation_count,
    l4l_statuses,
    wave_network,
)

LAYOUT_SEED = 2018


@job_kind("networks.summarise")
def summarise_wave(job: JobContext, wave: int, **_: Any) -> dict:
    """Summary, per-actor measures and a stored layout of a trust's network in one wave.

    The result holds no names or person ids (see ``selectors.actor_key``), so it can be shown
    to anyone who may view the trust; pages add names only for users allowed to see them. Each
    actor's L4L status is kept (the map colours by it, like role and department), but not who
    was on an RPIW team or led a value stream: only each group's comparison with everyone
    else, withheld below five on either side (``analysis.position``). Group memberships and
    L4L statuses are taken on the day the wave closed.
    """
    organisation = job.job.organisation
    if organisation is None:
        raise ValueError("A network run needs the trust whose network it summarises.")
    survey_wave = SurveyWave.objects.get(pk=wave)
    job.progress(5, "Loading nominations")
    data = wave_network(survey_wave, organisation)
    if not data["respondents"] and not data["ties"]:
        raise ValueError(f"{organisation.short_name} has no respondents in {survey_wave.name}.")
    keys = {person_id: actor_key(person_id) for person_id in data["people"]}
    edges = [(keys[s], keys[t]) for s, t, _ in data["ties"]]
    respondent_keys = [keys[p] for p in data["respondents"]]
    graph = build_graph(edges, respondents=respondent_keys)
    job.progress(20, "Summarising the network")
    summary = summarise(graph)
    job.progress(50, "Measuring each actor")
    groups = {keys[p]: attrs["group"] or "other" for p, attrs in data["people"].items()}
    measures = actor_metrics(graph, groups={k: groups[k] for k in graph})
    job.progress(75, "Laying out the map")
    positions = layout(graph, seed=LAYOUT_SEED)
    core = _largest_component(graph)
    people = {keys[p]: attrs for p, attrs in data["people"].items()}
    job.progress(85, "Comparing with improvement activity")
    as_of = survey_wave.closes_on
    # The person each actor is: themself, or for a named collaborator the person a KPO
    # confirmed they are (None while unmatched).
    identity = actor_people(organisation, set(data["people"]))
    known = {p for p in identity.values() if p is not None}
    statuses = l4l_statuses(organisation, known, as_of)
    l4l = {keys[a]: statuses[p] if p is not None else NOT_MATCHED for a, p in identity.items()}
    reaches = reach(graph)
    values = {
        key: {
            "betweenness": float(row["betweenness"]),
            "degree": int(row["in_degree"]) + int(row["out_degree"]),
            "reach": reaches[key],
        }
        for key, row in measures.iterrows()
    }
    activity = []
    for group in activity_members(organisation, as_of):
        member_keys = {keys[a] for a, p in identity.items() if p is not None and p in group.people}
        comparisons = compare_group(values, member_keys, measures=MEASURES)
        activity.append(
            {
                "key": group.key,
                "label": group.label,
                "comparisons": [c.to_dict() for c in comparisons],
            }
        )
    actors = []
    for key, row in measures.iterrows():
        x, y = positions[key]
        actors.append(
            {
                "key": key,
                "respondent": bool(row["respondent"]),
                "x": x,
                "y": y,
                "role": people[key]["role"],
                "department": people[key]["department"],
                "group": people[key]["group"],
                "in_degree": int(row["in_degree"]),
                "out_degree": int(row["out_degree"]),
                "betweenness": round(float(row["betweenness"]), 6),
                "brokerage": int(row["brokerage"]),
                "reach": round(reaches[key], 6),
                "l4l": l4l[key],
                "core": key in core,
            }
        )
    ties = [
        {"source": keys[s], "target": keys[t], "interactions": kinds}
        for s, t, kinds in data["ties"]
    ]
    by_type = {
        kind: sum(1 for tie in ties if kind in tie["interactions"]) for kind in Interaction.values
    }
    return {
        "wave": survey_wave.pk,
        "wave_name": survey_wave.name,
        "invitations": invitation_count(survey_wave, organisation),
        "summary": summary.to_dict(),
        "ties_by_interaction": by_type,
        "actors": actors,
        "ties": ties,
        "layout_seed": LAYOUT_SEED,
        "activity": {
            "as_of": as_of.isoformat(),
            "groups": activity,
            "collaborators_unmatched": sum(1 for p in identity.values() if p is None),
        },
    }


def recompute_plan() -> list[tuple[dict, Any]]:
    """A full recompute: one summary per trust and wave with nominations."""
    from vmi_programme.models import Organisation

    from .models import Nomination

    # order_by(): the model's ordering would make DISTINCT run over every nomination (700,000
    # "pairs", one job each, at national size) instead of the trust-wave pairs.
    pairs = Nomination.objects.order_by().values_list("organisation_id", "wave_id").distinct()
    trusts = Organisation.objects.in_bulk({trust for trust, _ in pairs})
    return [({"wave": wave}, trusts[trust]) for trust, wave in sorted(pairs)]


register_recompute("networks.summarise", recompute_plan)
