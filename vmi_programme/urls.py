"""Top-level URLs: the web pages of every app, the API, the admin, /health/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import (
    api,
    api_infrastructure,
    health,
    imports,
    views,
    views_context,
    views_daily_work,
    views_dashboards,
    views_governance,
)

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet)
router.register("people", api.PersonViewSet)
router.register("jobs", api.JobViewSet)
api_infrastructure.register(router)

infrastructure = [
    path("governance/", views_governance.meeting_list, name="governance"),
    path("governance/series/<int:pk>/", views_governance.series_detail, name="meeting-series"),
    path(
        "governance/series/<int:series_pk>/meetings/new/",
        views_governance.meeting_create,
        name="meeting-create",
    ),
    path("governance/meetings/<int:pk>/", views_governance.meeting_detail, name="meeting-detail"),
    path("governance/meetings/<int:pk>/edit/", views_governance.meeting_edit, name="meeting-edit"),
    path(
        "governance/meetings/<int:pk>/agenda/new/",
        views_governance.agenda_item_add,
        name="agenda-item-add",
    ),
    path(
        "governance/meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        views_governance.agenda_item_remove,
        name="agenda-item-remove",
    ),
    path(
        "governance/meetings/<int:pk>/attendance/",
        views_governance.attendance_record,
        name="attendance-record",
    ),
    path(
        "governance/meetings/<int:pk>/decisions/new/",
        views_governance.decision_add,
        name="decision-add",
    ),
    path(
        "governance/meetings/<int:pk>/actions/new/", views_governance.action_add, name="action-add"
    ),
    path(
        "governance/meetings/<int:pk>/actions/<int:action_pk>/status/",
        views_governance.action_status,
        name="action-status",
    ),
    path("daily-work/", views_daily_work.daily_work_index, name="daily-work"),
    path("daily-work/teams/new/", views_daily_work.team_create, name="team-create"),
    path("daily-work/teams/<int:pk>/", views_daily_work.team_detail, name="team-detail"),
    path("daily-work/teams/<int:pk>/huddles/new/", views_daily_work.huddle_add, name="huddle-add"),
    path(
        "daily-work/teams/<int:pk>/board/new/",
        views_daily_work.board_value_add,
        name="board-value-add",
    ),
    path(
        "daily-work/standard-work/new/",
        views_daily_work.standard_work_create,
        name="standard-work-create",
    ),
    path(
        "daily-work/standard-work/<int:pk>/",
        views_daily_work.standard_work_detail,
        name="standard-work-detail",
    ),
    path(
        "daily-work/standard-work/<int:pk>/versions/<int:number>/",
        views_daily_work.standard_work_detail,
        name="standard-work-version",
    ),
    path(
        "daily-work/standard-work/<int:pk>/revise/",
        views_daily_work.standard_work_revise,
        name="standard-work-revise",
    ),
    path("trust-context/", views_context.trust_context, name="trust-context"),
    path("priorities/", views_context.priority_list, name="priorities"),
    path("priorities/objectives/new/", views_context.objective_edit, name="objective-create"),
    path("priorities/objectives/<int:pk>/", views_context.objective_edit, name="objective-edit"),
]

dashboards = [
    path("dashboard/", views_dashboards.dashboard_index, name="dashboard-index"),
    path("dashboard/<str:trust>/", views_dashboards.trust_dashboard, name="trust-dashboard"),
    path("partnership/", views_dashboards.partnership_summary, name="partnership-summary"),
    path("tgt-report/", views_dashboards.tgt_report_index, name="tgt-report-index"),
    path(
        "tgt-report/<str:trust>/<str:month>/",
        views_dashboards.tgt_report_page,
        name="tgt-report",
    ),
    path(
        "tgt-report/<str:trust>/<str:month>.pdf",
        views_dashboards.tgt_report_pdf,
        name="tgt-report-pdf",
    ),
    path(
        "tgt-report/<str:trust>/<str:month>/attach/",
        views_dashboards.tgt_report_attach,
        name="tgt-report-attach",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job-status"),
    path("imports/batches/<int:pk>/", imports.batch_view, name="import-batch"),
    path("imports/<str:spec_name>/", imports.upload_view, name="import-upload"),
    path(
        "imports/<str:spec_name>/template.<str:fmt>",
        imports.template_view,
        name="import-template",
    ),
    *infrastructure,
    *dashboards,
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/table-4-1/", api_infrastructure.Table41View.as_view(), name="api-table-4-1"),
    # The core API has its own namespace so its route names ("meeting-detail", "job-list")
    # never shadow the pages' names.
    path("api/", include((router.urls, "api"))),
    path("api/compact/", include("compact.api_urls")),
    path("api/training/", include("training.api_urls")),
    path("api/rpiw/", include("rpiw.api_urls")),
    path("api/networks/", include("networks.api_urls")),
    path("api/impact/", include("impact.api_urls")),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("compact/", include("compact.urls")),
    path("training/", include("training.urls")),
    path("rpiw/", include("rpiw.urls")),
    path("networks/", include("networks.urls")),
    path("impact/", include("impact.urls")),
]

handler400 = "vmi_programme.views.error_400"
handler403 = "vmi_programme.views.error_403"
handler404 = "vmi_programme.views.error_404"
handler500 = "vmi_programme.views.error_500"
