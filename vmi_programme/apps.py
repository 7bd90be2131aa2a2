from django.apps import AppConfig


class VmiProgrammeConfig(AppConfig):
    name = "vmi_programme"
    verbose_name = "Programme"

    def ready(self) -> None:
        from . import admin_infrastructure, jobs  # noqa: F401  (admin pages, core job kinds)
        from .access import Action, relations
        from .navigation import LandingPanel, NavItem, register, register_panel
        from .views_dashboards import dashboards_panel
        from .views_governance import overdue_actions_panel

        register(NavItem("Home", "home", order=0))
        register(
            NavItem(
                "Governance",
                "governance",
                order=10,
                description="TGB, TGT and KPO leads' meetings: agendas, attendance, actions.",
            )
        )
        register(
            NavItem(
                "Daily work",
                "daily-work",
                order=12,
                description="Teams, huddles, production boards and standard work.",
            )
        )
        register(
            NavItem(
                "Priorities",
                "priorities",
                order=14,
                description="National priorities and each trust's strategic objectives.",
            )
        )
        register(
            NavItem(
                "Trust context",
                "trust-context",
                order=16,
                description="Table 4.1: CQC ratings, CEO tenures and prior cultural work.",
            )
        )
        register_panel(
            LandingPanel(
                "vmi_programme/infrastructure/_overdue_actions_panel.html",
                overdue_actions_panel,
                order=10,
            )
        )
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
        register_panel(
            LandingPanel(
                "vmi_programme/dashboards/_landing_panel.html",
                dashboards_panel,
                order=5,
            )
        )
        register(
            NavItem(
                "Organisations",
                "organisation-list",
                order=90,
                description="Partner and peer trusts, the regulator and the CI partner.",
            )
        )
        register(
            NavItem(
                "Analysis runs",
                "job-list",
                order=95,
                description="Recorded analyses: their progress, results and errors.",
            )
        )
        register(
            NavItem(
                "Admin",
                "admin:index",
                order=99,
                visible=lambda user: user.is_staff and "other" in relations(user, Action.CHANGE),
                description="Organisations, people, roles and programme configuration.",
            )
        )


def _sees_a_trust_dashboard(user) -> bool:
    from .access import Action, relations

    return bool({"own", "other"} & relations(user, Action.VIEW))


def _sees_partnership_summary(user) -> bool:
    from .access import actor_for
    from .models import Role

    actor = actor_for(user)
    return bool(actor and actor.has_role(Role.REGULATOR, Role.TGB_MEMBER, Role.ADMINISTRATOR))


def _prepares_tgt_report(user) -> bool:
    from .access import actor_for
    from .models import Role

    actor = actor_for(user)
    return bool(
        actor
        and actor.organisation_id
        and actor.has_role(Role.KPO_LEAD, Role.KPO_FACILITATOR, Role.EXECUTIVE)
    )
