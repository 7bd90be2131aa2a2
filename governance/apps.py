from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "CI infrastructure"

    def ready(self) -> None:
        from vmi_programme.navigation import LandingPanel, NavItem, register, register_panel

        from . import dashboard
        from .views.meetings import overdue_actions_panel

        dashboard.register()  # its trust-dashboard panels and Table 4.1

        from vmi_programme import deletes

        from .models import AgendaItemLink

        # Its owner as its access_scope() says, for a delete's grouped query (ADR 9).
        deletes.register_scope_path(AgendaItemLink, "agenda_item__meeting__series__organisation")
        register_agenda_links()

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
                "governance/_overdue_actions_panel.html",
                overdue_actions_panel,
                order=10,
            )
        )


def register_agenda_links() -> None:
    """An agenda item may be about one of the trust's standard work documents."""
    from .agenda_links import LinkKind, register, trust_records
    from .models import StandardWorkDocument

    register(
        LinkKind(
            "standard_work",
            "standard work document",
            lambda meeting, user: trust_records(
                StandardWorkDocument.objects.select_related("organisation").prefetch_related(
                    "versions"
                ),
                meeting,
                user,
                via="organisation",
            ),
            order=40,
        )
    )
