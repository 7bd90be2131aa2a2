from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from vmi_programme.navigation import LandingPanel, NavItem, register, register_panel

        from .views import dashboards_panel

        register(
            NavItem(
                "Dashboard",
                "dashboard-index",
                order=5,
                visible=_sees_a_trust_dashboard,
                description="Your trust at a glance: training, value streams, RPIWs, impact, "
                "network, daily work, the compact and the TGT, for any period.",
            )
        )
        register(
            NavItem(
                "Partnership",
                "partnership-summary",
                order=6,
                visible=_sees_partnership_summary,
                description="The partner trusts side by side: the report's tables computed live, "
                "with downloads.",
            )
        )
        register(
            NavItem(
                "TGT report",
                "tgt-report-index",
                order=7,
                visible=_prepares_tgt_report,
                description="The KPO's monthly report to the TGT, as a page or PDF.",
            )
        )
        register_panel(LandingPanel("dashboards/_landing_panel.html", dashboards_panel, order=5))


def _sees_a_trust_dashboard(user) -> bool:
    from vmi_programme.access import Action, relations

    return bool({"own", "other"} & relations(user, Action.VIEW))


def _sees_partnership_summary(user) -> bool:
    from vmi_programme.access import actor_for
    from vmi_programme.models import Role

    actor = actor_for(user)
    return bool(actor and actor.has_role(Role.REGULATOR, Role.TGB_MEMBER, Role.ADMINISTRATOR))


def _prepares_tgt_report(user) -> bool:
    from vmi_programme.access import actor_for
    from vmi_programme.models import Role

    actor = actor_for(user)
    return bool(
        actor
        and actor.organisation_id
        and actor.has_role(Role.KPO_LEAD, Role.KPO_FACILITATOR, Role.EXECUTIVE)
    )
