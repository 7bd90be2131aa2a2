"""API routes of the CI infrastructure (mounted at /api/, namespace "governance-api")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

app_name = "governance-api"

router = SimpleRouter()
api.register(router)
urlpatterns = [
    path("table-4-1/", api.Table41View.as_view(), name="table-4-1"),
    *router.urls,
]
