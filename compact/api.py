"""REST API of the compact: compacts, versions, promises, reflections and breaches.

Reading the compact text is partnership-level; reflections and breaches are read and written by
TGB members and the regulator; every write goes through compact.services.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.models import Meeting
from vmi_programme.api_base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from vmi_programme.models import Organisation

from . import rules, services
from .models import (
    Breach,
    BreachEvent,
    Compact,
    CompactVersion,
    Fulfilment,
    Heading,
    PartyType,
    Promise,
    PromiseRating,
    Reflection,
)

# ---- compacts, versions, promises ----------------------------------------------------------


class PromiseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Promise
        fields = ["id", "version", "key", "party", "heading", "order", "text"]


class CompactVersionSerializer(serializers.ModelSerializer):
    promises = PromiseSerializer(many=True, read_only=True)

    class Meta:
        model = CompactVersion
        fields = [
            "id",
            "compact",
            "number",
            "shared_vision",
            "effective_from",
            "change_note",
            "agreed_at",
            "created_at",
            "promises",
        ]


class PromiseInputSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=60)
    party = serializers.ChoiceField(choices=PartyType.choices)
    heading = serializers.ChoiceField(choices=Heading.choices)
    text = serializers.CharField()


class RenegotiationSerializer(serializers.Serializer):
    compact = serializers.PrimaryKeyRelatedField(queryset=Compact.objects.all())
    shared_vision = serializers.CharField()
    effective_from = serializers.DateField()
    change_note = serializers.CharField()
    agreed_at = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True
    )
    promises = PromiseInputSerializer(many=True)


class CompactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Compact
        fields = ["id", "partnership", "board", "title", "created_at"]


class CompactViewSet(ScopedReadOnlyViewSet):
    """Compacts of the partnerships (the text is for everyone who may view the partnership)."""

    queryset = Compact.objects.all()
    serializer_class = CompactSerializer
    scope_via = None


class CompactVersionViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Versions with their promises. POST renegotiates: a new version, earlier ones unchanged."""

    queryset = CompactVersion.objects.prefetch_related("promises").order_by("compact", "number")
    serializer_class = CompactVersionSerializer
    scope_via = None
    filterset_fields = ["compact", "number"]

    @extend_schema(request=RenegotiationSerializer, responses=CompactVersionSerializer)
    def create(self, request, *args, **kwargs):
        rules.require_take_part(request.user)
        data = RenegotiationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        compact = fields.pop("compact")
        version = services.renegotiate(
            compact,
            promises=[dict(p) for p in fields.pop("promises")],
            created_by=request.user,
            **fields,
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


class PromiseViewSet(ScopedReadOnlyViewSet):
    queryset = Promise.objects.all()
    serializer_class = PromiseSerializer
    scope_via = None
    filterset_fields = ["version", "version__compact", "key", "party", "heading"]


# ---- reflections ---------------------------------------------------------------------------


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = PromiseRating
        fields = ["promise", "fulfilment"]


class RatingInputSerializer(serializers.Serializer):
    promise = serializers.IntegerField()
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)


class ReflectionSerializer(serializers.ModelSerializer):
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = Reflection
        fields = ["id", "meeting", "person", "version", "learned", "recorded_at", "ratings"]


class ReflectionInputSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    learned = serializers.CharField(required=False, allow_blank=True, default="")
    ratings = RatingInputSerializer(many=True, required=False, default=list)


class TakingPartMixin:
    """Reflections and breaches in detail are for TGB members and the regulator."""

    def get_queryset(self):
        if not rules.can_take_part(self.request.user):
            return super().get_queryset().none()
        return super().get_queryset()


class ReflectionViewSet(
    TakingPartMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Members' reflections at the close of each TGB. POST records your own reflection."""

    queryset = Reflection.objects.select_related("meeting", "person").prefetch_related("ratings")
    serializer_class = ReflectionSerializer
    scope_via = None
    filterset_fields = ["meeting", "person", "version"]

    @extend_schema(request=ReflectionInputSerializer, responses=ReflectionSerializer)
    def create(self, request, *args, **kwargs):
        data = ReflectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = data.validated_data["meeting"]
        person = rules.require_reflect(request.user, meeting)
        ratings = {r["promise"]: r["fulfilment"] for r in data.validated_data["ratings"]}
        reflection = services.record_reflection(
            meeting,
            person,
            ratings,
            data.validated_data["learned"],
        )
        return Response(self.get_serializer(reflection).data, status=status.HTTP_201_CREATED)


# ---- breaches ------------------------------------------------------------------------------


class BreachEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreachEvent
        fields = ["from_state", "to_state", "by", "at", "meeting", "note"]


class BreachSerializer(serializers.ModelSerializer):
    events = BreachEventSerializer(many=True, read_only=True)
    days_to_repair = serializers.IntegerField(read_only=True)

    class Meta:
        model = Breach
        fields = [
            "id",
            "compact",
            "version",
            "promises",
            "party",
            "organisation",
            "what_happened",
            "occurred_on",
            "raised_at",
            "called_out_by",
            "state",
            "discussed_at",
            "discussion_what",
            "discussion_why",
            "discussion_better",
            "closed_on",
            "resolution",
            "renegotiated_version",
            "days_to_repair",
            "events",
        ]


class CallOutSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    promises = serializers.PrimaryKeyRelatedField(
        queryset=Promise.objects.all(),
        many=True,
        allow_empty=True,  # the service refuses an empty list with its own message
    )
    party = serializers.ChoiceField(choices=PartyType.choices)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    what_happened = serializers.CharField()
    occurred_on = serializers.DateField()


class DiscussSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    what_happened = serializers.CharField()
    why = serializers.CharField()
    do_better = serializers.CharField()


class RepairSerializer(serializers.Serializer):
    repaired_on = serializers.DateField()
    resolution = serializers.CharField()
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True
    )


class RenegotiateSerializer(serializers.Serializer):
    version = serializers.PrimaryKeyRelatedField(queryset=CompactVersion.objects.all())
    resolution = serializers.CharField()


class BreachViewSet(
    TakingPartMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Breaches: call one out (POST), then discuss, then repair or renegotiate. Never deleted."""

    queryset = Breach.objects.select_related("raised_at").prefetch_related(
        "promises", Prefetch("events", BreachEvent.objects.order_by("at", "pk"))
    )
    serializer_class = BreachSerializer
    scope_via = None
    filterset_fields = ["compact", "state", "party", "organisation"]

    def _person(self):
        rules.require_take_part(self.request.user)
        return rules.require_person(self.request.user)

    def _respond(self, breach: Breach, code=status.HTTP_200_OK) -> Response:
        breach = self.get_queryset().get(pk=breach.pk)
        return Response(self.get_serializer(breach).data, status=code)

    @extend_schema(request=CallOutSerializer, responses=BreachSerializer)
    def create(self, request, *args, **kwargs):
        person = self._person()
        data = CallOutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        breach = services.call_out_breach(fields.pop("meeting"), person, **fields)
        return self._respond(breach, status.HTTP_201_CREATED)

    @extend_schema(request=DiscussSerializer, responses=BreachSerializer)
    @action(detail=True, methods=["post"])
    def discuss(self, request, pk=None):
        person = self._person()
        data = DiscussSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        breach = self.get_object()
        services.discuss_breach(breach, fields.pop("meeting"), person, **fields)
        return self._respond(breach)

    @extend_schema(request=RepairSerializer, responses=BreachSerializer)
    @action(detail=True, methods=["post"])
    def repair(self, request, pk=None):
        person = self._person()
        data = RepairSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        breach = self.get_object()
        services.repair_breach(breach, person, **data.validated_data)
        return self._respond(breach)

    @extend_schema(request=RenegotiateSerializer, responses=BreachSerializer)
    @action(detail=True, methods=["post"])
    def renegotiate(self, request, pk=None):
        person = self._person()
        data = RenegotiateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        breach = self.get_object()
        services.renegotiate_breach(
            breach,
            data.validated_data["version"],
            person,
            resolution=data.validated_data["resolution"],
        )
        return self._respond(breach)
