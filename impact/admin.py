"""Admin pages of the impact app (for administrators)."""

from django.contrib import admin

from .models import Measure, OrganisationCharacteristic, PeerGroup, PeerGroupMember, SeriesValue


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "computation", "valid_from", "valid_to"]
    search_fields = ["code", "name"]


@admin.register(SeriesValue)
class SeriesValueAdmin(admin.ModelAdmin):
    list_display = ["measure", "organisation", "period", "value", "numerator", "denominator"]
    list_filter = ["measure"]
    list_select_related = ["measure", "organisation"]
    search_fields = ["organisation__ods_code", "organisation__short_name"]
    raw_id_fields = ["organisation"]


@admin.register(OrganisationCharacteristic)
class OrganisationCharacteristicAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "value", "as_of"]
    list_filter = ["name"]
    raw_id_fields = ["organisation"]


class PeerGroupMemberInline(admin.TabularInline):
    model = PeerGroupMember
    raw_id_fields = ["peer"]
    extra = 0


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["trust", "method", "created_at", "created_by"]
    inlines = [PeerGroupMemberInline]
