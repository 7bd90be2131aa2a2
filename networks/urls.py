"""URLs of the networks app."""

from django.urls import path

from . import views

app_name = "networks"
urlpatterns = [
    path("", views.index, name="index"),
    path("table-5-4/", views.table_5_4, name="table-5-4"),
    path("trusts/<int:trust_pk>/waves/<int:wave_pk>/", views.wave_network, name="wave"),
    path("trusts/<int:trust_pk>/waves/<int:wave_pk>/rerun/", views.wave_rerun, name="wave-rerun"),
    path(
        "trusts/<int:trust_pk>/waves/<int:wave_pk>/import/",
        views.import_nominations,
        name="import",
    ),
    path("trusts/<int:trust_pk>/change/", views.change_over_time, name="change"),
    path("trusts/<int:trust_pk>/merge/", views.merge_people, name="merge"),
    path("trusts/<int:trust_pk>/activity/", views.activity, name="activity"),
    path("trusts/<int:trust_pk>/matches/", views.matches, name="matches"),
    path("trusts/<int:trust_pk>/matches/confirm/", views.match_confirm, name="match-confirm"),
    path("trusts/<int:trust_pk>/matches/reject/", views.match_reject, name="match-reject"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("answer/<str:token>/saved/", views.answer_saved, name="answer-saved"),
    path("answer/<str:token>/people/", views.answer_people, name="answer-people"),
]
