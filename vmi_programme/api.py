"""REST API for the programme's core: organisations, people, jobs."""

from django.contrib.auth.models import AnonymousUser
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from . import jobs
from .access import Action, Scope, require
from .api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from .models import Job, Organisation, Person


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "short_name", "ods_code", "headcount", "region"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "organisation",
            "full_name",
            "job_title",
            "professional_group",
            "department",
        ]


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "parameters",
            "organisation",
            "status",
            "progress",
            "progress_message",
            "result",
            "error",
            "attempts",
            "stale",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("kind", "parameters", "organisation")]

    def validate_kind(self, value: str) -> str:
        if value not in jobs.registered_kinds():
            raise serializers.ValidationError(
                f"Unknown job kind. Known kinds: {', '.join(jobs.registered_kinds())}."
            )
        return value


class JobListSerializer(JobSerializer):
    """A job in a list: without its result (up to ~100 kB), which the detail endpoint gives."""

    class Meta(JobSerializer.Meta):
        fields = [f for f in JobSerializer.Meta.fields if f != "result"]
        read_only_fields = fields


class OrganisationViewSet(ScopedReadOnlyViewSet):
    """Organisations whose data you may view (the regulator sees all)."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    scope_via = ""
    filterset_fields = ["kind", "ods_code", "short_name"]
    search_fields = ["name", "short_name", "ods_code"]


class PersonViewSet(ScopedReadOnlyViewSet):
    queryset = Person.objects.select_related("organisation")
    serializer_class = PersonSerializer
    filterset_fields = ["organisation", "professional_group"]
    search_fields = ["full_name", "job_title", "department"]


class JobViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Recorded analysis jobs: submit one, then poll it until it has finished."""

    queryset = Job.objects.select_related("organisation")
    serializer_class = JobSerializer
    filterset_fields = ["kind", "status", "organisation", "stale"]
    null_is_partnership = True

    def get_serializer_class(self):
        return JobListSerializer if self.action == "list" else JobSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        # The list never reads the result column: leave it in the table.
        return queryset.defer("result") if self.action == "list" else queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data.get("organisation")
        require(request.user, Action.CHANGE, organisation or Scope.partnership())
        user = request.user if not isinstance(request.user, AnonymousUser) else None
        try:
            job = jobs.submit(
                serializer.validated_data["kind"],
                serializer.validated_data.get("parameters") or {},
                user=user,
                organisation=organisation,
            )
        except jobs.JobRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)
