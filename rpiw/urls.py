"""URLs of the rpiw app (mounted at /rpiw/)."""

from django.urls import path

from . import views

app_name = "rpiw"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("value-streams/", views.value_stream_list, name="value-stream-list"),
    path("value-streams/new/", views.value_stream_new, name="value-stream-new"),
    path("value-streams/<int:pk>/", views.value_stream_detail, name="value-stream-detail"),
    path("value-streams/<int:pk>/edit/", views.value_stream_edit, name="value-stream-edit"),
    path("value-streams/<int:pk>/metrics/new/", views.metric_new, name="metric-new"),
    path("metrics/<int:pk>/", views.metric_detail, name="metric-detail"),
    path("metrics/<int:pk>/values/", views.metric_value_record, name="metric-value-record"),
    path("metrics/<int:pk>/changes/", views.metric_change_propose, name="metric-change-propose"),
    path("metric-changes/<int:pk>/decide/", views.change_decide, name="change-decide"),
    path("metric-changes/<int:pk>/withdraw/", views.change_withdraw, name="change-withdraw"),
    path("golden-thread/", views.golden_thread, name="golden-thread"),
    path("rpiws/", views.rpiw_list, name="rpiw-list"),
    path("rpiws/measurements/", views.measurement_export, name="measurement-export"),
    path("rpiws/new/", views.rpiw_new, name="rpiw-new"),
    path("rpiws/<int:pk>/", views.rpiw_detail, name="rpiw-detail"),
    path("rpiws/<int:pk>/edit/", views.rpiw_edit, name="rpiw-edit"),
    path("rpiws/<int:pk>/status/", views.rpiw_status_change, name="rpiw-status-change"),
    path(
        "rpiws/<int:pk>/measures/<int:measure_pk>/measurements/",
        views.measurement_record,
        name="measurement-record",
    ),
    path(
        "rpiws/<int:pk>/planning/<int:task_pk>/toggle/",
        views.planning_task_toggle,
        name="planning-task-toggle",
    ),
    path("rpiws/<int:pk>/measures/new/", views.measure_new, name="measure-new"),
    path("tables/7-1/", views.table_7_1, name="table-7-1"),
    path("tables/7-2/", views.table_7_2, name="table-7-2"),
]
