"""API routes of the training app (mounted at /api/training/)."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("programmes", api.ProgrammeViewSet)
router.register("modules", api.ModuleViewSet)
router.register("cohorts", api.CohortViewSet)
router.register("enrolments", api.EnrolmentViewSet)
router.register("assessments", api.AssessmentViewSet)
router.register("surveys", api.SurveyViewSet)
router.register("waves", api.SurveyWaveViewSet)
router.register("invitations", api.InvitationViewSet)
router.register("responses", api.ResponseViewSet)
urlpatterns = router.urls
