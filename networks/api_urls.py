"""API routes of the networks app (mounted at /api/networks/)."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("nominations", api.NominationViewSet, basename="nomination")
router.register("waves", api.NetworkWaveViewSet, basename="network-wave")
router.register("results", api.NetworkResultViewSet, basename="network-result")
router.register("merges", api.PersonMergeViewSet, basename="person-merge")
urlpatterns = router.urls
