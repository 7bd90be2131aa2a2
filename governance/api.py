"""REST API for the CI infrastructure: meetings, daily work, trust context and priorities.

Every write goes through the same model validation and services as the pages; every resource
through the access policy (``ScopedModelViewSet``). Registered on the core router by ``register``.
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.models import (
    AgendaItem,
    Attendance,
    BoardMeasure,
    BoardValue,
    CeoTenure,
    CqcRating,
    CulturalWork,
    Decision,
    Huddle,
    Meeting,
    MeetingAction,
    MeetingSeries,
    Membership,
    NationalPriority,
    ProductionBoard,
    SpecialMeasuresPeriod,
    StandardWorkDocument,
    StandardWorkVersion,
    StrategicObjective,
    Team,
)
from governance.selectors import context as context_selectors
from governance.services import daily_work
from governance.services import meetings as meeting_services
from vmi_programme import deletes
from vmi_programme.api_base import ScopedModelViewSet, ScopedReadOnlyViewSet


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs the model's own validation (``full_clean``), so the API refuses what the pages do."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        plain = {k: v for k, v in attrs.items() if not isinstance(v, list)}
        model = self.Meta.model
        if self.instance is not None:
            candidate = model.objects.get(pk=self.instance.pk)
            for name, value in plain.items():
                setattr(candidate, name, value)
        else:
            candidate = model(**plain)
        candidate.full_clean(validate_unique=True)  # DRF turns its ValidationError into a 400
        return attrs


def _serializer(model_, fields_, read_only=(), base=CleanModelSerializer):
    meta = type("Meta", (), {"model": model_, "fields": fields_, "read_only_fields": read_only})
    return type(f"{model_.__name__}Serializer", (base,), {"Meta": meta})


class ServiceCreateMixin:
    """Create through a service, then check the user may change what was created (rolled back
    otherwise)."""

    def create_with(self, data):  # pragma: no cover - each viewset defines it
        raise NotImplementedError

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.instance = self.create_with(dict(serializer.validated_data))
            self._require_change(serializer.instance)


MeetingSeriesSerializer = _serializer(
    MeetingSeries, ["id", "kind", "organisation", "name", "frequency", "usual_duration_minutes"]
)
MembershipSerializer = _serializer(
    Membership, ["id", "series", "person", "role", "started_on", "ended_on"]
)
AgendaItemSerializer = _serializer(
    AgendaItem,
    ["id", "meeting", "order", "title", "presenter", "duration_minutes", "notes", "is_locked"],
    read_only=["order", "is_locked"],
)
AttendanceSerializer = _serializer(Attendance, ["id", "meeting", "person", "status", "deputy"])
DecisionSerializer = _serializer(Decision, ["id", "meeting", "agenda_item", "text"])
MeetingActionSerializer = _serializer(
    MeetingAction,
    ["id", "meeting", "agenda_item", "description", "owner", "due_on", "status", "completed_on"],
)


class MeetingSerializer(CleanModelSerializer):
    kind = serializers.CharField(source="series.kind", read_only=True)
    organisation = serializers.IntegerField(source="series.organisation_id", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "series",
            "kind",
            "organisation",
            "date",
            "start_time",
            "end_time",
            "location",
            "status",
            "minutes",
        ]


class MeetingSeriesViewSet(ScopedReadOnlyViewSet):
    """Standing meetings: the partnership's TGB and KPO leads' meeting, and each trust's TGT."""

    queryset = MeetingSeries.objects.select_related("organisation")
    serializer_class = MeetingSeriesSerializer
    null_is_partnership = True
    filterset_fields = ["kind", "organisation"]


class MembershipViewSet(ScopedModelViewSet):
    queryset = Membership.objects.select_related("series", "person")
    serializer_class = MembershipSerializer
    scope_via = "series__organisation"
    null_is_partnership = True
    filterset_fields = ["series", "person"]


class MeetingViewSet(ServiceCreateMixin, ScopedModelViewSet):
    """Meetings; creating one fires ``meeting_created`` (other apps add agenda items)."""

    queryset = Meeting.objects.select_related("series")
    serializer_class = MeetingSerializer
    scope_via = "series__organisation"
    null_is_partnership = True
    filterset_fields = ["series", "series__kind", "status", "date"]

    def create_with(self, data):
        self._require_change(data["series"])
        return meeting_services.create_meeting(
            data.pop("series"), created_by=self.request.user, **data
        )


class AgendaItemViewSet(ServiceCreateMixin, ScopedModelViewSet):
    """Agenda items; new items go before any locked closing items, locked ones can't be removed."""

    queryset = AgendaItem.objects.select_related("meeting__series")
    serializer_class = AgendaItemSerializer
    scope_via = "meeting__series__organisation"
    null_is_partnership = True
    filterset_fields = ["meeting"]

    def create_with(self, data):
        self._require_change(data["meeting"])
        return meeting_services.add_agenda_item(data.pop("meeting"), **data)

    def perform_destroy(self, instance):
        deletes.check_delete(self.request.user, instance)  # ADR 9: only what is the user's
        meeting_services.remove_agenda_item(instance)


class AttendanceViewSet(ScopedModelViewSet):
    queryset = Attendance.objects.select_related("meeting__series", "person")
    serializer_class = AttendanceSerializer
    scope_via = "meeting__series__organisation"
    null_is_partnership = True
    filterset_fields = ["meeting", "person", "status"]


class DecisionViewSet(ScopedModelViewSet):
    queryset = Decision.objects.select_related("meeting__series")
    serializer_class = DecisionSerializer
    scope_via = "meeting__series__organisation"
    null_is_partnership = True
    filterset_fields = ["meeting"]


class MeetingActionViewSet(ScopedModelViewSet):
    queryset = MeetingAction.objects.select_related("meeting__series", "owner")
    serializer_class = MeetingActionSerializer
    scope_via = "meeting__series__organisation"
    null_is_partnership = True
    filterset_fields = ["meeting", "owner", "status"]


TeamSerializer = _serializer(Team, ["id", "organisation", "name", "kind", "lead"])
HuddleSerializer = _serializer(
    Huddle,
    [
        "id",
        "team",
        "date",
        "attendance_count",
        "issues_raised",
        "escalations",
        "improvement_ideas",
        "notes",
    ],
)
ProductionBoardSerializer = _serializer(ProductionBoard, ["id", "team", "title"])
BoardMeasureSerializer = _serializer(
    BoardMeasure, ["id", "board", "name", "unit", "target", "direction"]
)
BoardValueSerializer = _serializer(BoardValue, ["id", "measure", "recorded_on", "value"])
StandardWorkVersionSerializer = _serializer(
    StandardWorkVersion,
    ["id", "document", "number", "title", "steps", "reason", "changed_by", "changed_at"],
    read_only=["id", "document", "number", "title", "steps", "reason", "changed_by", "changed_at"],
    base=serializers.ModelSerializer,
)


class RevisionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    steps = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    reason = serializers.CharField()


class StandardWorkDocumentSerializer(serializers.ModelSerializer):
    """A document with its current content; ``title``/``steps``/``reason`` write version 1."""

    title = serializers.CharField(write_only=True, max_length=200)
    steps = serializers.ListField(child=serializers.CharField(), write_only=True)
    reason = serializers.CharField(write_only=True, required=False, default="First version.")
    current = StandardWorkVersionSerializer(source="latest_version", read_only=True)

    class Meta:
        model = StandardWorkDocument
        fields = [
            "id",
            "organisation",
            "team",
            "owner",
            "emergency_response",
            "current_version",
            "current",
            "title",
            "steps",
            "reason",
        ]
        read_only_fields = ["current_version"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("title", "steps", "reason"):  # content changes only by a new version
                fields.pop(name)
        return fields


class TeamViewSet(ScopedModelViewSet):
    queryset = Team.objects.select_related("organisation", "lead")
    serializer_class = TeamSerializer
    filterset_fields = ["organisation", "kind"]


class HuddleViewSet(ScopedModelViewSet):
    queryset = Huddle.objects.select_related("team")
    serializer_class = HuddleSerializer
    scope_via = "team__organisation"
    filterset_fields = ["team", "date"]


class ProductionBoardViewSet(ScopedModelViewSet):
    queryset = ProductionBoard.objects.select_related("team")
    serializer_class = ProductionBoardSerializer
    scope_via = "team__organisation"
    filterset_fields = ["team"]


class BoardMeasureViewSet(ScopedModelViewSet):
    queryset = BoardMeasure.objects.select_related("board__team")
    serializer_class = BoardMeasureSerializer
    scope_via = "board__team__organisation"
    filterset_fields = ["board"]


class BoardValueViewSet(ScopedModelViewSet):
    queryset = BoardValue.objects.select_related("measure__board__team")
    serializer_class = BoardValueSerializer
    scope_via = "measure__board__team__organisation"
    filterset_fields = ["measure"]


class StandardWorkDocumentViewSet(ServiceCreateMixin, ScopedModelViewSet):
    """Standard work. Content changes only by POSTing a new version to ``revise``; earlier
    versions stay readable at ``standard-work-versions``."""

    queryset = StandardWorkDocument.objects.select_related("organisation", "owner")
    serializer_class = StandardWorkDocumentSerializer
    filterset_fields = ["organisation", "team", "emergency_response"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_with(self, data):
        return daily_work.create_standard_work(changed_by=self.request.user, **data)

    @action(detail=True, methods=["post"], serializer_class=RevisionSerializer)
    def revise(self, request, pk=None):
        document = self.get_object()
        self._require_change(document)
        serializer = RevisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = daily_work.revise_standard_work(
            document, changed_by=request.user, **serializer.validated_data
        )
        return Response(StandardWorkVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class StandardWorkVersionViewSet(ScopedReadOnlyViewSet):
    queryset = StandardWorkVersion.objects.select_related("document")
    serializer_class = StandardWorkVersionSerializer
    scope_via = "document__organisation"
    filterset_fields = ["document", "number"]


CqcRatingSerializer = _serializer(CqcRating, ["id", "organisation", "rating", "published_on"])
CeoTenureSerializer = _serializer(
    CeoTenure, ["id", "organisation", "person", "is_interim", "started_on", "ended_on"]
)
SpecialMeasuresSerializer = _serializer(
    SpecialMeasuresPeriod, ["id", "organisation", "started_on", "ended_on"]
)
CulturalWorkSerializer = _serializer(
    CulturalWork, ["id", "organisation", "preceded_programme", "name", "description"]
)
NationalPrioritySerializer = _serializer(
    NationalPriority,
    ["id", "code", "title", "description", "set_by", "active_from", "active_until"],
)
StrategicObjectiveSerializer = _serializer(
    StrategicObjective,
    [
        "id",
        "organisation",
        "title",
        "description",
        "national_priorities",
        "active_from",
        "active_until",
    ],
)


def _org_viewset(model_, serializer_, filters=("organisation",)):
    return type(
        f"{model_.__name__}ViewSet",
        (ScopedModelViewSet,),
        {
            "queryset": model_.objects.select_related("organisation"),
            "serializer_class": serializer_,
            "filterset_fields": list(filters),
        },
    )


class NationalPriorityViewSet(ScopedModelViewSet):
    queryset = NationalPriority.objects.all()
    serializer_class = NationalPrioritySerializer
    scope_via = None


class StrategicObjectiveViewSet(ScopedModelViewSet):
    queryset = StrategicObjective.objects.select_related("organisation").prefetch_related(
        "national_priorities"
    )
    serializer_class = StrategicObjectiveSerializer
    filterset_fields = ["organisation", "national_priorities"]


class Table41RowSerializer(serializers.Serializer):
    trust = serializers.CharField()
    cqc_pre = serializers.CharField()
    cqc_during = serializers.CharField()
    cqc_latest = serializers.CharField()
    ceo = serializers.CharField()
    cultural_work = serializers.CharField()
    ceo_changes_during_programme = serializers.IntegerField()


class Table41View(APIView):
    """Table 4.1 for all partner trusts, computed from the context records."""

    @extend_schema(responses=Table41RowSerializer(many=True))
    def get(self, request):
        rows = context_selectors.table_4_1()
        return Response(
            [
                {
                    "trust": row.organisation.short_name,
                    "cqc_pre": row.cqc_pre,
                    "cqc_during": row.cqc_during,
                    "cqc_latest": row.cqc_latest,
                    "ceo": row.ceo,
                    "cultural_work": row.cultural_work,
                    "ceo_changes_during_programme": row.ceo_changes_during,
                }
                for row in rows
            ]
        )


def register(router) -> None:
    router.register("meeting-series", MeetingSeriesViewSet)
    router.register("memberships", MembershipViewSet)
    router.register("meetings", MeetingViewSet)
    router.register("agenda-items", AgendaItemViewSet)
    router.register("attendances", AttendanceViewSet)
    router.register("decisions", DecisionViewSet)
    router.register("meeting-actions", MeetingActionViewSet)
    router.register("teams", TeamViewSet)
    router.register("huddles", HuddleViewSet)
    router.register("production-boards", ProductionBoardViewSet)
    router.register("board-measures", BoardMeasureViewSet)
    router.register("board-values", BoardValueViewSet)
    router.register("standard-work", StandardWorkDocumentViewSet)
    router.register("standard-work-versions", StandardWorkVersionViewSet)
    router.register(
        "cqc-ratings", _org_viewset(CqcRating, CqcRatingSerializer, ("organisation", "rating"))
    )
    router.register("ceo-tenures", _org_viewset(CeoTenure, CeoTenureSerializer))
    router.register(
        "special-measures", _org_viewset(SpecialMeasuresPeriod, SpecialMeasuresSerializer)
    )
    router.register("cultural-work", _org_viewset(CulturalWork, CulturalWorkSerializer))
    router.register("national-priorities", NationalPriorityViewSet)
    router.register("strategic-objectives", StrategicObjectiveViewSet)
