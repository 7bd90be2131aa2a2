"""URLs of the impact app (mounted at /impact/)."""

from django.urls import path

from . import views, views_manage

app_name = "impact"
urlpatterns = [
    path("", views.index, name="index"),
    path("measures/", views.measure_list, name="measure-list"),
    path("measures/new/", views_manage.measure_create, name="measure-new"),
    path("measures/<slug:code>/edit/", views_manage.measure_edit, name="measure-edit"),
    path("characteristics/", views_manage.characteristic_list, name="characteristic-list"),
    path("characteristics/new/", views_manage.characteristic_create, name="characteristic-new"),
    path(
        "characteristics/<int:pk>/edit/",
        views_manage.characteristic_edit,
        name="characteristic-edit",
    ),
    path("peers/<str:ods_code>/history/", views_manage.peer_group_history, name="peer-history"),
    path("peers/<str:ods_code>/members/", views_manage.peer_group_members, name="peer-members"),
    path("measures/<slug:code>/", views.measure_detail, name="measure-detail"),
    path("measures/<slug:code>/<str:ods_code>/", views.series_detail, name="series-detail"),
    path("peers/", views.peer_group_list, name="peer-group-list"),
    path("peers/<str:ods_code>/", views.peer_group_detail, name="peer-group-detail"),
    path("peers/<str:ods_code>/manual/", views.peer_group_manual, name="peer-group-manual"),
    path("peers/<str:ods_code>/nearest/", views.peer_group_nearest, name="peer-group-nearest"),
    path("its/", views.its_run_list, name="its-run-list"),
    path("its/<int:pk>/", views.its_run_detail, name="its-run-detail"),
    path("rpiw/", views.rpiw_impact_page, name="rpiw-impact"),
    path("spc/", views.spc_index, name="spc-index"),
    path("spc/board-measures/<int:pk>/", views.board_measure_spc, name="board-measure-spc"),
    path(
        "spc/value-stream-metrics/<int:pk>/",
        views.value_stream_metric_spc,
        name="value-stream-metric-spc",
    ),
    path("spc/baselines/", views.spc_baseline_add, name="spc-baseline-add"),
    path("spc/baselines/<int:pk>/remove/", views.spc_baseline_remove, name="spc-baseline-remove"),
    path("spc/funnel/", views.funnel_page, name="funnel"),
]
