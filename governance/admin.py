"""Admin pages for the CI infrastructure: meetings, priorities, daily work, trust context.

Imported from the AppConfig's ready() (admin autodiscovery only loads admin.py).
"""

from django.contrib import admin

from governance.models import (
    AgendaItem,
    Attendance,
    CeoTenure,
    CqcRating,
    CulturalWork,
    Decision,
    Meeting,
    MeetingAction,
    MeetingSeries,
    Membership,
    NationalPriority,
    SpecialMeasuresPeriod,
    StandardWorkDocument,
    StandardWorkVersion,
    StrategicObjective,
    Team,
)
from vmi_programme.admin_base import ScopedAdmin, TabularInline


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ScopedAdmin):
    null_is_partnership = True
    list_display = ["name", "kind", "organisation", "frequency"]
    list_filter = ["kind"]
    inlines = [MembershipInline]


class AgendaItemInline(TabularInline):
    model = AgendaItem
    extra = 0


class AttendanceInline(TabularInline):
    model = Attendance
    extra = 0
    fk_name = "meeting"


class DecisionInline(TabularInline):
    model = Decision
    extra = 0


class MeetingActionInline(TabularInline):
    model = MeetingAction
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    scope_via = "series__organisation"
    null_is_partnership = True
    list_display = ["series", "date", "status"]
    list_filter = ["series__kind", "status"]
    list_select_related = ["series__organisation"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline, AttendanceInline, DecisionInline, MeetingActionInline]


@admin.register(NationalPriority)
class NationalPriorityAdmin(ScopedAdmin):
    scope_via = None
    list_display = ["title", "code", "set_by", "active_from", "active_until"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(ScopedAdmin):
    list_display = ["title", "organisation", "active_from", "active_until"]
    list_filter = ["organisation"]
    filter_horizontal = ["national_priorities"]


class StandardWorkVersionInline(TabularInline):
    model = StandardWorkVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "title", "steps", "reason", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # new versions are written through the standard work page or API


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "kind", "lead"]
    list_filter = ["organisation", "kind"]


@admin.register(StandardWorkDocument)
class StandardWorkDocumentAdmin(ScopedAdmin):
    list_display = ["__str__", "organisation", "owner", "current_version", "emergency_response"]
    list_filter = ["organisation", "emergency_response"]
    readonly_fields = ["current_version"]
    inlines = [StandardWorkVersionInline]


@admin.register(CqcRating)
class CqcRatingAdmin(ScopedAdmin):
    list_display = ["organisation", "rating", "published_on"]
    list_filter = ["organisation", "rating"]


@admin.register(CeoTenure)
class CeoTenureAdmin(ScopedAdmin):
    list_display = ["organisation", "person", "is_interim", "started_on", "ended_on"]
    list_filter = ["organisation"]


@admin.register(SpecialMeasuresPeriod)
class SpecialMeasuresPeriodAdmin(ScopedAdmin):
    list_display = ["organisation", "started_on", "ended_on"]


@admin.register(CulturalWork)
class CulturalWorkAdmin(ScopedAdmin):
    list_display = ["organisation", "preceded_programme", "name"]
