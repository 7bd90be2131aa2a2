"""Pages of the CI infrastructure (mounted at the site root; URL names are global, as before)."""

from django.urls import path

from .views import context, daily_work, meetings

urlpatterns = [
    path("governance/", meetings.meeting_list, name="governance"),
    path("governance/series/new/", meetings.series_create, name="series-create"),
    path("governance/series/<int:pk>/", meetings.series_detail, name="meeting-series"),
    path(
        "governance/series/<int:pk>/memberships/new/",
        meetings.membership_add,
        name="membership-add",
    ),
    path(
        "governance/series/<int:pk>/memberships/<int:membership_pk>/end/",
        meetings.membership_end,
        name="membership-end",
    ),
    path(
        "governance/series/<int:series_pk>/meetings/new/",
        meetings.meeting_create,
        name="meeting-create",
    ),
    path("governance/meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("governance/meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path(
        "governance/meetings/<int:pk>/agenda/new/",
        meetings.agenda_item_add,
        name="agenda-item-add",
    ),
    path(
        "governance/meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        meetings.agenda_item_remove,
        name="agenda-item-remove",
    ),
    path(
        "governance/meetings/<int:pk>/agenda/<int:item_pk>/edit/",
        meetings.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "governance/meetings/<int:pk>/agenda/<int:item_pk>/links/new/",
        meetings.agenda_item_link,
        name="agenda-item-link",
    ),
    path(
        "governance/meetings/<int:pk>/attendance/",
        meetings.attendance_record,
        name="attendance-record",
    ),
    path(
        "governance/meetings/<int:pk>/decisions/new/",
        meetings.decision_add,
        name="decision-add",
    ),
    path("governance/meetings/<int:pk>/actions/new/", meetings.action_add, name="action-add"),
    path(
        "governance/meetings/<int:pk>/actions/<int:action_pk>/status/",
        meetings.action_status,
        name="action-status",
    ),
    path("daily-work/", daily_work.daily_work_index, name="daily-work"),
    path("daily-work/teams/new/", daily_work.team_create, name="team-create"),
    path("daily-work/teams/<int:pk>/", daily_work.team_detail, name="team-detail"),
    path("daily-work/teams/<int:pk>/huddles/new/", daily_work.huddle_add, name="huddle-add"),
    path("daily-work/teams/<int:pk>/boards/new/", daily_work.board_create, name="board-create"),
    path("daily-work/boards/<int:pk>/", daily_work.board_detail, name="board-detail"),
    path("daily-work/boards/<int:pk>/edit/", daily_work.board_edit, name="board-edit"),
    path("daily-work/boards/<int:pk>/values/", daily_work.board_values, name="board-values"),
    path("daily-work/boards/<int:pk>/measures/new/", daily_work.measure_add, name="measure-add"),
    path("daily-work/measures/<int:pk>/edit/", daily_work.measure_edit, name="measure-edit"),
    path(
        "daily-work/standard-work/new/",
        daily_work.standard_work_create,
        name="standard-work-create",
    ),
    path(
        "daily-work/standard-work/<int:pk>/",
        daily_work.standard_work_detail,
        name="standard-work-detail",
    ),
    path(
        "daily-work/standard-work/<int:pk>/versions/<int:number>/",
        daily_work.standard_work_detail,
        name="standard-work-version",
    ),
    path(
        "daily-work/standard-work/<int:pk>/revise/",
        daily_work.standard_work_revise,
        name="standard-work-revise",
    ),
    path("trust-context/", context.trust_context, name="trust-context"),
    path("trust-context/<int:pk>/", context.trust_records, name="trust-records"),
    path("trust-context/<int:pk>/cqc/new/", context.cqc_rating_add, name="cqc-rating-add"),
    path("trust-context/<int:pk>/ceo/new/", context.ceo_tenure_add, name="ceo-tenure-add"),
    path("trust-context/ceo/<int:pk>/edit/", context.ceo_tenure_edit, name="ceo-tenure-edit"),
    path(
        "trust-context/<int:pk>/special-measures/new/",
        context.special_measures_add,
        name="special-measures-add",
    ),
    path(
        "trust-context/special-measures/<int:pk>/edit/",
        context.special_measures_edit,
        name="special-measures-edit",
    ),
    path(
        "trust-context/<int:pk>/cultural-work/",
        context.cultural_work_edit,
        name="cultural-work-edit",
    ),
    path("priorities/", context.priority_list, name="priorities"),
    path(
        "priorities/national/new/",
        context.national_priority_create,
        name="national-priority-create",
    ),
    path(
        "priorities/national/<int:pk>/edit/",
        context.national_priority_edit,
        name="national-priority-edit",
    ),
    path("priorities/objectives/new/", context.objective_edit, name="objective-create"),
    path("priorities/objectives/<int:pk>/", context.objective_edit, name="objective-edit"),
]
