"""URLs of the compact app."""

from django.urls import path

from . import views

app_name = "compact"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/renegotiate/", views.renegotiate, name="renegotiate"),
    path("<int:pk>/fulfilment/", views.fulfilment, name="fulfilment"),
    path("<int:pk>/breaches/", views.breaches, name="breaches"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("meetings/<int:meeting_pk>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_pk>/breaches/new/", views.breach_new, name="breach-new"),
    path("breaches/<int:pk>/", views.breach, name="breach"),
    path("breaches/<int:pk>/discuss/", views.breach_discuss, name="breach-discuss"),
    path("breaches/<int:pk>/repair/", views.breach_repair, name="breach-repair"),
    path("breaches/<int:pk>/renegotiate/", views.breach_renegotiate, name="breach-renegotiate"),
]
