"""API routes of the compact app (mounted at /api/compact/)."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("compacts", api.CompactViewSet)
router.register("versions", api.CompactVersionViewSet)
router.register("promises", api.PromiseViewSet)
router.register("reflections", api.ReflectionViewSet)
router.register("breaches", api.BreachViewSet)
urlpatterns = router.urls
