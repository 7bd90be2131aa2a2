from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "Impact"

    def ready(self) -> None:
        from vmi_programme.navigation import NavItem, register

        from . import dashboard, imports, jobs  # noqa: F401  (register the import specs and job kinds)

        dashboard.register()  # its trust-dashboard panels and Tables 7.2, 7.3, Section 8.2

        register(
            NavItem(
                "Impact",
                "impact:index",
                order=60,
                description="RPIW t-tests, organisational series against peers (ITS), SPC.",
            )
        )
