"""Pages of the networks app: network per trust and wave, Table 5.4, change over time, collection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from vmi_programme import imports as import_pipeline
from vmi_programme.access import Action, can, can_view_partnership, relations, require
from vmi_programme.exports import export_response, wants_export
from vmi_programme.models import Organisation
from vmi_programme.person_picker import search_url

from . import selectors, services
from .analysis.position import MEASURES, MIN_COUNT
from .charts import COLOURINGS, SIZINGS, actor_label, describe_actors, has_map_fields, network_map
from .dashboard import table_5_4_summary
from .forms import ActorMatchForm, MergeForm, NameGeneratorFormSet, NominationUploadForm
from .imports import NominationImport
from .models import Interaction, Nomination

if TYPE_CHECKING:  # an invitation is read through selectors; the type is for hints only
    from training.surveys import Invitation

TABLE_5_4_PAGE_SIZE = 25  # trusts a page, as the partnership summary's

SUMMARY_ROWS: list[tuple[str, str, str]] = [
    ("respondents", "Respondents (L4L participants)", "int"),
    ("collaborators", "Collaborators named (not respondents)", "int"),
    ("actors", "Actors (network size)", "int"),
    ("ties", "Ties", "int"),
    ("density", "Density", "ratio"),
    ("reciprocity", "Reciprocity (share of ties returned)", "pct"),
    ("mean_degree", "Ties per actor", "ratio"),
    ("weak_components", "Components", "int"),
    ("largest_component_size", "Largest component (core)", "int"),
    ("isolates", "Isolates", "int"),
    ("respondents_outside_largest_component", "Respondents outside the core", "pct"),
    ("in_degree_centralisation", "In-degree centralisation", "ratio"),
    ("betweenness_centralisation", "Betweenness centralisation", "ratio"),
    ("simple_brokering", "Simple brokering (021C)", "int"),
    ("reciprocated_incoming_brokering", "Reciprocated incoming, “popularity” (111D)", "int"),
    ("reciprocated_outgoing_brokering", "Reciprocated outgoing, “activity” (111U)", "int"),
    ("mutually_reciprocated_brokering", "Mutually reciprocated (201)", "int"),
    ("reciprocated_brokering_total", "Reciprocated brokering total", "int"),
]


def can_see_networks(user: Any) -> bool:
    return bool(relations(user, Action.VIEW))


def _format(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{100 * value:.0f}%"
    if kind == "ratio":
        return f"{value:.3f}"
    return f"{value:,}"


def _summary_rows(*summaries: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, label, kind in SUMMARY_ROWS:
        values = [s.get(key) for s in summaries]
        change = None
        if len(values) >= 2 and values[-1] is not None and values[-2] is not None:
            delta = values[-1] - values[-2]
            change = ("+" if delta > 0 else "") + _format(delta, kind) if delta else "no change"
        rows.append(
            {"label": label, "values": [_format(v, kind) for v in values], "change": change}
        )
    return rows


def _trust(pk: int, user: Any) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    require(user, Action.VIEW, organisation)
    return organisation


def index(request):
    if not can_see_networks(request.user):
        raise PermissionDenied("You do not have permission to view networks.")
    return render(
        request,
        "networks/index.html",
        {
            "trusts": selectors.trusts_overview(request.user),
            "partnership": can_view_partnership(request.user),
            "comparison_wave": selectors.default_comparison_wave(),
        },
    )


@require_safe  # recomputing has its own URL; a stray POST is refused, not ignored
def wave_network(request, trust_pk: int, wave_pk: int):
    """Metrics table and network map of one trust's wave, read from the stored run."""
    organisation = _trust(trust_pk, request.user)
    wave = get_object_or_404(selectors.survey_waves(), pk=wave_pk)
    interaction = request.GET.get("interaction") or None
    if interaction not in (None, *Interaction.values):
        interaction = None
    stored = selectors.stored_result(organisation, wave)
    run = selectors.latest_run(organisation, wave)
    context: dict[str, Any] = {
        "trust": organisation,
        "wave": wave,
        "stored": stored,
        "run": run if run is not None and run.pk != getattr(stored, "pk", None) else None,
        "interaction": interaction,
        "interactions": Interaction.choices,
        "can_change": can(request.user, Action.CHANGE, organisation),
        "can_identify": can(request.user, Action.VIEW_IDENTITIES, organisation),
        "other_waves": list(selectors.network_waves(organisation).exclude(pk=wave.pk)),
    }
    if stored is not None:
        result = stored.result or {}
        actors = result.get("actors", [])
        names = selectors.identities_for(request.user, organisation, {a["key"] for a in actors})
        anonymise = not context["can_identify"]
        context["figure"] = network_map(
            result,
            names,
            interaction=interaction,
            trust=organisation.short_name,
            anonymise=anonymise,
        )
        context["summary_rows"] = _summary_rows(result.get("summary", {}))
        context["invitations"] = result.get("invitations")
        context["ties_by_interaction"] = result.get("ties_by_interaction", {})
        context["map_fields"] = has_map_fields(result)
        context["colourings"] = [
            (key, label)
            for key, label in COLOURINGS.items()
            if key != "l4l" or has_map_fields(result)
        ]
        context["sizings"] = SIZINGS.items()
        context["tie_kinds"] = [k for k in Interaction.values if interaction in (None, k)]
        # Search by name only where names are shown; the list is the people on this map.
        context["searchable"] = sorted(names[a["key"]] for a in actors if a["key"] in names)
        described = describe_actors(actors, names, anonymise=anonymise)
        brokers = sorted(described, key=lambda a: (-a["brokerage"], -a["betweenness"]))[:10]
        context["brokers"] = [a for a in brokers if a["brokerage"] > 0]
    return render(request, "networks/wave.html", context)


@require_POST
def wave_rerun(request, trust_pk: int, wave_pk: int):
    """Start a new network analysis of a trust's wave (e.g. after fixing nominations)."""
    organisation = _trust(trust_pk, request.user)
    require(request.user, Action.CHANGE, organisation)
    wave = get_object_or_404(selectors.survey_waves(), pk=wave_pk)
    services.nominations_changed(organisation, [wave], user=request.user)
    messages.success(request, "A new network analysis was started.")
    return redirect("networks:wave", trust_pk=organisation.pk, wave_pk=wave.pk)


@require_safe
def table_5_4(request):
    """Tables 5.3 and 5.4 across the partner trusts for a wave, from stored results: one row
    per trust, a page at a time (the downloads hold every trust)."""
    if not can_view_partnership(request.user):
        raise PermissionDenied("Only people who may view the partnership see this comparison.")
    wave = None
    if request.GET.get("wave"):  # a wave that is not a number is not found, not a server error
        wave = get_object_or_404(selectors.survey_waves(), pk=_int(request.GET["wave"]) or 0)
    wave = wave or selectors.default_comparison_wave()
    if wave is None:
        return render(request, "networks/table_5_4.html", {"wave": None})
    table = table_5_4_summary(wave)
    if fmt := wants_export(request):
        # as the partnership summary's downloads: values as shown, full precision beside
        return export_response(
            table.rows,
            f"table-5-4-{wave.name}",
            fmt=fmt,
            columns=table.columns,
            title=f"{table.title}, {wave.name}",
            shown=table.cells,
        )
    page = Paginator(table.rows, TABLE_5_4_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "networks/table_5_4.html",
        {
            "wave": wave,
            "table": table,
            "page": page,
            "rows": [
                {"key": table.key_of(row), "cells": table.cells(row)} for row in page.object_list
            ],
            "waves": selectors.network_waves(),
        },
    )


def change_over_time(request, trust_pk: int):
    """Two waves of a trust side by side, and who joined or left the core (largest component)."""
    organisation = _trust(trust_pk, request.user)
    waves = list(selectors.network_waves(organisation))
    results = {w.pk: selectors.stored_result(organisation, w) for w in waves}
    waves = [w for w in waves if results[w.pk] is not None]
    context: dict[str, Any] = {"trust": organisation, "waves": waves}
    if len(waves) >= 2:
        by_pk = {w.pk: w for w in waves}
        before = by_pk.get(_int(request.GET.get("before"))) or waves[-2]
        after = by_pk.get(_int(request.GET.get("after"))) or waves[-1]
        first, second = results[before.pk].result, results[after.pk].result
        core_a = {a["key"]: a for a in first["actors"] if a["core"]}
        core_b = {a["key"]: a for a in second["actors"] if a["core"]}
        keys = set(core_a) | set(core_b)
        names = selectors.identities_for(request.user, organisation, keys)
        # Roles and departments as each wave's map shows them (small groups merged).
        anonymise = not can(request.user, Action.VIEW_IDENTITIES, organisation)
        shown_a = {
            a["key"]: a for a in describe_actors(first["actors"], names, anonymise=anonymise)
        }
        shown_b = {
            a["key"]: a for a in describe_actors(second["actors"], names, anonymise=anonymise)
        }
        joined = [shown_b[k] for k in core_b.keys() - core_a.keys()]
        left = [shown_a[k] for k in core_a.keys() - core_b.keys()]
        context.update(
            before=before,
            after=after,
            rows=_summary_rows(first["summary"], second["summary"]),
            joined=_people_rows(joined, names),
            left=_people_rows(left, names),
            stale=[w for w in (before, after) if results[w.pk].stale],
        )
    return render(request, "networks/change.html", context)


@require_safe
def activity(request, trust_pk: int):
    """Network position (betweenness, degree, reach) of RPIW team members, value-stream leads
    and L4L graduates against everyone else, per wave, from the stored runs. People by name
    for those who may see names; for everyone else only the stored, suppressed aggregates."""
    organisation = _trust(trust_pk, request.user)
    can_identify = can(request.user, Action.VIEW_IDENTITIES, organisation)
    waves = list(selectors.network_waves(organisation))
    rows = []
    for wave in waves:
        stored = selectors.stored_result(organisation, wave)
        result = (stored.result or {}) if stored is not None else {}
        rows.append(
            {
                "wave": wave,
                "stored": stored,
                "activity": result.get("activity"),
                "groups": activity_rows(result.get("activity")),
            }
        )
    chosen = next((r for r in rows if r["wave"].pk == _int(request.GET.get("wave"))), None)
    chosen = chosen or next((r for r in reversed(rows) if r["activity"]), None)
    people = None
    if can_identify and chosen is not None and chosen["stored"] is not None:
        people = selectors.activity_people(organisation, chosen["wave"], chosen["stored"].result)
    return render(
        request,
        "networks/activity.html",
        {
            "trust": organisation,
            "waves": rows,
            "tables": [
                {
                    "label": label,
                    "rows": [
                        {
                            "wave": row["wave"],
                            "stored": row["stored"],
                            "rerun": row["stored"] is not None and not row["activity"],
                            "entry": row["groups"].get(key),
                        }
                        for row in rows
                    ],
                }
                for key, label in _group_labels(rows)
            ],
            "chosen": chosen,
            "people": people,
            "can_identify": can_identify,
            "can_change": can(request.user, Action.CHANGE, organisation),
            "min_count": MIN_COUNT,
        },
    )


def activity_rows(activity: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """A stored comparison by group key: each measure's cells, formatted for the page."""
    if not activity:
        return {}
    groups = {}
    for group in activity.get("groups", []):
        cells: dict[str, dict[str, str] | None] = {}
        for c in group["comparisons"]:
            if c["suppressed"]:
                cells[c["measure"]] = None
                continue
            fmt = "{:.0f}" if c["measure"] == "degree" else "{:.3f}"
            cells[c["measure"]] = {
                "group": fmt.format(c["median_group"]),
                "others": fmt.format(c["median_others"]),
                "p": _p_value(c["p_value"]),
                "r": f"{c['rank_biserial']:+.2f}",
            }
        first = group["comparisons"][0] if group["comparisons"] else {}
        groups[group["key"]] = {
            "label": group["label"],
            "cells": [cells.get(m) for m in MEASURES],
            "n_group": first.get("n_group"),
            "n_others": first.get("n_others"),
            "suppressed": bool(first.get("suppressed", True)),
        }
    return groups


def _p_value(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _group_labels(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for row in rows:
        for key, group in row["groups"].items():
            seen.setdefault(key, group["label"])
    return list(seen.items())


@require_safe
def matches(request, trust_pk: int):
    """Suggested matches of named collaborators to the trust's people, for a KPO to decide."""
    organisation = _trust(trust_pk, request.user)
    require(request.user, Action.CHANGE, organisation)
    require(request.user, Action.VIEW_IDENTITIES, organisation)
    return render(
        request,
        "networks/matches.html",
        {
            "trust": organisation,
            "suggestions": selectors.match_suggestions(organisation),
            "decided": selectors.decided_matches(organisation)[:50],
        },
    )


def _decide_match(request, trust_pk: int, *, confirmed: bool):
    organisation = _trust(trust_pk, request.user)
    require(request.user, Action.CHANGE, organisation)
    require(request.user, Action.VIEW_IDENTITIES, organisation)
    form = ActorMatchForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, "That match is not one of this trust's collaborators and people.")
        return redirect("networks:matches", trust_pk=organisation.pk)
    collaborator, person = form.cleaned_data["collaborator"], form.cleaned_data["person"]
    try:
        services.decide_actor_match(
            collaborator=collaborator, person=person, confirmed=confirmed, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        verdict = "is" if confirmed else "is not"
        messages.success(
            request,
            f"Recorded: the {collaborator.full_name} named in the survey {verdict} "
            f"{person.full_name} ({person.job_title or 'no job title'}). "
            "The networks they were named in are being recomputed.",
        )
    return redirect("networks:matches", trust_pk=organisation.pk)


@require_POST
def match_confirm(request, trust_pk: int):
    """Confirm that a named collaborator is a person on the trust's records."""
    return _decide_match(request, trust_pk, confirmed=True)


@require_POST
def match_reject(request, trust_pk: int):
    """Reject a suggested (or earlier confirmed) match."""
    return _decide_match(request, trust_pk, confirmed=False)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _people_rows(actors: list[dict], names: dict[str, str]) -> list[dict]:
    rows = [
        {
            **a,
            "label": actor_label(a, names),
            "role": a["role_shown"],
            "department": a["department_shown"],
        }
        for a in actors
    ]
    return sorted(rows, key=lambda a: (not a["respondent"], a["department"] or "", a["label"]))


def merge_people(request, trust_pk: int):
    """Merge two records of one named person (two spellings); the networks recompute."""
    organisation = _trust(trust_pk, request.user)
    require(request.user, Action.CHANGE, organisation)
    require(request.user, Action.VIEW_IDENTITIES, organisation)
    people = selectors.people_for_merge(organisation)
    form = MergeForm(
        request.POST or None, people=people, search=search_url(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            merge = services.merge_people(
                form.cleaned_data["keep"], form.cleaned_data["duplicate"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Merged {merge.duplicate_name} into {merge.kept.full_name}: "
                f"{merge.nominations_moved} nominations moved, {merge.nominations_combined} "
                "combined. The networks are being recomputed.",
            )
            return redirect("networks:merge", trust_pk=organisation.pk)
    return render(
        request,
        "networks/merge.html",
        {"trust": organisation, "form": form, "merges": organisation_merges(organisation)},
    )


def organisation_merges(organisation: Organisation):
    from .models import PersonMerge

    return PersonMerge.objects.filter(organisation=organisation).select_related(
        "kept", "merged_by"
    )[:20]


def import_nominations(request, trust_pk: int, wave_pk: int):
    """Upload an edge list into a trust's wave; the shared pipeline previews, then commits."""
    organisation = _trust(trust_pk, request.user)
    require(request.user, Action.CHANGE, organisation)
    wave = get_object_or_404(selectors.survey_waves(), pk=wave_pk)
    spec = import_pipeline.get_spec(NominationImport.name)
    form = NominationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        import_pipeline.refuse_too_large(request, form)  # the upload handler stopped the file
    if request.method == "POST" and form.is_valid():
        batch = import_pipeline.store_upload(
            spec, form.cleaned_data["file"], request.user, organisation=organisation, wave=wave.pk
        )
        import_pipeline.start_check(request, batch)  # a job; the batch page follows it
        return redirect("import-batch", pk=batch.pk)
    return render(
        request,
        "networks/import.html",
        {"trust": organisation, "wave": wave, "form": form, "spec": spec},
    )


# --- Collection: the name-generator answer, reached by the invitation's unique link -----------


def _invitation(token: str) -> Invitation:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        raise Http404("This survey link is not valid.")
    return invitation


def _initial(invitation: Invitation) -> list[dict]:
    nominations = Nomination.objects.filter(
        wave=invitation.wave, respondent=invitation.person
    ).select_related("alter")
    return [
        {
            "name": n.alter.full_name,
            "person_id": n.alter_id,
            "interactions": n.interactions,
            "role": n.role,
            "department": n.department,
        }
        for n in nominations
    ]


def _survey_url(invitation: Invitation) -> str | None:
    """Training's survey page for this invitation, when training provides one."""
    for name in ("training:take",):
        try:
            return reverse(name, kwargs={"token": invitation.token})
        except NoReverseMatch:
            continue
    return None


@login_not_required
def answer(request, token: str):
    """The name generator: name 2 to 5 (at most 10) people you talk to about improvement."""
    invitation = _invitation(token)
    wave = invitation.wave
    closed = timezone.localdate() > wave.closes_on
    low, high = services.name_limits(wave)
    formset = NameGeneratorFormSet(request.POST or None, initial=_initial(invitation))
    overall: list[str] = []
    if request.method == "POST" and not closed and formset.is_valid():
        entries = [form.entry() for form in formset.forms]
        try:
            services.save_name_generator_answer(invitation, entries)
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                if key == "__all__":
                    overall += problems
                else:
                    formset.forms[int(key)].add_error("name", problems)
        else:
            return redirect("networks:answer-saved", token=token)
    return render(
        request,
        "networks/answer.html",
        {
            "invitation": invitation,
            "wave": wave,
            "formset": formset,
            "overall_errors": overall,
            "closed": closed,
            "low": low,
            "high": high,
            "survey_url": _survey_url(invitation),
        },
    )


@login_not_required
def answer_saved(request, token: str):
    invitation = _invitation(token)
    count = Nomination.objects.filter(wave=invitation.wave, respondent=invitation.person).count()
    return render(
        request,
        "networks/answer_saved.html",
        {"invitation": invitation, "count": count, "survey_url": _survey_url(invitation)},
    )


@login_not_required
@require_GET
def answer_people(request, token: str):
    """Search-as-you-type: people of the respondent's trust whose name matches (at most 10)."""
    invitation = _invitation(token)
    people = selectors.search_people(
        invitation.person.organisation, request.GET.get("q", ""), exclude=invitation.person_id
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": p["id"],
                    "name": p["full_name"],
                    "job_title": p["job_title"],
                    "department": p["department"],
                }
                for p in people
            ]
        }
    )
