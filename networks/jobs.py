"""Recorded network analyses: one summarise run per trust and survey wave."""

from __future__ import annotations

from typing import Any

from training.surveys import SurveyWave
from vmi_programme.jobs import JobContext, job_kind

from .analysis import actor_metrics, layout, summarise
from .analysis.metrics import _largest_component, build_graph
from .models import Interaction
from .selectors import actor_key, invitation_count, wave_network

LAYOUT_SEED = 2018


@job_kind("networks.summarise")
def summarise_wave(job: JobContext, wave: int, **_: Any) -> dict:
    """Summary, per-actor measures and a stored layout of a trust's network in one wave.

    The result holds no names or person ids (see ``selectors.actor_key``), so it can be shown
    to anyone who may view the trust; pages add names only for users allowed to see them.
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
    }
