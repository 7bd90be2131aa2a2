from django.apps import AppConfig


class CompactConfig(AppConfig):
    name = "compact"
    verbose_name = "Compact"

    def ready(self) -> None:
        from governance.signals import meeting_created
        from vmi_programme.navigation import LandingPanel, NavItem, register, register_panel

        from . import dashboard, rules, selectors, services

        dashboard.register()  # its trust-dashboard panel and partnership-summary table

        meeting_created.connect(
            services.on_meeting_created, dispatch_uid="compact.reflections_closing_item"
        )
        register(
            NavItem(
                "Compact",
                "compact:index",
                order=20,
                visible=rules.can_read_compact,
                description="The partnership's reciprocal promises, reflections and breaches.",
            )
        )
        register_panel(
            LandingPanel(
                "compact/_panel.html",
                selectors.landing_panel,
                order=20,
                visible=rules.can_read_compact,
            )
        )
