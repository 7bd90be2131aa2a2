"""Signing in: the API token endpoint, the page of one's own API tokens, the lockout answer.

API tokens are django-rest-knox tokens: stored only as a hash, each with an expiry
(``REST_KNOX["TOKEN_TTL"]``), and revocable one by one from ``/account/tokens/``. Sign-in
failures on every path (``/login/``, ``/admin/login/``, ``/api/auth/token/``) are counted by
django-axes, which answers a locked-out attempt with :func:`lockout_response`.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import get_token_model
from knox.settings import knox_settings
from knox.views import LoginView as KnoxLoginView
from rest_framework import serializers
from rest_framework.permissions import AllowAny

LOCKOUT_MESSAGE = (
    "Too many failed attempts to sign in. This account is locked for {minutes} minutes from "
    "this computer: try again after that, or ask your improvement office to reset your password."
)


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        # Django's own request, not DRF's wrapper: django-axes marks a locked-out attempt on it
        # and its middleware, which sees only Django's request, answers with the lockout.
        request = self.context["request"]._request
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                "Unable to sign in with the username and password given.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenLoginView(KnoxLoginView):
    """``POST username, password`` → ``{"token": ..., "expiry": ...}``: a new knox token.

    knox's own view expects the caller to be signed in already (basic or session
    authentication); API clients post a username and password, as they did for DRF's tokens.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    serializer_class = CredentialsSerializer

    @extend_schema(
        request=CredentialsSerializer,
        responses=inline_serializer(
            "ApiToken",
            {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
        ),
        auth=[],
    )
    def post(self, request, format=None):
        credentials = self.serializer_class(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        request.user = credentials.validated_data["user"]
        return super().post(request, format=format)


def token_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's API tokens: when made, when they expire, and a revoke button."""
    tokens = get_token_model().objects.filter(user=request.user).order_by("-created")
    return render(
        request,
        "vmi_programme/account_tokens.html",
        {
            "tokens": tokens,
            "now": timezone.now(),
            "ttl_hours": int(knox_settings.TOKEN_TTL.total_seconds() // 3600),
        },
    )


@require_POST
def token_revoke(request: HttpRequest, digest: str) -> HttpResponse:
    # Only one's own tokens: another user's token answers 404, as if it did not exist.
    token = get_object_or_404(get_token_model(), digest=digest, user=request.user)
    token.delete()
    messages.success(request, f"The API token starting {token.token_key[:8]} is revoked.")
    return redirect("account-tokens")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: 429, as JSON for the API, else a page."""
    message = LOCKOUT_MESSAGE.format(minutes=_lockout_minutes())
    status = HTTPStatus.TOO_MANY_REQUESTS
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "registration/locked_out.html", {"message": message}, status=status)
