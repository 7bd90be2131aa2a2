"""REST API of the networks app: network waves, nominations, stored results, merges."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from training.surveys import SurveyWave
from vmi_programme.access import Action, can, restrict, visible_organisations
from vmi_programme.api_base import ScopedReadOnlyViewSet
from vmi_programme.models import OrganisationKind, Person

from . import selectors, services
from .models import Nomination, PersonMerge


class NominationSerializer(serializers.ModelSerializer):
    interactions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "wave",
            "organisation",
            "respondent",
            "alter",
            "interactions",
            "named_as",
            "role",
            "department",
            "source",
            "created_at",
        ]


class NominationViewSet(ScopedReadOnlyViewSet):
    """Nominations name respondents, so only their trust's KPO and analysts may list them."""

    queryset = Nomination.objects.select_related("wave").order_by("wave", "respondent", "alter")
    serializer_class = NominationSerializer
    filterset_fields = ["wave", "organisation", "respondent", "alter", "source"]

    def get_queryset(self):
        return restrict(
            Nomination.objects.all(), self.request.user, Action.VIEW_IDENTITIES
        ).order_by("wave", "respondent", "alter")


class NetworkWaveSerializer(serializers.ModelSerializer):
    survey = serializers.CharField(source="survey.title")

    class Meta:
        model = SurveyWave
        fields = ["id", "survey", "name", "opens_on", "closes_on"]


class NetworkWaveViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey waves that carry nominations (the network waves)."""

    serializer_class = NetworkWaveSerializer

    def get_queryset(self):
        if not visible_organisations(self.request.user).exists():
            return SurveyWave.objects.none()
        return selectors.network_waves()


class ResultsQuerySerializer(serializers.Serializer):
    wave = serializers.IntegerField(min_value=1, help_text="Survey wave id")


class NetworkResultSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    trust = serializers.CharField(allow_null=True)
    wave = serializers.IntegerField()
    job = serializers.IntegerField()
    stale = serializers.BooleanField()
    finished_at = serializers.DateTimeField(allow_null=True)
    result = serializers.JSONField(allow_null=True, help_text="Summary, actors and ties.")


class NetworkResultViewSet(viewsets.ViewSet):
    """Stored network results (summary, actors, ties) per trust for a wave: ``?wave=<id>``.

    Actors are identified by opaque keys, never by name or person id, so anyone who may view
    a trust may read its results.
    """

    @extend_schema(
        parameters=[ResultsQuerySerializer],
        responses=NetworkResultSerializer(many=True),
    )
    def list(self, request):
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)  # a missing or non-numeric wave is a 400
        wave = get_object_or_404(SurveyWave, pk=query.validated_data["wave"])
        organisations = visible_organisations(request.user).filter(
            kind=OrganisationKind.PARTNER_TRUST
        )
        results = selectors.results_by_trust(wave, organisations)
        names = {o.pk: o.short_name for o in organisations}
        return Response(
            [
                {
                    "organisation": org_id,
                    "trust": names.get(org_id),
                    "wave": wave.pk,
                    "job": job.pk,
                    "stale": job.stale,
                    "finished_at": job.finished_at,
                    "result": job.result,
                }
                for org_id, job in sorted(results.items())
            ]
        )


class MergeSerializer(serializers.Serializer):
    keep = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    duplicate = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())


class PersonMergeViewSet(viewsets.GenericViewSet):
    """POST {keep, duplicate}: merge two records of one person; networks are recomputed."""

    serializer_class = MergeSerializer
    queryset = PersonMerge.objects.none()

    def create(self, request):
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        keep = serializer.validated_data["keep"]
        duplicate = serializer.validated_data["duplicate"]
        for person in (keep, duplicate):
            if not (
                can(request.user, Action.CHANGE, person.organisation)
                and can(request.user, Action.VIEW_IDENTITIES, person.organisation)
            ):
                raise PermissionDenied("Only the trust's KPO and analysts can merge people.")
        merge = services.merge_people(keep, duplicate, user=request.user)
        return Response(
            {
                "kept": keep.pk,
                "duplicate_name": merge.duplicate_name,
                "duplicate_deleted": merge.duplicate_id is None,
                "nominations_moved": merge.nominations_moved,
                "nominations_combined": merge.nominations_combined,
            },
            status=status.HTTP_201_CREATED,
        )
