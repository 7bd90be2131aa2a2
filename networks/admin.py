"""Admin pages of the networks app (for administrators)."""

from django.contrib import admin

from vmi_programme.admin_base import ScopedAdmin

from .models import Collaborator, Nomination, PersonMerge


@admin.register(Nomination)
class NominationAdmin(ScopedAdmin):
    list_display = ["wave", "organisation", "respondent", "alter", "source"]
    list_filter = ["organisation", "wave", "source"]
    raw_id_fields = ["response", "respondent", "alter"]


@admin.register(Collaborator)
class CollaboratorAdmin(ScopedAdmin):
    list_display = ["person", "organisation", "source", "merged_into"]
    raw_id_fields = ["person", "merged_into"]


@admin.register(PersonMerge)
class PersonMergeAdmin(ScopedAdmin):
    list_display = ["duplicate_name", "kept", "merged_at", "merged_by"]
    raw_id_fields = ["kept", "duplicate"]
