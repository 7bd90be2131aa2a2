"""Pages of the compact: the compact and its versions, fulfilment, TGB reflections, breaches."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance.selectors import meetings as governance_selectors
from vmi_programme.access import Action, can, require
from vmi_programme.form_page import FORM_METHODS
from vmi_programme.scope import Scope

from . import analysis, charts, rules, selectors, services
from .forms import (
    BreachForm,
    DiscussForm,
    PromiseFormSet,
    ReflectionForm,
    RenegotiateForm,
    RenegotiationForm,
    RepairForm,
)
from .models import Breach, BreachState, Compact, Heading, PartyType

PARTY_LABELS = dict(PartyType.choices)


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("takes_part", rules.can_take_part(request.user))
    compact = context.get("compact") or getattr(context.get("breach"), "compact", None)
    if compact is not None:
        # TGB meeting pages are for the board's members: link them only for those who may open
        # them (every meeting of a compact belongs to its board's series, so one check serves all).
        context.setdefault(
            "opens_meetings",
            can(request.user, Action.VIEW, Scope(None, members_of_series=compact.board_id)),
        )
    return render(request, template, context, status=status)


def _compact(request, pk: int) -> Compact:
    return get_object_or_404(selectors.compacts_for(request.user), pk=pk)


def _form_errors(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


def index(request):
    rules.require_read(request.user)
    compacts = list(selectors.compacts_for(request.user))
    if len(compacts) == 1:
        return redirect(compacts[0])
    return _render(request, "compact/index.html", {"compacts": compacts})


def detail(request, pk: int):
    """The compact in force, each promise with its recent fulfilment; the partnership summary."""
    rules.require_read(request.user)
    compact = _compact(request, pk)
    today = dt.date.today()
    takes_part = rules.can_take_part(request.user)
    version = selectors.version_for_display(compact, today)
    recent = selectors.recent_by_promise(compact, today) if takes_part else {}
    summary = selectors.partnership_summary(compact, today)
    chart = (
        charts.fulfilment_chart(
            summary["monthly"],
            {"all": "All promises"},
            description="Share of promise judgements at TGB reflections that were 'fulfilled', "
            "per month, across the partnership.",
        )
        if summary["monthly"]
        else None
    )
    return _render(
        request,
        "compact/detail.html",
        {
            "compact": compact,
            "version": version,
            "rows": selectors.grouped_promises(list(version.promises.all()), recent)
            if version
            else [],
            "takes_part": takes_part,
            "recent_months": selectors.RECENT_MONTHS,
            "summary": summary,
            "chart": chart,
        },
    )


def versions(request, pk: int):
    rules.require_read(request.user)
    compact = _compact(request, pk)
    return _render(
        request,
        "compact/versions.html",
        {"compact": compact, "versions": selectors.versions_of(compact)},
    )


def version(request, pk: int, number: int):
    rules.require_read(request.user)
    compact = _compact(request, pk)
    try:
        shown = selectors.version_by_number(compact, number)
    except compact.versions.model.DoesNotExist:
        raise Http404("No such version.") from None
    return _render(
        request,
        "compact/version.html",
        {
            "compact": compact,
            "version": shown,
            "rows": selectors.grouped_promises(list(shown.promises.all())),
        },
    )


def diff(request, pk: int):
    """Per promise: added, removed or reworded (word by word) between two versions."""
    rules.require_read(request.user)
    compact = _compact(request, pk)
    all_versions = list(selectors.versions_of(compact))
    try:
        old_number = int(request.GET.get("from") or max(1, len(all_versions) - 1))
        new_number = int(request.GET.get("to") or len(all_versions))
        old = selectors.version_by_number(compact, old_number)
        new = selectors.version_by_number(compact, new_number)
    except (ValueError, compact.versions.model.DoesNotExist):
        raise Http404("Choose two versions of this compact.") from None
    changes = analysis.diff_promises(services.promise_texts(old), services.promise_texts(new))
    return _render(
        request,
        "compact/diff.html",
        {
            "compact": compact,
            "versions": all_versions,
            "old": old,
            "new": new,
            "vision": analysis.word_diff(old.shared_vision, new.shared_vision),
            "changes": [
                {"diff": c, "party": PARTY_LABELS[c.party], "heading": Heading(c.heading).label}
                for c in changes
                if c.status != "same"
            ],
            "unchanged": sum(1 for c in changes if c.status == "same"),
        },
    )


@FORM_METHODS
def renegotiate(request, pk: int):
    """A new version of the compact, promise by promise; then the differences it made."""
    rules.require_take_part(request.user)
    compact = _compact(request, pk)
    latest = compact.versions.order_by("-number").first()
    promises = (
        sorted(latest.promises.all(), key=lambda p: (p.party, p.heading, p.order)) if latest else []
    )
    data = request.POST if request.method == "POST" else None
    form = RenegotiationForm(
        data,
        meetings=selectors.agreement_meetings(compact),
        initial={"shared_vision": latest.shared_vision if latest else ""},
    )
    rows = PromiseFormSet(
        data,
        prefix="promises",
        initial=[
            {"key": p.key, "party": p.party, "heading": p.heading, "text": p.text} for p in promises
        ],
    )
    if data is not None and form.is_valid() and rows.is_valid():
        try:
            version = services.renegotiate(
                compact, promises=rows.promises(), created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request, f"Version {version.number} is agreed; here is what it changed."
            )
            previous = version.number - 1
            return redirect(
                f"{reverse('compact:diff', args=[compact.pk])}?from={previous}&to={version.number}"
            )
    return _render(
        request,
        "compact/renegotiate.html",
        {"compact": compact, "latest": latest, "form": form, "rows": rows},
        status=400 if data is not None else 200,
    )


def fulfilment(request, pk: int):
    """Fulfilment over time per party and per promise, and reflection participation."""
    rules.require_take_part(request.user)
    compact = _compact(request, pk)
    today = dt.date.today()
    version = selectors.version_for_display(compact, today)
    promises = sorted(version.promises.all(), key=lambda p: (p.party, p.heading, p.order))
    chosen = request.GET.get("promise") or (promises[0].key if promises else "")
    records = selectors.rating_records(compact)
    by_party = analysis.monthly_fulfilment(records, by="party")
    by_promise = [
        p for p in analysis.monthly_fulfilment(records, by="promise") if p.group == chosen
    ]
    chosen_promise = next((p for p in promises if p.key == chosen), None)
    meetings = list(selectors.participation(compact))
    return _render(
        request,
        "compact/fulfilment.html",
        {
            "compact": compact,
            "promises": promises,
            "chosen": chosen_promise,
            "party_chart": charts.fulfilment_chart(
                by_party,
                PARTY_LABELS,
                description="Share of judgements 'fulfilled' per month, for the regulator's "
                "and the hospitals' promises.",
            )
            if by_party
            else None,
            "promise_chart": charts.fulfilment_chart(
                by_promise,
                {chosen: "This promise"},
                description="Share of judgements 'fulfilled' per month for the chosen promise.",
            )
            if by_promise
            else None,
            "promise_points": list(reversed(by_promise)),
            "party_points": sorted(by_party, key=lambda p: (p.month, p.group), reverse=True)[:24],
            "party_labels": PARTY_LABELS,
            "participation_chart": charts.participation_chart(
                meetings,
                description="Members present and members who reflected on the compact, per TGB.",
            )
            if meetings
            else None,
            "meetings": meetings,
        },
    )


def breaches(request, pk: int):
    rules.require_take_part(request.user)
    compact = _compact(request, pk)
    rows = list(selectors.breaches_of(compact))
    return _render(
        request,
        "compact/breaches.html",
        {
            "compact": compact,
            "breaches": rows,
            "timeline": charts.breach_timeline(
                rows,
                dt.date.today(),
                description="Each breach from when it happened and was called out at the TGB to "
                "its repair or renegotiation; colour shows its state.",
            )
            if rows
            else None,
        },
    )


def meeting(request, meeting_pk: int):
    """A TGB meeting: its agenda with the compact appended, and the members' reflections."""
    rules.require_read(request.user)
    try:
        shown = selectors.tgb_meeting(meeting_pk)
    except ObjectDoesNotExist:  # the meeting (a governance model) does not exist
        raise Http404("No such meeting.") from None
    require(request.user, Action.VIEW, shown)  # a TGB meeting's agenda is for its members
    compact = get_object_or_404(selectors.compacts_for(request.user), board_id=shown.series_id)
    version = services.version_in_force(compact, shown.date)
    takes_part = rules.can_take_part(request.user)
    person = rules.person_of(request.user)
    reflections = list(shown.reflections.all())
    already = person is not None and any(r.person_id == person.pk for r in reflections)
    may_reflect = (
        version is not None and takes_part and not already and rules.was_present(person, shown)
    )
    promises = list(version.promises.all()) if version else []
    form = None
    if may_reflect:
        form = ReflectionForm(request.POST or None, promises=promises)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_reflection(
                    shown, person, form.ratings(), form.cleaned_data["learned"]
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Your reflection is recorded.")
                return redirect("compact:meeting", meeting_pk=shown.pk)
    elif request.method == "POST":
        rules.require_reflect(request.user, shown)  # explains why not (403)
        messages.error(request, "You have already reflected on this meeting.")
        return redirect("compact:meeting", meeting_pk=shown.pk)
    return _render(
        request,
        "compact/meeting.html",
        {
            "compact": compact,
            "meeting": shown,
            "version": version,
            "rows": selectors.grouped_promises(promises),
            "agenda": list(shown.agenda_items.all()),
            "takes_part": takes_part,
            "reflections": reflections if takes_part else [],
            "reflection_count": len(reflections),
            "already": already,
            "form": form,
            "breaches": list(shown.breaches_raised.all()) if takes_part else [],
        },
    )


def meetings(request, pk: int):
    rules.require_read(request.user)
    compact = _compact(request, pk)
    return _render(
        request,
        "compact/meetings.html",
        {"compact": compact, "meetings": selectors.participation(compact)},
    )


def breach_new(request, meeting_pk: int):
    """Call out a breach at the TGB meeting where it is raised."""
    rules.require_take_part(request.user)
    try:
        shown = governance_selectors.meeting_with_series(meeting_pk)
    except ObjectDoesNotExist:
        raise Http404("No such meeting.") from None
    compact = get_object_or_404(selectors.compacts_for(request.user), board_id=shown.series_id)
    version = services.version_in_force(compact, shown.date)
    if version is None:
        raise Http404("No compact version was in force at this meeting.")
    person = rules.require_person(request.user)
    form = BreachForm(
        request.POST or None, version=version, organisations=compact.partnership.members.all()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            breach = services.call_out_breach(
                shown,
                person,
                promises=data["promises"],
                party=data["party"],
                what_happened=data["what_happened"],
                occurred_on=data["occurred_on"],
                organisation=data["organisation"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The breach is called out; discuss it at the TGB.")
            return redirect(breach)
    return _render(
        request, "compact/breach_form.html", {"compact": compact, "meeting": shown, "form": form}
    )


def breach(request, pk: int):
    rules.require_take_part(request.user)
    try:
        shown = selectors.breach_detail(pk)
    except Breach.DoesNotExist:
        raise Http404("No such breach.") from None
    return _render(request, "compact/breach.html", _breach_context(shown))


def _breach_context(shown: Breach, **forms) -> dict:
    compact = shown.compact
    meetings = _discussion_meetings(shown)
    versions = compact.versions.filter(number__gt=shown.version.number).order_by("number")
    context = {"breach": shown, "compact": compact, "next_states": shown.next_states()}
    if BreachState.DISCUSSED in shown.next_states():
        context["discuss_form"] = forms.get("discuss") or DiscussForm(
            meetings=meetings,
            initial={"meeting": meetings.last()},  # the latest held
        )
    if BreachState.REPAIRED in shown.next_states():
        context["repair_form"] = forms.get("repair") or RepairForm(
            initial={"repaired_on": dt.date.today()}
        )
    if BreachState.RENEGOTIATED in shown.next_states():
        context["renegotiate_form"] = forms.get("renegotiate") or RenegotiateForm(versions=versions)
    return context


def _discussion_meetings(shown: Breach):
    """The TGB meetings a breach may have been discussed at: held since it was raised, not
    future ones (as a metric change or a renegotiation is agreed at a meeting that took place)."""
    return governance_selectors.series_meetings(
        shown.compact.board_id, since=shown.raised_at.date, until=dt.date.today()
    )


def _moving_breach(request, pk: int):
    """The breach to move on and the person moving it (someone who takes part in the TGB)."""
    rules.require_take_part(request.user)
    try:
        shown = selectors.breach_detail(pk)
    except Breach.DoesNotExist:
        raise Http404("No such breach.") from None
    return shown, rules.require_person(request.user)


def _moved_or_refused(request, shown: Breach, form, name: str, move):
    """Call ``move(cleaned_data)`` (a service) and go back to the breach, or show the breach page
    again with the form, its errors and the service's (400)."""
    if form.is_valid():
        try:
            move(form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"The breach is now {shown.get_state_display().lower()}.")
            return redirect(shown)
    context = _breach_context(selectors.breach_detail(shown.pk), **{name: form})
    context["errors"] = [error for errors in form.errors.values() for error in errors]
    return _render(request, "compact/breach.html", context, status=400)


@require_POST
def breach_discuss(request, pk: int):
    """Record the TGB's discussion of a breach: what happened, why, what could be done better."""
    shown, person = _moving_breach(request, pk)
    form = DiscussForm(request.POST, meetings=_discussion_meetings(shown))
    return _moved_or_refused(
        request,
        shown,
        form,
        "discuss",
        lambda data: services.discuss_breach(
            shown,
            data["meeting"],
            person,
            what_happened=data["what_happened"],
            why=data["why"],
            do_better=data["do_better"],
        ),
    )


@require_POST
def breach_repair(request, pk: int):
    """Close a discussed breach as repaired."""
    shown, person = _moving_breach(request, pk)
    return _moved_or_refused(
        request,
        shown,
        RepairForm(request.POST),
        "repair",
        lambda data: services.repair_breach(
            shown, person, repaired_on=data["repaired_on"], resolution=data["resolution"]
        ),
    )


@require_POST
def breach_renegotiate(request, pk: int):
    """Close a discussed breach by linking the compact version that renegotiated the promise."""
    shown, person = _moving_breach(request, pk)
    return _moved_or_refused(
        request,
        shown,
        RenegotiateForm(request.POST, versions=shown.compact.versions.all()),
        "renegotiate",
        lambda data: services.renegotiate_breach(
            shown, data["version"], person, resolution=data["resolution"]
        ),
    )
