"""The audit trail page (/audit/): every audited model's history, newest first, per reader.

The rows live in one historical table per model (``vmi_programme.audit``); the page reads them
as one ``UNION ALL`` of (history id, date, kind) narrowed by the filters and by the access
policy (``Action.VIEW_AUDIT`` on the row's ``history_owner_id``), paginated in the
database. Only the page's rows are then loaded: per kind on the page, one query for the rows
(with their previous version's id and whether the record still exists) and one for the
previous versions of changed rows. So a page costs the same number of queries at any size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .access import Action, relations, restrict
from .audit import HistoricalAudit, Source

PAGE_SIZE = 25
CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


@cache
def audited_models() -> tuple[Any, ...]:
    """The historical models of every audited model, in a fixed order (their index is the kind)."""
    found = [model for model in apps.get_models() if issubclass(model, HistoricalAudit)]
    return tuple(sorted(found, key=lambda h: h.instance_type._meta.label_lower))


def kind_key(historical: Any) -> str:
    return historical.instance_type._meta.label_lower


def kind_label(historical: Any) -> str:
    meta = historical.instance_type._meta
    return f"{apps.get_app_config(meta.app_label).verbose_name}: {meta.verbose_name}"


def can_view_audit(user: Any) -> bool:
    return bool(relations(user, Action.VIEW_AUDIT))


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Record", required=False)
    user = forms.CharField(label="Changed by (username)", required=False, max_length=150)
    source = forms.ChoiceField(
        label="Where from", required=False, choices=[("", "Anywhere"), *Source.choices]
    )
    since = forms.DateField(
        label="On or after", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="On or before", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "All records")] + sorted(
            ((kind_key(h), kind_label(h)) for h in audited_models()), key=lambda c: c[1]
        )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filters(data: dict) -> Q | None:
    """The filters as a condition on a historical table; None when they match nothing."""
    condition = Q()
    if data.get("source"):
        condition &= Q(history_source=data["source"])
    # Whole days in the site's time zone, as a range on the indexed column.
    if data.get("since"):
        condition &= Q(history_date__gte=_start_of(data["since"]))
    if data.get("until"):
        condition &= Q(history_date__lt=_start_of(data["until"] + dt.timedelta(days=1)))
    if data.get("user"):
        user_id = (
            get_user_model()
            .objects.filter(username=data["user"])
            .values_list("pk", flat=True)
            .first()
        )
        if user_id is None:
            return None
        condition &= Q(history_user_id=user_id)
    return condition


def trail(user: Any, data: dict) -> Any:
    """The reader's (history id, date, kind) rows matching the filters, newest first."""
    models = audited_models()
    condition = _filters(data)
    kinds = [i for i, h in enumerate(models) if not data.get("kind") or kind_key(h) == data["kind"]]
    parts = [
        restrict(
            models[i].objects.filter(condition if condition is not None else Q(pk__in=[])),
            user,
            Action.VIEW_AUDIT,
            via="history_owner",
            null_is_partnership=True,
        )
        .order_by()  # the historical models' own ordering is not allowed inside a UNION
        .annotate(audit_kind=Value(i, output_field=IntegerField()))
        .values_list("history_id", "history_date", "audit_kind")
        for i in kinds
    ]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id")


@dataclass
class Entry:
    when: dt.datetime
    change_type: str
    kind: str
    object_repr: str
    source: str
    user_id: int | None
    ip_address: str | None
    url: str = ""
    who: str = ""
    changes: list[dict] = field(default_factory=list)

    @property
    def change_label(self) -> str:
        return CHANGE_TYPES.get(self.change_type, self.change_type)


def _link(historical: Any, row: Any, user: Any) -> str:
    model = historical.instance_type
    if hasattr(model, "get_absolute_url"):
        try:
            # Built from the historical row's own columns (no query for the live record).
            return row.instance.get_absolute_url()
        except (NoReverseMatch, AttributeError):
            return ""
    if user.is_staff and admin.site.is_registered(model):
        meta = model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.instance.pk])
    return ""


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def entries(rows: list[tuple[int, dt.datetime, int]], user: Any) -> list[Entry]:
    """The page's entries: per kind on the page, its rows and their previous versions."""
    models = audited_models()
    wanted: dict[int, list[int]] = defaultdict(list)
    for history_id, _, kind in rows:
        wanted[kind].append(history_id)
    loaded: dict[tuple[int, int], Entry] = {}
    for kind, ids in wanted.items():
        historical = models[kind]
        pk = historical.instance_type._meta.pk.attname
        earlier = (
            historical.objects.filter(**{pk: OuterRef(pk)})
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        live = historical.instance_type._base_manager.filter(pk=OuterRef(pk))
        found = list(
            historical.objects.filter(history_id__in=ids).annotate(
                previous_id=Subquery(earlier), exists_now=Exists(live)
            )
        )
        previous_ids = [r.previous_id for r in found if r.history_type == "~" and r.previous_id]
        previous = (
            {p.history_id: p for p in historical.objects.filter(history_id__in=previous_ids)}
            if previous_ids
            else {}
        )
        meta = historical.instance_type._meta
        for row in found:
            entry = Entry(
                when=row.history_date,
                change_type=row.history_type,
                kind=str(meta.verbose_name).capitalize(),
                object_repr=row.history_object_repr or f"{meta.verbose_name} {getattr(row, pk)}",
                source=Source(row.history_source).label,
                user_id=row.history_user_id,
                ip_address=row.history_ip_address,
                url=_link(historical, row, user) if row.exists_now else "",
            )
            before = previous.get(row.previous_id)
            if before is not None:
                for change in row.diff_against(before).changes:
                    entry.changes.append(
                        {
                            "field": str(meta.get_field(change.field).verbose_name),
                            "old": _short(change.old),
                            "new": _short(change.new),
                        }
                    )
            loaded[(kind, row.history_id)] = entry
    user_ids = {e.user_id for e in loaded.values() if e.user_id}
    names = {
        u.pk: u.get_full_name() or u.get_username()
        for u in get_user_model().objects.filter(pk__in=user_ids)
    }
    result = []
    for history_id, _, kind in rows:
        shown = loaded.get((kind, history_id))
        if shown is not None:
            shown.who = names.get(shown.user_id, "") if shown.user_id else ""
            result.append(shown)
    return result


@require_GET
def audit_trail(request):
    """Who created, changed or deleted what, when and from where, for the records one may audit."""
    if not can_view_audit(request.user):
        raise PermissionDenied("You may not read the audit trail.")
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(trail(request.user, data), PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "entries": entries(list(page.object_list), request.user),
            "query": urlencode(query),
        },
    )
