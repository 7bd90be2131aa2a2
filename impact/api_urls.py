"""API routes of the impact app (mounted at /api/impact/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("measures", api.MeasureViewSet)
router.register("series", api.SeriesValueViewSet, basename="series")
router.register("peer-groups", api.PeerGroupViewSet)
router.register("its-runs", api.ItsRunViewSet, basename="its-run")
urlpatterns = [
    path("spc/", api.spc, name="impact-spc"),
    path("paired-ttest/", api.paired, name="impact-paired-ttest"),
    path("rpiw-impact/", api.rpiw_impact_summary, name="impact-rpiw-impact"),
    *router.urls,
]
