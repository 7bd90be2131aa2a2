"""API of the rpiw app: value streams, metrics and change requests, RPIWs, measures, tables.

Writes go through ``rpiw.services`` (so the API keeps the same rules as the pages); a service's
ValidationError becomes a 400 naming the field in the one exception handler
(``vmi_programme.errors``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.models import Meeting
from vmi_programme.access import Action, can, can_view_partnership, require
from vmi_programme.api_base import ScopedModelViewSet, ScopedReadOnlyViewSet
from vmi_programme.models import Person

from . import selectors, services
from .models import (
    Measure,
    Measurement,
    MetricChangeRequest,
    MetricValue,
    MetricVersion,
    Notification,
    PlanningTask,
    Point,
    Rpiw,
    RpiwStatus,
    RpiwStatusChange,
    TeamMember,
    ValueStream,
    ValueStreamMetric,
)


class ServiceWrites:
    """Create and update through a service function (``create_with`` / ``update_with``)."""

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.check_parent_change(data)
        serializer.instance = self.create_with(data)

    def perform_update(self, serializer):
        require(self.request.user, Action.CHANGE, serializer.instance)
        data = dict(serializer.validated_data)
        serializer.instance = self.update_with(serializer.instance, data)

    def update_with(self, instance, data):
        """The default update of a child row: its parent stays, the model validates itself."""
        data.pop(self.parent_field, None)
        for name, value in data.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        return instance

    def check_parent_change(self, data):  # the parent must be changeable by the user
        parent = data.get(self.parent_field)
        if parent is None or not can(self.request.user, Action.CHANGE, parent):
            raise PermissionDenied("You may not change data of this organisation.")


# --- Value streams and metrics --------------------------------------------------------------


class ValueStreamSerializer(serializers.ModelSerializer):
    has_golden_thread = serializers.BooleanField(read_only=True)

    class Meta:
        model = ValueStream
        fields = [
            "id",
            "organisation",
            "name",
            "scope",
            "scope_start",
            "scope_end",
            "patient_group",
            "executive_sponsor",
            "lead",
            "facilitator",
            "started_on",
            "status",
            "selection",
            "selection_rationale",
            "objectives",
            "has_golden_thread",
        ]


class ValueStreamViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = ValueStream.objects.select_related("organisation").prefetch_related("objectives")
    serializer_class = ValueStreamSerializer
    filterset_fields = ["organisation", "status", "selection"]
    search_fields = ["name"]
    parent_field = "organisation"

    def create_with(self, data):
        return services.save_value_stream(**data)

    def update_with(self, instance, data):
        data.pop("organisation", None)
        return services.save_value_stream(instance, **data)


class MetricVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricVersion
        fields = [
            "number",
            "name",
            "definition",
            "unit",
            "direction",
            "target",
            "effective_from",
            "change_request",
        ]


class MetricSerializer(serializers.ModelSerializer):
    versions = MetricVersionSerializer(many=True, read_only=True)

    class Meta:
        model = ValueStreamMetric
        fields = [
            "id",
            "value_stream",
            "category",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline",
            "target",
            "data_source",
            "frequency",
            "version",
            "versions",
        ]
        read_only_fields = ["version"]


class MetricViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = ValueStreamMetric.objects.select_related("value_stream").prefetch_related("versions")
    serializer_class = MetricSerializer
    scope_via = "value_stream__organisation"
    filterset_fields = ["value_stream", "category"]
    parent_field = "value_stream"

    def create_with(self, data):
        return services.add_metric(data.pop("value_stream"), **data)

    def update_with(self, instance, data):
        data.pop("value_stream", None)
        return services.update_metric_details(instance, **data)


class MetricValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricValue
        fields = ["id", "metric", "period_end", "value", "note"]


class MetricValueViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = MetricValue.objects.all()
    serializer_class = MetricValueSerializer
    scope_via = "metric__value_stream__organisation"
    filterset_fields = ["metric"]
    parent_field = "metric"

    def create_with(self, data):
        return services.record_metric_value(**data)

    def update_with(self, instance, data):
        # A PATCH may leave out any field: what it leaves out keeps its current value.
        return services.record_metric_value(
            instance.metric,
            data.get("period_end", instance.period_end),
            data.get("value", instance.value),
            note=data.get("note", instance.note),
            replace=True,  # an update of this value, which is what a PUT or PATCH asks for
        )


class ChangeRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricChangeRequest
        fields = [
            "id",
            "metric",
            "proposed_by",
            "proposed_on",
            "rationale",
            "new_name",
            "new_definition",
            "new_unit",
            "new_direction",
            "new_target",
            "status",
            "meeting",
            "decided_by",
            "decided_on",
            "decision_note",
        ]
        read_only_fields = [
            "proposed_by",
            "proposed_on",
            "status",
            "meeting",
            "decided_by",
            "decided_on",
            "decision_note",
        ]


class ChangeDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeRequestViewSet(
    ServiceWrites,
    mixins.CreateModelMixin,
    ScopedReadOnlyViewSet,
):
    """Propose a change (POST); an executive decides it at a TGT (POST .../decide/)."""

    queryset = MetricChangeRequest.objects.select_related("metric", "proposed_by")
    serializer_class = ChangeRequestSerializer
    scope_via = "metric__value_stream__organisation"
    filterset_fields = ["metric", "status"]
    parent_field = "metric"

    def create_with(self, data):
        person = Person.objects.filter(user=self.request.user).first()
        if person is None:
            raise DjangoValidationError("Your account has no staff record.")
        return services.propose_metric_change(data.pop("metric"), proposed_by=person, **data)

    @action(detail=True, methods=["post"], serializer_class=ChangeDecisionSerializer)
    def decide(self, request, pk=None):
        change = self.get_object()
        if not can(request.user, Action.APPROVE, change):
            raise PermissionDenied("Only an executive of this trust may decide metric changes.")
        decision = ChangeDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        change = services.decide_metric_change(
            change,
            user=request.user,
            approve=decision.validated_data["approve"],
            meeting=decision.validated_data["meeting"],
            note=decision.validated_data["note"],
        )
        return Response(ChangeRequestSerializer(change).data)


# --- RPIWs ----------------------------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamMember
        fields = ["id", "rpiw", "role", "name", "person", "note"]


class PlanningTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanningTask
        fields = ["id", "rpiw", "step", "title", "due_on", "done_on", "order"]


class MeasurementSerializer(serializers.ModelSerializer):
    due_on = serializers.SerializerMethodField()
    # Only a defect-ratio measure with an output has a ratio.
    ratio = serializers.DecimalField(
        max_digits=10, decimal_places=6, read_only=True, allow_null=True
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "measure",
            "point",
            "value",
            "defects",
            "output",
            "ratio",
            "measured_on",
            "due_on",
            "note",
        ]

    def get_due_on(self, obj) -> dt.date | None:
        return obj.measure.rpiw.due_on(obj.point) if obj.point else None


class MeasureSerializer(serializers.ModelSerializer):
    measurements = MeasurementSerializer(many=True, read_only=True)
    is_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "rpiw",
            "order",
            "kind",
            "name",
            "unit",
            "direction",
            "is_complete",
            "measurements",
        ]
        read_only_fields = ["order"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RpiwStatusChange
        fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]


class RpiwSerializer(serializers.ModelSerializer):
    team = TeamMemberSerializer(many=True, read_only=True)
    planning_tasks = PlanningTaskSerializer(many=True, read_only=True)
    status_changes = StatusChangeSerializer(many=True, read_only=True)
    due_dates = serializers.SerializerMethodField()
    workshop_end = serializers.DateField(required=False)

    class Meta:
        model = Rpiw
        fields = [
            "id",
            "reference",
            "value_stream",
            "title",
            "process_start",
            "process_end",
            "problem_statement",
            "target_statement",
            "facilitator",
            "workshop_start",
            "workshop_end",
            "workshop_length_reason",
            "follow_up_120",
            "status",
            "status_reason",
            "patient_rep_exception",
            "due_dates",
            "team",
            "planning_tasks",
            "status_changes",
        ]
        read_only_fields = ["reference", "status", "status_reason"]

    def get_due_dates(self, obj) -> dict[str, dt.date]:
        return {str(day): due for day, due in obj.due_dates()}


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RpiwStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RpiwViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = Rpiw.objects.select_related("value_stream").prefetch_related(
        "team", "planning_tasks", "status_changes"
    )
    serializer_class = RpiwSerializer
    scope_via = "value_stream__organisation"
    filterset_fields = ["value_stream", "status", "facilitator"]
    search_fields = ["reference", "title"]
    # Only orderings an index yields rows in (ADR 10): not the team (a join) nor the text columns.
    ordering_fields = ["id", "reference", "workshop_start"]
    parent_field = "value_stream"

    def create_with(self, data):
        return services.create_rpiw(data.pop("value_stream"), user=self.request.user, **data)

    def update_with(self, instance, data):
        data.pop(self.parent_field, None)  # an RPIW stays in its value stream
        return services.update_rpiw(instance, **data)

    @action(detail=True, methods=["post"], serializer_class=StatusSerializer)
    def status(self, request, pk=None):
        rpiw = self.get_object()
        require(request.user, Action.CHANGE, rpiw)
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rpiw = services.change_status(
            rpiw,
            body.validated_data["status"],
            user=request.user,
            reason=body.validated_data["reason"],
        )
        return Response(RpiwSerializer(rpiw).data)


class TeamMemberViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = TeamMember.objects.all()
    serializer_class = TeamMemberSerializer
    scope_via = "rpiw__value_stream__organisation"
    filterset_fields = ["rpiw", "role"]
    parent_field = "rpiw"

    def create_with(self, data):
        return services.add_team_member(data.pop("rpiw"), **data)


class PlanningTaskViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = PlanningTask.objects.all()
    serializer_class = PlanningTaskSerializer
    scope_via = "rpiw__value_stream__organisation"
    filterset_fields = ["rpiw"]
    parent_field = "rpiw"

    def create_with(self, data):
        task = PlanningTask(**data)
        task.full_clean()
        task.save()
        return task


class MeasureViewSet(ServiceWrites, ScopedModelViewSet):
    queryset = Measure.objects.select_related("rpiw").prefetch_related("measurements")
    serializer_class = MeasureSerializer
    scope_via = "rpiw__value_stream__organisation"
    filterset_fields = ["rpiw", "kind"]
    # By indexed columns (ADR 10): the model's ordering goes through the RPIW's and would sort
    # every measure in the country for each page.
    ordering = ["rpiw_id", "order"]
    # Not by name, kind or unit (no index; filter by RPIW instead), nor by the measurements.
    ordering_fields = ["id"]
    parent_field = "rpiw"

    def create_with(self, data):
        return services.add_measure(data.pop("rpiw"), **data)


class MeasurementViewSet(ServiceWrites, ScopedModelViewSet):
    """Record a baseline (point 0) or follow-up; posting an existing point corrects it."""

    queryset = Measurement.objects.select_related("measure__rpiw")
    serializer_class = MeasurementSerializer
    scope_via = "measure__rpiw__value_stream__organisation"
    filterset_fields = ["measure", "point"]
    ordering = ["measure_id", "point"]  # the (measure, point) unique index (ADR 10)
    ordering_fields = ["id", "measured_on"]  # the index (measured_on, id)
    parent_field = "measure"

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if hasattr(serializer, "validators"):
            serializer.validators = []  # (measure, point) upserts through the service
        return serializer

    def create_with(self, data):
        return services.record_measurement(
            data.pop("measure"), data.pop("point"), user=self.request.user, **data
        )

    def update_with(self, instance, data):
        data.pop("measure", None)
        point = data.pop("point", instance.point)
        current = {
            "value": instance.value,
            "defects": instance.defects,
            "output": instance.output,
            "measured_on": instance.measured_on,
            "note": instance.note,
        }
        return services.record_measurement(
            instance.measure, point, user=self.request.user, **{**current, **data}
        )


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "text", "link", "created_at", "read_at"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's own notifications; POST .../read_all/ marks them read."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset is per user

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def read_all(self, request):
        return Response({"marked": services.mark_notifications_read(request.user)})


# --- Read-only summaries --------------------------------------------------------------------


def _date_param(request, name: str, default):
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw == "":
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise DRFValidationError({name: "Use YYYY-MM-DD."}) from exc


def _post_day(request) -> int:
    raw = request.query_params.get("post_day", "90")
    if not raw.isdigit() or int(raw) not in Point.values or int(raw) == 0:
        raise DRFValidationError({"post_day": "One of 30, 60, 90, 120."})
    return int(raw)


class PartnershipView(APIView):
    def check_permissions(self, request):
        super().check_permissions(request)
        if not can_view_partnership(request.user):
            raise PermissionDenied("Partnership summaries are for partnership members.")


class Table71View(PartnershipView):
    """Table 7.1 (?as_at=YYYY-MM-DD, empty for all records; ?post_day=90)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        rows, total = selectors.table_7_1(
            _date_param(request, "as_at", selectors.REPORT_AS_AT), post_day=_post_day(request)
        )
        return Response({"rows": [vars(r) for r in rows], "total": vars(total)})


def _cell(cell) -> dict:
    return {
        "n": cell.n,
        "baseline": None if cell.baseline is None else float(cell.baseline),
        "post": None if cell.post is None else float(cell.post),
        "reduction_percent": None if cell.reduction is None else float(cell.reduction),
    }


class Table72View(PartnershipView):
    """Table 7.2 (?post_day=90, ?as_at=YYYY-MM-DD)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        rows, total = selectors.table_7_2(
            post_day=_post_day(request), as_at=_date_param(request, "as_at", None)
        )
        return Response(
            {
                "rows": [
                    {
                        "trust": r.trust,
                        "lead_time_hours": _cell(r.lead_time),
                        "defects": _cell(r.defects),
                        "defect_ratio": _cell(r.defect_ratio),
                    }
                    for r in [*rows, total]
                ]
            }
        )


class MeasurePairSerializer(serializers.Serializer):
    measure_id = serializers.IntegerField()
    rpiw_id = serializers.IntegerField()
    rpiw_reference = serializers.CharField()
    value_stream = serializers.CharField()
    trust = serializers.CharField()
    organisation_id = serializers.IntegerField()
    kind = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    baseline_counts = serializers.JSONField(allow_null=True)
    post_counts = serializers.JSONField(allow_null=True)
    baseline = serializers.FloatField()
    post = serializers.FloatField()


class MeasurePairsView(APIView):
    """Baseline/post pairs the user may view (?post_day=90&kind=lead_time&trust=SASH)."""

    @extend_schema(responses=MeasurePairSerializer(many=True))
    def get(self, request):
        kinds = request.query_params.getlist("kind") or None
        trusts = request.query_params.getlist("trust")
        organisations = (
            list(selectors.partner_trusts().filter(short_name__in=trusts)) if trusts else None
        )
        post_day = _post_day(request)
        pairs = selectors.measure_pairs(
            kinds=kinds,
            organisations=organisations,
            as_at=_date_param(request, "as_at", None),
            user=request.user,
        )
        return Response(
            [
                {
                    "measure_id": p.measure_id,
                    "rpiw_id": p.rpiw_id,
                    "rpiw_reference": p.rpiw,
                    "value_stream": p.value_stream,
                    "trust": p.trust,
                    "organisation_id": p.organisation_id,
                    "kind": p.kind,
                    "unit": p.unit,
                    "baseline_counts": p.counts.get(0),
                    "post_counts": p.counts.get(post_day),
                    "baseline": float(p.baseline),
                    "post": float(p.post(post_day)),
                }
                for p in pairs
                if p.paired(post_day)
            ]
        )


class GoldenThreadView(APIView):
    """The golden thread of one trust (?trust=SASH) and priorities with no work aimed at them."""

    @extend_schema(
        parameters=[OpenApiParameter("trust", str, required=True, description="Trust short name")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        trust = (
            selectors.partner_trusts()
            .filter(short_name=request.query_params.get("trust", ""))
            .first()
        )
        if trust is None:
            raise DRFValidationError({"trust": "Give a partner trust's short name."})
        require(request.user, Action.VIEW, trust)
        thread = selectors.golden_thread(trust)
        return Response(
            {
                "trust": trust.short_name,
                "priorities": [
                    {
                        "priority": p.priority.title if p.priority else None,
                        "has_work": p.has_work,
                        "objectives": [
                            {
                                "objective": o.objective.title,
                                "value_streams": [
                                    {
                                        "id": t.value_stream.pk,
                                        "name": t.value_stream.name,
                                        "status": t.value_stream.status,
                                        "metrics": [
                                            {
                                                "id": m["metric"].pk,
                                                "name": m["metric"].name,
                                                "latest": None
                                                if m["latest"] is None
                                                else float(m["latest"].value),
                                                "on_target": m["on_target"],
                                            }
                                            for m in t.metrics
                                        ],
                                        "rpiws": [
                                            {
                                                "id": r.pk,
                                                "reference": r.reference,
                                                "status": r.status,
                                            }
                                            for r in t.rpiws
                                        ],
                                    }
                                    for t in o.streams
                                ],
                            }
                            for o in p.objectives
                        ],
                    }
                    for p in thread.priorities
                ],
                "unaligned_value_streams": [t.value_stream.name for t in thread.unaligned_streams],
                "priorities_without_work": [p.title for p in thread.priorities_without_work],
            }
        )
