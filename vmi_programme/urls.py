"""Top-level URLs: the web pages of every app, the API, the admin, /health/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import (
    accounts,
    api,
    audit_page,
    bench,
    health,
    imports,
    oidc_views,
    people_pages,
    person_picker,
    views,
)

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet)
router.register("people", api.PersonViewSet)
router.register("jobs", api.JobViewSet)

urlpatterns = [
    path("", views.home, name="home"),
    # Password and single sign-on (OpenID Connect, vmi_programme/oidc.py).
    path("login/", oidc_views.SignInView.as_view(), name="login"),
    path("logout/", oidc_views.SignOutView.as_view(), name="logout"),
    path("oidc/callback/", oidc_views.callback, name="oidc-callback"),
    path("oidc/pending/", oidc_views.pending, name="oidc-pending"),
    path("oidc/approvals/", oidc_views.approvals, name="oidc-approvals"),
    path("oidc/approvals/<int:pk>/approve/", oidc_views.approve, name="oidc-approve"),
    path("oidc/<slug:key>/", oidc_views.start, name="oidc-start"),
    path("account/tokens/", accounts.token_list, name="account-tokens"),
    path(
        "account/tokens/<str:digest>/revoke/",
        accounts.token_revoke,
        name="account-token-revoke",
    ),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("audit/", audit_page.audit_trail, name="audit-trail"),
    path("people/search.json", person_picker.person_search, name="person-search"),
    path("people/", people_pages.people_list, name="people-list"),
    path("people/new/", people_pages.person_add, name="person-add"),
    path("people/<int:pk>/", people_pages.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", people_pages.person_edit, name="person-edit"),
    path("people/<int:pk>/roles/", people_pages.role_grant, name="person-role-grant"),
    path(
        "people/<int:pk>/roles/<str:role>/remove/",
        people_pages.role_remove,
        name="person-role-remove",
    ),
    path("people/<int:pk>/invite/", people_pages.person_invite, name="person-invite"),
    path("people/<int:pk>/leave/", people_pages.person_deactivate, name="person-deactivate"),
    path("people/<int:pk>/return/", people_pages.person_reactivate, name="person-reactivate"),
    path("people/<int:pk>/export.json", people_pages.person_export, name="person-export"),
    path("people/<int:pk>/erase/", people_pages.person_erase, name="person-erase"),
    path("invitations/<str:token>/", people_pages.invitation_accept, name="invitation-accept"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job-status"),
    path("imports/batches/<int:pk>/", imports.batch_view, name="import-batch"),
    path("imports/batches/<int:pk>/confirm/", imports.confirm_view, name="import-confirm"),
    path("imports/batches/<int:pk>/encoding/", imports.encoding_view, name="import-encoding"),
    path("imports/<str:spec_name>/", imports.upload_view, name="import-upload"),
    path(
        "imports/<str:spec_name>/template.<str:fmt>",
        imports.template_view,
        name="import-template",
    ),
    path("", include("governance.urls")),
    path("", include("dashboards.urls")),
    path("health/", health.health, name="health"),
    # With PASSWORD_SIGNIN off, the admin's own password form is refused too.
    path("admin/login/", oidc_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    # The core API has its own namespace so its route names ("meeting-detail", "job-list")
    # never shadow the pages' names.
    path("api/", include((router.urls, "api"))),
    # Governance routes sit at /api/<name>/ as before, in a namespace of their own.
    path("api/", include("governance.api_urls")),
    path("api/compact/", include("compact.api_urls")),
    path("api/training/", include("training.api_urls")),
    path("api/rpiw/", include("rpiw.api_urls")),
    path("api/networks/", include("networks.api_urls")),
    path("api/impact/", include("impact.api_urls")),
    path("api/auth/token/", accounts.TokenLoginView.as_view(), name="api-token"),
    # Signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the docs page sends
    # an anonymous browser to sign in. The split view serves Swagger UI's start-up script as a
    # file of its own, so the Content-Security-Policy needs no inline script for it.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("compact/", include("compact.urls")),
    path("training/", include("training.urls")),
    path("rpiw/", include("rpiw.urls")),
    path("networks/", include("networks.urls")),
    path("impact/", include("impact.urls")),
]

if settings.BENCHMARK_VIEWS:  # scripts/benchmark.py's baseline page; off in production
    urlpatterns.append(path("bench/bare/", bench.bare, name="bench-bare"))

handler400 = "vmi_programme.views.error_400"
handler403 = "vmi_programme.views.error_403"
handler404 = "vmi_programme.views.error_404"
handler500 = "vmi_programme.views.error_500"
