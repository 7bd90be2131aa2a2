from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from vmi_programme.navigation import NavItem, register

        from . import dashboard, imports, question_kinds  # noqa: F401 (registers import specs, question kinds)

        dashboard.register()  # its trust-dashboard panel and Tables 5.1, 5.2

        from vmi_programme import deletes

        from .models import Answer, Invitation, Response

        # They name survey respondents: only an administrator deletes them (ADR 9).
        deletes.register_identity_bearing(Invitation, Response, Answer)

        register(
            NavItem(
                "Training",
                "training:index",
                order=30,
                description="L4L and ALT cohorts, assessments, diffusion and Table 5.1.",
            )
        )
        register(
            NavItem(
                "Surveys",
                "training:surveys",
                order=35,
                description="Participant surveys: invitations, responses, results (Table 5.2).",
            )
        )
