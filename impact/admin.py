"""Admin pages of the impact app (for administrators)."""

from django.contrib import admin

from vmi_programme.admin_base import IdPickers, TabularInline

from .models import Measure, OrganisationCharacteristic, PeerGroup, PeerGroupMember, SeriesValue


@admin.register(Measure)
class MeasureAdmin(IdPickers, admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "computation", "valid_from", "valid_to"]
    search_fields = ["code", "name"]


@admin.register(SeriesValue)
class SeriesValueAdmin(IdPickers, admin.ModelAdmin):
    list_display = ["measure", "organisation", "period", "value", "numerator", "denominator"]
    list_filter = ["measure"]
    list_select_related = ["measure", "organisation"]
    search_fields = ["organisation__ods_code", "organisation__short_name"]
    raw_id_fields = ["organisation"]


@admin.register(OrganisationCharacteristic)
class OrganisationCharacteristicAdmin(IdPickers, admin.ModelAdmin):
    list_display = ["organisation", "name", "value", "as_of"]
    list_filter = ["name"]
    raw_id_fields = ["organisation"]


class PeerGroupMemberInline(TabularInline):
    model = PeerGroupMember
    raw_id_fields = ["peer"]
    extra = 0


@admin.register(PeerGroup)
class PeerGroupAdmin(IdPickers, admin.ModelAdmin):
    list_display = ["trust", "method", "created_at", "created_by"]
    inlines = [PeerGroupMemberInline]
