"""API routes of the impact app (mounted at /api/impact/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = router.urls
