"""Dashboard pages: trust dashboard, partnership summary, TGT report (mounted at the site root)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard_index, name="dashboard-index"),
    path("dashboard/<str:trust>/", views.trust_dashboard, name="trust-dashboard"),
    path("partnership/", views.partnership_summary, name="partnership-summary"),
    path("tgt-report/", views.tgt_report_index, name="tgt-report-index"),
    path(
        "tgt-report/<str:trust>/<str:month>/",
        views.tgt_report_page,
        name="tgt-report",
    ),
    path(
        "tgt-report/<str:trust>/<str:month>.pdf",
        views.tgt_report_pdf,
        name="tgt-report-pdf",
    ),
    path(
        "tgt-report/<str:trust>/<str:month>/attach/",
        views.tgt_report_attach,
        name="tgt-report-attach",
    ),
]
