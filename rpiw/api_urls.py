"""API routes of the rpiw app (mounted at /api/rpiw/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = router.urls
