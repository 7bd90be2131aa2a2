"""API routes of the compact app (mounted at /api/compact/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = router.urls
