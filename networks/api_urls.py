"""API routes of the networks app (mounted at /api/networks/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = router.urls
