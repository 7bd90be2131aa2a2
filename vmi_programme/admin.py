"""Admin pages for the core tables, all through the access policy."""

from django.contrib import admin

from .admin_base import ScopedAdmin, TabularInline
from .models import Job, Organisation, Partnership, Person, RoleAssignment


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    scope_via = ""
    list_display = ["short_name", "name", "kind", "ods_code", "headcount", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "short_name", "ods_code"]


@admin.register(Partnership)
class PartnershipAdmin(ScopedAdmin):
    scope_via = None
    list_display = ["short_name", "name", "started_on"]
    filter_horizontal = ["members"]


class RoleAssignmentInline(TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["full_name", "organisation", "job_title", "professional_group", "user"]
    list_filter = ["organisation", "professional_group"]
    search_fields = ["full_name", "job_title", "email"]
    list_select_related = ["organisation", "user"]
    inlines = [RoleAssignmentInline]


@admin.register(Job)
class JobAdmin(ScopedAdmin):
    null_is_partnership = True
    list_display = ["pk", "kind", "organisation", "status", "progress", "stale", "created_at"]
    list_filter = ["status", "kind", "stale"]
    readonly_fields = ["started_at", "finished_at", "attempts"]
