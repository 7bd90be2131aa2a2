"""API of the impact app: measures, series, peer groups, ITS runs, SPC, t-tests, RPIW impact.

ITS runs are recorded jobs: POST queues one (400 with field errors for invalid parameters)
and GET reads its stored result. SPC and t-tests are closed-form and cheap, so they are
computed on request; a library ValueError (too few points, mismatched pair lengths,
non-numeric values...) is a 400 with its message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from rpiw import selectors as rpiw_selectors
from vmi_programme.access import can_run_analysis
from vmi_programme.api_base import ScopedModelViewSet, ScopedReadOnlyViewSet
from vmi_programme.jobs import JobRefused
from vmi_programme.models import Job

from . import rpiw_impact, selectors, services
from .analysis.paired import paired_ttest
from .forms import ItsRunForm
from .models import Measure, PeerGroup, PeerGroupMember, SeriesValue
from .spc_chart import xmr_chart


class SeriesMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = [
            "id", "code", "name", "unit", "direction", "computation", "scale", "numerator_label",
            "denominator_label", "valid_from", "valid_to", "source", "notes",
        ]  # fmt: skip


class MeasureViewSet(ScopedModelViewSet):
    """Measure definitions (partnership-level: read by all, changed by partnership roles)."""

    queryset = Measure.objects.all()
    serializer_class = SeriesMeasureSerializer
    scope_via = None
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]


class SeriesValueSerializer(serializers.ModelSerializer):
    org_code = serializers.CharField(source="organisation.ods_code", read_only=True)
    measure = serializers.CharField(source="measure.code", read_only=True)

    class Meta:
        model = SeriesValue
        fields = ["org_code", "measure", "period", "value", "numerator", "denominator"]


class SeriesValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly values; filter with ?measure=<code>&org=<ODS code>&from=YYYY-MM-DD&to=..."""

    serializer_class = SeriesValueSerializer

    def get_queryset(self):
        rows = SeriesValue.objects.filter(
            organisation__in=selectors.visible_series_organisations(self.request.user)
        ).select_related("organisation", "measure")
        params = self.request.query_params
        if params.get("measure"):
            rows = rows.filter(measure__code=params["measure"])
        if params.get("org"):
            rows = rows.filter(organisation__ods_code=params["org"].upper())
        if params.get("from"):
            rows = rows.filter(period__gte=params["from"])
        if params.get("to"):
            rows = rows.filter(period__lte=params["to"])
        # By the unique key's columns (ADR 10): ordering by the measure's code and the trust's
        # ODS code sorted every visible value for each page (124 ms at 96,000 values).
        return rows.order_by("organisation_id", "measure_id", "period")


class PeerGroupMemberSerializer(serializers.ModelSerializer):
    org_code = serializers.CharField(source="peer.ods_code")
    name = serializers.CharField(source="peer.name")

    class Meta:
        model = PeerGroupMember
        fields = ["rank", "org_code", "name", "distance"]


class PeerGroupSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="trust.ods_code")
    members = PeerGroupMemberSerializer(many=True)

    class Meta:
        model = PeerGroup
        fields = ["id", "trust", "method", "features", "weights", "as_of", "notes", "created_at",
                  "members"]  # fmt: skip


class PeerGroupViewSet(ScopedReadOnlyViewSet):
    """Peer groups with their members and distances, newest first."""

    queryset = (
        PeerGroup.objects.select_related("trust")
        .prefetch_related("members__peer")
        .order_by("trust__short_name", "-created_at")
    )
    serializer_class = PeerGroupSerializer
    scope_via = "trust"


class ItsRunSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="organisation.ods_code", read_only=True)

    class Meta:
        model = Job
        fields = ["id", "trust", "parameters", "status", "progress", "progress_message", "stale",
                  "error", "result", "created_at", "finished_at"]  # fmt: skip


class ItsRunViewSet(ScopedReadOnlyViewSet):
    """ITS runs (recorded jobs). POST {measure, trust, intervention, seasonality, errors,
    with_peers, start, end} queues a run; GET /<id>/ reads its stored result."""

    queryset = Job.objects.filter(kind=services.ITS_KIND).select_related("organisation")
    serializer_class = ItsRunSerializer

    def get_queryset(self):
        runs = super().get_queryset().order_by("-created_at", "-pk")
        if self.action == "list":
            runs = runs.defer("result")
        if self.request.query_params.get("measure"):
            runs = runs.filter(parameters__measure=self.request.query_params["measure"])
        return runs

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.action == "list":  # the list is light: open a run for its result
            child = getattr(serializer, "child", serializer)
            child.fields.pop("result", None)
        return serializer

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):  # a JSON list or string is not a run
            raise ApiValidationError({"non_field_errors": ["Send a JSON object."]})
        data = {"with_peers": True, **request.data}
        form = ItsRunForm(data)
        if not form.is_valid():
            raise DjangoValidationError(form.errors.as_data())  # the one shape, by the handler
        trust = form.cleaned_data["trust"]
        if not can_run_analysis(request.user, trust):
            raise PermissionDenied("You may not run analyses of this trust.")
        try:
            job = services.submit_its_run(form.parameters(), trust=trust, user=request.user)
        except JobRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(ItsRunSerializer(job).data, status=status.HTTP_201_CREATED)


class SpcInputSerializer(serializers.Serializer):
    values = serializers.ListField(child=serializers.FloatField())
    periods = serializers.ListField(child=serializers.CharField(), required=False)
    improvement = serializers.ChoiceField(["increase", "decrease"], required=False)
    target = serializers.FloatField(required=False)
    title = serializers.CharField(required=False, default="Series")


class PairedInputSerializer(serializers.Serializer):
    baseline = serializers.ListField(child=serializers.FloatField(allow_null=True))
    post = serializers.ListField(child=serializers.FloatField(allow_null=True))


@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter("measure", str, description="Measure code"),
        OpenApiParameter("org", str, description="ODS code"),
    ],
    responses=OpenApiTypes.OBJECT,
)
@extend_schema(
    methods=["POST"],
    request={"application/json": SpcInputSerializer},
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET", "POST"])
@parser_classes([JSONParser])  # a list of numbers has no form encoding
def spc(request):
    """XmR chart data: GET ?measure=<code>&org=<ODS> for a stored series, or POST
    {values: [...], periods: [...], improvement, target} for any series."""
    if request.method == "GET":
        measure = get_object_or_404(Measure, code=request.query_params.get("measure", ""))
        organisation = get_object_or_404(
            selectors.visible_series_organisations(request.user),
            ods_code=request.query_params.get("org", "").upper(),
        )
        rows = [v for v in selectors.series_values(measure, organisation) if v.value is not None]
        values = [v.value for v in rows]
        periods = [v.period.strftime("%Y-%m") for v in rows]
        improvement, target, title = measure.improvement, None, measure.name
    else:
        body = SpcInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)  # a body that is not {values: [...]} is a 400
        values = body.validated_data["values"]
        periods = body.validated_data.get("periods")
        improvement = body.validated_data.get("improvement")
        target = body.validated_data.get("target")
        title = body.validated_data["title"]
        if periods is None:
            periods = list(range(1, len(values) + 1))
    try:
        chart = xmr_chart(values, periods, title=title, improvement=improvement, target=target)
    except (ValueError, TypeError) as exc:
        raise ApiValidationError({"detail": str(exc)}) from exc
    return Response(chart.to_dict())


@extend_schema(request={"application/json": PairedInputSerializer}, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@parser_classes([JSONParser])  # lists of numbers have no form encoding
def paired(request):
    """Paired t-test of {baseline: [...], post: [...]} with effect size r."""
    body = PairedInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        result = paired_ttest(body.validated_data["baseline"], body.validated_data["post"])
    except (ValueError, TypeError) as exc:
        raise ApiValidationError({"detail": str(exc)}) from exc
    return Response(result.to_dict())


@extend_schema(
    parameters=[
        OpenApiParameter("trust", str, many=True, description="Trust short names"),
        OpenApiParameter("value_stream", str),
        OpenApiParameter(
            "post",
            str,
            enum=list(rpiw_impact.POST_CHOICES),
            description="Which follow-up counts as post: 30, 60, 90, 120 or last",
        ),
        OpenApiParameter("measure_type", str, many=True, enum=list(rpiw_impact.MEASURE_TYPES)),
    ],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
def rpiw_impact_summary(request):
    """Tables 7.2 and 7.3 (all trusts and per trust) computed from the RPIW records.
    Filters: ?trust=SASH&trust=...&value_stream=&post=90|30|60|120|last&measure_type=..."""
    params = request.query_params
    post = params.get("post", "90")
    if post not in rpiw_impact.POST_CHOICES:
        raise ApiValidationError({"post": f"Use one of {', '.join(rpiw_impact.POST_CHOICES)}."})
    kinds = tuple(params.getlist("measure_type")) or rpiw_impact.MEASURE_TYPES
    unknown = [k for k in kinds if k not in rpiw_impact.MEASURE_TYPES]
    if unknown:
        raise ApiValidationError({"measure_type": f"Unknown: {', '.join(unknown)}."})
    filters = rpiw_impact.Filters(
        trusts=tuple(params.getlist("trust")),
        value_stream=params.get("value_stream", ""),
        measure_types=kinds,
        post=post,
    )
    pairs = rpiw_selectors.measure_pairs(user=request.user, kinds=rpiw_impact.MEASURE_TYPES)
    table3 = rpiw_impact.table_7_3(pairs, filters)
    return Response(
        {
            "post": post,
            "caution": rpiw_impact.CAUTION,
            "table_7_2": rpiw_impact.table_7_2(pairs, filters),
            "table_7_3": table3,
            "table_7_3_by_trust": rpiw_impact.table_7_3_by_trust(pairs, filters),
            "differences_from_report": rpiw_impact.compare_with_report(table3)
            if filters == rpiw_impact.Filters(post=post) and post == "90"
            else [],
        }
    )
