"""Admin pages for training records, through the access policy."""

from django.contrib import admin

from vmi_programme.admin_base import ScopedAdmin, TabularInline

from .models import Cohort, Enrolment, Module, Programme, Survey, SurveyWave


class ModuleInline(TabularInline):
    model = Module
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    null_is_partnership = True
    list_display = ["code", "name", "organisation", "assessment_method"]
    inlines = [ModuleInline]


@admin.register(Cohort)
class CohortAdmin(ScopedAdmin):
    list_display = ["name", "programme", "organisation", "starts_on"]
    list_filter = ["programme", "organisation"]
    filter_horizontal = ["facilitators"]


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin):
    scope_via = "cohort__organisation"
    list_display = ["person", "cohort", "enrolled_on", "withdrawn_on"]
    raw_id_fields = ["person", "cohort"]


@admin.register(Survey)
class SurveyAdmin(ScopedAdmin):
    null_is_partnership = True
    list_display = ["title", "organisation", "programme"]


@admin.register(SurveyWave)
class SurveyWaveAdmin(ScopedAdmin):
    scope_via = "survey__organisation"
    null_is_partnership = True
    list_display = ["survey", "name", "opens_on", "closes_on"]
