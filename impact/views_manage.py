"""Impact pages that keep its reference data: measures (added, changed), organisation
characteristics (listed a page at a time, added, changed) and a trust's peer groups (their
history a page at a time, the peers changed by hand). Who may do it is the access policy's:
measures and peer trusts' data are partnership-level, a partner trust's are its own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from vmi_programme.access import Action, can_run_analysis, require
from vmi_programme.form_page import FORM_METHODS, form_page, posted
from vmi_programme.models import Organisation, OrganisationKind
from vmi_programme.scope import Scope

from . import selectors, services
from .forms import CharacteristicForm, MeasureForm, PeerMembersForm
from .models import Measure, OrganisationCharacteristic, PeerGroupMember
from .views import _partner_trusts, _trust_to_choose_peers_for

CHARACTERISTICS_PAGE_SIZE = 50
PEER_GROUPS_PAGE_SIZE = 10

# --------------------------------------------------------------------------- measures


@FORM_METHODS
def measure_create(request):
    require(request.user, Action.CHANGE, Scope.partnership())  # measures are partnership-level
    form = MeasureForm(posted(request))
    return form_page(
        request,
        form,
        lambda data: services.create_measure(data=data),
        heading="Add a measure",
        back_url=reverse("impact:measure-list"),
        success="Measure added. Import its monthly values from the series page.",
        next_url=lambda measure: reverse("impact:measure-detail", args=[measure.code]),
        submit_label="Add measure",
    )


@FORM_METHODS
def measure_edit(request, code: str):
    measure = get_object_or_404(Measure, code=code)
    require(request.user, Action.CHANGE, measure)
    form = MeasureForm(posted(request), instance=measure)
    return form_page(
        request,
        form,
        lambda data: services.update_measure(measure=measure, data=data),
        heading=f"Change {measure.name}",
        caption=f"Measure {measure.code}",
        back_url=reverse("impact:measure-detail", args=[measure.code]),
        success="Measure changed.",
    )


# --------------------------------------------------------------------------- characteristics


def _changeable_organisations(user):
    """Organisations whose characteristics the user may record: their own partner trust, and
    every peer trust for someone who may change partnership-level data."""
    organisations = Organisation.objects.filter(
        kind__in=[OrganisationKind.PARTNER_TRUST, OrganisationKind.PEER_TRUST]
    ).order_by("kind", "short_name")
    allowed = [o.pk for o in organisations if services.can_change_series(user, o)]
    return organisations.filter(pk__in=allowed)


@require_safe
def characteristic_list(request):
    """Characteristics of the organisations the user may see, newest first, a page at a time;
    filtered by organisation (short name or ODS code) and characteristic name."""
    filters = {
        "organisation": request.GET.get("organisation", "").strip(),
        "name": request.GET.get("name", "").strip(),
    }
    rows = OrganisationCharacteristic.objects.filter(
        organisation__in=selectors.visible_series_organisations(request.user)
    ).select_related("organisation")
    if filters["organisation"]:
        text = filters["organisation"]
        rows = rows.filter(organisation__short_name__iexact=text) | rows.filter(
            organisation__ods_code__iexact=text
        )
    if filters["name"]:
        rows = rows.filter(name__icontains=filters["name"])
    page = Paginator(
        rows.order_by("organisation__short_name", "name", "-as_of", "pk"),
        CHARACTERISTICS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "impact/characteristic_list.html",
        {
            "page": page,
            "rows": [
                {"item": c, "may_change": services.can_change_series(request.user, c.organisation)}
                for c in page.object_list
            ],
            "filters": filters,
            "may_create": _changeable_organisations(request.user).exists(),
        },
    )


@FORM_METHODS
def characteristic_create(request):
    organisations = _changeable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied("You may not record organisation characteristics.")
    form = CharacteristicForm(posted(request), organisations=organisations)
    return form_page(
        request,
        form,
        lambda data: services.create_characteristic(
            organisation=data.pop("organisation"), data=dict(data)
        ),
        heading="Add an organisation characteristic",
        back_url=reverse("impact:characteristic-list"),
        success="Characteristic added.",
        submit_label="Add characteristic",
    )


@FORM_METHODS
def characteristic_edit(request, pk: int):
    characteristic = get_object_or_404(
        OrganisationCharacteristic.objects.select_related("organisation"), pk=pk
    )
    require(request.user, Action.CHANGE, characteristic)
    form = CharacteristicForm(posted(request), instance=characteristic)
    return form_page(
        request,
        form,
        lambda data: services.update_characteristic(characteristic=characteristic, data=data),
        heading=f"Change {characteristic.name}",
        caption=characteristic.organisation.short_name,
        back_url=reverse("impact:characteristic-list"),
        success="Characteristic changed.",
    )


# --------------------------------------------------------------------------- peer groups


@require_safe
def peer_group_history(request, ods_code: str):
    """Every peer group recorded for a trust, newest (the current one) first, with members."""
    trust = get_object_or_404(_partner_trusts(request.user), ods_code=ods_code)
    groups = trust.peer_groups.select_related("created_by").prefetch_related(
        Prefetch("members", queryset=PeerGroupMember.objects.select_related("peer"))
    )
    page = Paginator(groups.order_by("-created_at", "-pk"), PEER_GROUPS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "impact/peer_group_history.html",
        {"trust": trust, "page": page, "may_change": can_run_analysis(request.user, trust)},
    )


@FORM_METHODS
def peer_group_members(request, ods_code: str):
    """Change a trust's peers by hand: the current peers in rank order to start from; saving
    records a new group (the earlier ones are kept, and runs that used them still say so)."""
    trust = _trust_to_choose_peers_for(request, ods_code)
    current = selectors.current_peer_group(trust)
    members = current.members.all() if current else []
    codes = [m.peer.ods_code for m in members if m.peer.ods_code]
    form = PeerMembersForm(posted(request), initial={"peers": "\n".join(codes)})

    def save(data):
        try:
            return services.set_manual_peers(
                trust, data["peers"], user=request.user, notes=data["notes"]
            )
        except ValidationError as exc:
            # The service's reasons are about the list of peers: said on that field.
            raise ValidationError({"peers": exc.messages}) from exc

    return form_page(
        request,
        form,
        save,
        heading=f"Change the peers of {trust.short_name}",
        caption="Peer group",
        back_url=reverse("impact:peer-group-detail", args=[trust.ods_code]),
        success="Peers changed: a new peer group is recorded.",
        next_url=lambda group: reverse("impact:peer-history", args=[trust.ods_code]),
        submit_label="Record these peers",
    )
