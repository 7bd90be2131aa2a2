"""The admin's side of the access policy: a ModelAdmin base that asks vmi_programme.access."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from . import deletes
from .access import Action, can, relations, restrict
from .errors import DeleteRefused

#: Reference tables small enough at national size (a few hundred rows at most) for the admin to
#: offer as a select. Every other table grows with the data (people, meetings, agenda items,
#: RPIWs: thousands to 100,000 rows), so the admin picks its rows by id with a lookup instead:
#: a select of every person on each inline row made a meeting's page 1.5 MB and 15 s in the demo.
LISTED_IN_SELECTS = frozenset(
    {
        "auth.group",
        "auth.permission",
        "contenttypes.contenttype",
        "vmi_programme.organisation",
        "vmi_programme.partnership",
        "training.programme",
        "training.module",
        "training.survey",
        "training.surveysection",
        "training.surveywave",
        "impact.measure",
        "impact.peergroup",
        "compact.compact",
        "compact.promise",
        "governance.nationalpriority",
        "governance.meetingseries",
    }
)


class IdPickers:
    """Admin forms pick rows of large tables by id (Django's raw-id widget with its lookup),
    whatever the admin class lists in ``raw_id_fields``; ``autocomplete_fields`` still win."""

    def _picks_by_id(self, db_field, request, kwargs) -> bool:
        return (
            "widget" not in kwargs
            and db_field.name not in self.get_autocomplete_fields(request)  # type: ignore[attr-defined]
            and db_field.related_model._meta.label_lower not in LISTED_IN_SELECTS
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self._picks_by_id(db_field, request, kwargs):
            kwargs["widget"] = widgets.ForeignKeyRawIdWidget(
                db_field.remote_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if (
            self._picks_by_id(db_field, request, kwargs)
            and db_field.remote_field.through._meta.auto_created
        ):
            kwargs["widget"] = widgets.ManyToManyRawIdWidget(
                db_field.remote_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class TabularInline(IdPickers, admin.TabularInline):
    """The project's inline: large tables picked by id (``IdPickers``)."""


class ScopedAdmin(IdPickers, admin.ModelAdmin):
    """Admin pages list and change only what the policy allows the signed-in user, and pick
    rows of large tables by id (``IdPickers``)."""

    scope_via: str | None = "organisation"
    null_is_partnership = False

    def get_queryset(self, request):
        return restrict(
            super().get_queryset(request),
            request.user,
            Action.VIEW,
            via=self.scope_via,
            null_is_partnership=self.null_is_partnership,
        )

    def has_module_permission(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and bool(relations(request.user, Action.VIEW))
        )

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return can(request.user, Action.VIEW, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if not request.user.is_staff:
            return False
        if obj is None:
            return bool(relations(request.user, Action.CHANGE))
        return can(request.user, Action.CHANGE, obj)

    def has_add_permission(self, request) -> bool:
        return request.user.is_staff and bool(relations(request.user, Action.CHANGE))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not can(request.user, Action.CHANGE, obj):
            raise PermissionDenied("You may not change data of this organisation.")
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """The confirmation page: a delete that would reach rows of others (ADR 9) lists only
        why, counted by kind, as something the user lacks permission for (so it cannot go on)."""
        for obj in objs:
            try:
                deletes.check_delete(request.user, obj)
            except DeleteRefused as exc:
                return [], {}, {exc.blocked.message}, []
            except PermissionDenied:
                return [], {}, {f"this {obj._meta.verbose_name}"}, []
            except (ProtectedError, RestrictedError):
                break  # Django's own page lists what protects it
        return super().get_deleted_objects(objs, request)

    def delete_model(self, request, obj):
        deletes.delete(request.user, obj)  # administrators' deletes are recorded in history

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                deletes.delete(request.user, obj)

    def save_formset(self, request, form, formset, change):
        # An inline row ticked "delete" is a delete too: refused (the 409 page) like any other.
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                deletes.check_delete(request.user, inline_form.instance)
        super().save_formset(request, form, formset, change)
