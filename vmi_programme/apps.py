from django.apps import AppConfig


class VmiProgrammeConfig(AppConfig):
    name = "vmi_programme"
    verbose_name = "Programme"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import jobs, people_import, privacy  # noqa: F401  (job kinds, the staff list)
        from .access import Action, relations
        from .imports import jobs as import_jobs  # noqa: F401  (the import check and commit)
        from .middleware import stamp_sign_in
        from .navigation import NavItem, register

        user_logged_in.connect(stamp_sign_in, dispatch_uid="vmi-stamp-sign-in")

        register(NavItem("Home", "home", order=0))
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
        from .people_pages import may_open_people

        register(
            NavItem(
                "People",
                "people-list",
                order=92,
                visible=may_open_people,
                description="A trust's people and accounts: invitations, roles, leavers, "
                "subject-access requests and erasure.",
            )
        )
        register(
            NavItem(
                "Audit trail",
                "audit-trail",
                order=97,
                # Only for those the policy lets read some of it (KPO leads, the regulator,
                # administrators).
                visible=lambda user: bool(relations(user, Action.VIEW_AUDIT)),
                description="Who created, changed or deleted which record, when and from where.",
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
