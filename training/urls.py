"""URLs of the training app."""

from django.urls import path

from . import views, views_surveys

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("cohorts/new/", views.cohort_create, name="cohort-new"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/enrolments/", views.cohort_enrol, name="cohort-enrol"),
    path("cohorts/<int:pk>/enrolments/many/", views.cohort_enrol_many, name="cohort-enrol-many"),
    path("cohorts/<int:pk>/sessions/new/", views.session_create, name="session-new"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme-new"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/modules/new/", views.module_create, name="module-new"),
    path("modules/<int:pk>/edit/", views.module_edit, name="module-edit"),
    path("cohorts/<int:pk>/withdrawals/", views.cohort_withdraw, name="cohort-withdraw"),
    path("cohorts/<int:pk>/assessments/", views.assessment_grid, name="grid"),
    path("overdue/", views.overdue, name="overdue"),
    path("diffusion/", views.diffusion, name="diffusion"),
    path("table-5-1/", views.table_5_1, name="table-5-1"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/waves/<int:pk>/", views.wave_results, name="wave"),
    path("surveys/waves/<int:pk>/invitations/", views.wave_invitations, name="wave-invitations"),
    path("surveys/manage/", views_surveys.survey_list, name="survey-list"),
    path("surveys/new/", views_surveys.survey_create, name="survey-new"),
    path("surveys/<int:pk>/", views_surveys.survey_detail, name="survey"),
    path("surveys/<int:pk>/edit/", views_surveys.survey_edit, name="survey-edit"),
    path("surveys/<int:pk>/sections/new/", views_surveys.section_create, name="section-new"),
    path("surveys/sections/<int:pk>/edit/", views_surveys.section_edit, name="section-edit"),
    path(
        "surveys/sections/<int:pk>/questions/new/",
        views_surveys.question_create,
        name="question-new",
    ),
    path("surveys/questions/<int:pk>/edit/", views_surveys.question_edit, name="question-edit"),
    path(
        "surveys/questions/<int:pk>/move/<str:direction>/",
        views_surveys.question_move,
        name="question-move",
    ),
    path("surveys/<int:pk>/waves/new/", views_surveys.wave_create, name="wave-new"),
    path("surveys/waves/<int:pk>/edit/", views_surveys.wave_edit, name="wave-edit"),
    path("surveys/waves/<int:pk>/close/", views_surveys.wave_close, name="wave-close"),
    path("s/<str:token>/", views.take_survey, name="take"),
    path("s/<str:token>/save/", views.survey_save, name="take-save"),
    path("s/<str:token>/submit/", views.survey_submit, name="take-submit"),
]
