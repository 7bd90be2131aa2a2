"""REST API for training: programmes, modules, cohorts, enrolments, assessments, surveys."""

from django.utils import timezone
from rest_framework import serializers

from vmi_programme.access import Action, restrict
from vmi_programme.api_base import ScopedModelViewSet, ScopedReadOnlyViewSet

from . import selectors
from .models import (
    Answer,
    Assessment,
    Cohort,
    Enrolment,
    Invitation,
    Module,
    Programme,
    Question,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)


class CleanedModelSerializer(serializers.ModelSerializer):
    """Runs the model's full_clean so the API refuses what the pages refuse.

    Its ValidationError (a field's or the whole record's) becomes a 400 in the one exception
    handler (``vmi_programme.errors``).
    """

    def create(self, validated_data):
        many = {
            k: validated_data.pop(k)
            for k in list(validated_data)
            if isinstance(validated_data[k], list)
        }
        instance = self.Meta.model(**validated_data)
        instance.full_clean()
        instance.save()
        for key, value in many.items():
            getattr(instance, key).set(value)
        return instance

    def update(self, instance, validated_data):
        many = {
            k: validated_data.pop(k)
            for k in list(validated_data)
            if isinstance(validated_data[k], list)
        }
        for key, value in validated_data.items():
            setattr(instance, key, value)
        instance.full_clean()
        instance.save()
        for key, value in many.items():
            getattr(instance, key).set(value)
        return instance


class ModuleSerializer(CleanedModelSerializer):
    class Meta:
        model = Module
        fields = ["id", "programme", "number", "title", "theme", "topics", "assessment_brief"]


class ProgrammeSerializer(CleanedModelSerializer):
    modules = ModuleSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "organisation",
            "code",
            "name",
            "description",
            "assessment_method",
            "typical_duration",
            "order",
            "modules",
        ]


class CohortSerializer(CleanedModelSerializer):
    size_warning = serializers.SerializerMethodField()

    class Meta:
        model = Cohort
        fields = [
            "id",
            "programme",
            "organisation",
            "name",
            "starts_on",
            "planned_end_on",
            "facilitators",
            "notes",
            "size_warning",
        ]

    def get_size_warning(self, cohort) -> str:
        return Cohort.size_warning(cohort.enrolments.count())


class EnrolmentSerializer(CleanedModelSerializer):
    status = serializers.SerializerMethodField(help_text="Derived from module assessments, today.")

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "person",
            "cohort",
            "enrolled_on",
            "withdrawn_on",
            "withdrawal_reason",
            "status",
        ]

    def get_status(self, enrolment) -> str | None:
        # A list page computes every row's status at once (EnrolmentViewSet.paginate_queryset).
        statuses = self.context.get("enrolment_statuses")
        if statuses is not None and enrolment.pk in statuses:
            return statuses[enrolment.pk]
        return enrolment_statuses([enrolment]).get(enrolment.pk)


def enrolment_statuses(enrolments) -> dict[int, str | None]:
    """Today's status of each enrolment, from one ``programme_records`` call (three queries)."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    records = selectors.programme_records(
        person_ids={e.person_id for e in enrolments},
        programme_ids={e.cohort.programme_id for e in enrolments},
    )
    today = timezone.localdate()
    statuses: dict[int, str | None] = {e.pk: None for e in enrolments}
    for record in records:
        for span in record.spans:
            if span.enrolment_id in statuses:
                statuses[span.enrolment_id] = record.enrolment_status_on(span, today)
    return statuses


class AssessmentSerializer(CleanedModelSerializer):
    class Meta:
        model = Assessment
        fields = [
            "id",
            "enrolment",
            "module",
            "submitted_on",
            "result",
            "assessed_on",
            "assessed_by",
        ]


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "order", "code", "text", "kind", "required", "config", "headline"]


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = SurveySection
        fields = ["id", "order", "key", "title", "questions"]


class SurveySerializer(CleanedModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "organisation", "programme", "title", "description", "sections"]


class SurveyWaveSerializer(CleanedModelSerializer):
    class Meta:
        model = SurveyWave
        fields = ["id", "survey", "name", "opens_on", "closes_on"]


class InvitationSerializer(CleanedModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "wave", "person", "token", "sent_on", "opened_at"]
        read_only_fields = ["token", "opened_at"]


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["question", "likert", "text"]


class ResponseSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = ["id", "invitation", "started_at", "updated_at", "completed_at", "answers"]


class ProgrammeViewSet(ScopedModelViewSet):
    queryset = Programme.objects.prefetch_related("modules")
    serializer_class = ProgrammeSerializer
    null_is_partnership = True


class ModuleViewSet(ScopedModelViewSet):
    queryset = Module.objects.select_related("programme")
    serializer_class = ModuleSerializer
    scope_via = "programme__organisation"
    null_is_partnership = True


class CohortViewSet(ScopedModelViewSet):
    queryset = Cohort.objects.select_related("programme").prefetch_related("facilitators")
    serializer_class = CohortSerializer
    filterset_fields = ["programme", "organisation"]


class EnrolmentViewSet(ScopedModelViewSet):
    queryset = Enrolment.objects.select_related("cohort")
    serializer_class = EnrolmentSerializer
    scope_via = "cohort__organisation"
    filterset_fields = ["cohort", "person"]
    # By indexed columns (ADR 10), not the model's cohort date and person name across joins.
    ordering = ["cohort_id", "id"]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The page's statuses in three queries instead of three per row.
        self._statuses = enrolment_statuses(page if page is not None else queryset)
        return page

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "enrolment_statuses": getattr(self, "_statuses", None),
        }


class AssessmentViewSet(ScopedModelViewSet):
    queryset = Assessment.objects.select_related("enrolment__cohort", "module")
    serializer_class = AssessmentSerializer
    scope_via = "enrolment__cohort__organisation"
    filterset_fields = ["enrolment", "module", "result"]
    ordering = ["enrolment_id", "submitted_on", "id"]  # by indexed columns (ADR 10)
    ordering_fields = ["id", "submitted_on"]  # the index (submitted_on, id)


class SurveyViewSet(ScopedModelViewSet):
    queryset = Survey.objects.prefetch_related("sections__questions")
    serializer_class = SurveySerializer
    null_is_partnership = True


class SurveyWaveViewSet(ScopedModelViewSet):
    queryset = SurveyWave.objects.all()
    serializer_class = SurveyWaveSerializer
    scope_via = "survey__organisation"
    null_is_partnership = True


class _IdentityScoped:
    """Invitations and responses name respondents: only their own trust's KPO and analysts."""

    def get_queryset(self):
        return restrict(
            self.queryset.all(), self.request.user, Action.VIEW_IDENTITIES, via=self.scope_via
        )


class InvitationViewSet(_IdentityScoped, ScopedModelViewSet):
    queryset = Invitation.objects.select_related("person")
    serializer_class = InvitationSerializer
    scope_via = "person__organisation"
    filterset_fields = ["wave"]


class ResponseViewSet(_IdentityScoped, ScopedReadOnlyViewSet):
    queryset = Response.objects.select_related("invitation__person").prefetch_related("answers")
    serializer_class = ResponseSerializer
    scope_via = "invitation__person__organisation"
    filterset_fields = ["invitation__wave"]
