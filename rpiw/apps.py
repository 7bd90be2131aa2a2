from django.apps import AppConfig


class RpiwConfig(AppConfig):
    name = "rpiw"
    verbose_name = "RPIWs and value streams"

    def ready(self) -> None:
        from vmi_programme.access import actor_for, can_view_partnership, sees_trust_records
        from vmi_programme.navigation import LandingPanel, NavItem, register, register_panel

        from . import dashboard, imports  # noqa: F401  (registers the RPIW template-report import)
        from .selectors import unread_notifications

        def in_a_trust(user) -> bool:
            actor = actor_for(user)
            return bool(actor and actor.organisation_id and actor.roles)

        dashboard.register()  # its trust-dashboard panels and Table 7.1

        from vmi_programme import deletes

        from .models import FollowUpReminder, MetricVersion, RpiwStatusChange

        # Their owners as their access_scope() says, for a delete's one grouped query per kind
        # (ADR 9).
        deletes.register_scope_path(MetricVersion, "metric__value_stream__organisation")
        deletes.register_scope_path(RpiwStatusChange, "rpiw__value_stream__organisation")
        deletes.register_scope_path(FollowUpReminder, "rpiw__value_stream__organisation")
        register_agenda_links()
        register_activity_groups()
        register(
            NavItem(
                "RPIWs",
                "rpiw:workspace",
                order=30,
                # A trust's staff get their workspace, the regulator the trusts' RPIWs; the CI
                # partner's TGB members see the partnership's Tables 7.1 and 7.2 instead.
                visible=lambda user: in_a_trust(user) and sees_trust_records(user),
                description="Your trust's RPIWs by stage, follow-ups due, value streams and "
                "metrics; for the regulator, every partner trust's RPIWs.",
            )
        )
        register(
            NavItem(
                "Table 7.1",
                "rpiw:table-7-1",
                order=60,
                visible=can_view_partnership,
                description="Value streams and RPIWs across the partner trusts; Table 7.2: "
                "RPIW measures, baseline vs follow-up.",
            )
        )
        register_panel(
            LandingPanel(
                template="rpiw/_notifications_panel.html",
                context=lambda user: {
                    "rpiw_notifications": list(unread_notifications(user)[:5]),
                    "rpiw_unread": unread_notifications(user).count(),
                },
                order=10,
                visible=in_a_trust,
            )
        )


def register_agenda_links() -> None:
    """What a TGT or TGB agenda item may be about: an RPIW, a value stream, a metric change."""
    from governance.agenda_links import LinkKind, register, trust_records

    from .models import MetricChangeRequest, Rpiw, ValueStream

    register(
        LinkKind(
            "rpiw",
            "RPIW",
            lambda meeting, user: trust_records(
                Rpiw.objects.all(), meeting, user, via="value_stream__organisation"
            ),
            order=10,
        )
    )
    register(
        LinkKind(
            "metric_change",
            "metric change",
            lambda meeting, user: trust_records(
                MetricChangeRequest.objects.select_related("metric"),
                meeting,
                user,
                via="metric__value_stream__organisation",
            ),
            order=20,
        )
    )
    register(
        LinkKind(
            "value_stream",
            "value stream",
            lambda meeting, user: trust_records(
                ValueStream.objects.all(), meeting, user, via="organisation"
            ),
            order=30,
        )
    )


def register_activity_groups() -> None:
    """Who took part in RPIWs and led value streams, for comparisons by improvement activity."""
    from vmi_programme.activity_groups import ActivityGroup, register

    from .selectors import rpiw_team_members, value_stream_leads

    register(ActivityGroup("rpiw_team", "RPIW team members", rpiw_team_members, order=10))
    register(ActivityGroup("value_stream_lead", "Value-stream leads", value_stream_leads, order=20))
