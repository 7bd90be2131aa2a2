"""API routes of the rpiw app (mounted at /api/rpiw/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("value-streams", api.ValueStreamViewSet)
router.register("metrics", api.MetricViewSet)
router.register("metric-values", api.MetricValueViewSet)
router.register("metric-changes", api.ChangeRequestViewSet)
router.register("rpiws", api.RpiwViewSet)
router.register("team-members", api.TeamMemberViewSet)
router.register("planning-tasks", api.PlanningTaskViewSet)
router.register("measures", api.MeasureViewSet)
router.register("measurements", api.MeasurementViewSet)
router.register("notifications", api.NotificationViewSet, basename="rpiw-notification")

urlpatterns = [
    path("tables/7-1/", api.Table71View.as_view(), name="rpiw-api-table-7-1"),
    path("tables/7-2/", api.Table72View.as_view(), name="rpiw-api-table-7-2"),
    path("measure-pairs/", api.MeasurePairsView.as_view(), name="rpiw-api-measure-pairs"),
    path("golden-thread/", api.GoldenThreadView.as_view(), name="rpiw-api-golden-thread"),
    *router.urls,
]
