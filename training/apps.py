from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from vmi_programme.navigation import NavItem, register

        from . import dashboard, imports, question_kinds  # noqa: F401 (registers import specs, question kinds)

        dashboard.register()  # its trust-dashboard panel and Tables 5.1, 5.2

        from vmi_programme import deletes

        from .models import Answer, CohortSession, Invitation, Question, Response, SurveySection

        # They name survey respondents: only an administrator deletes them (ADR 9).
        deletes.register_identity_bearing(Invitation, Response, Answer)
        # Their owners as their access_scope() says, for a delete's one grouped query per kind.
        deletes.register_scope_path(Answer, "response__invitation__person__organisation")
        deletes.register_scope_path(Question, "section__survey__organisation")
        deletes.register_scope_path(SurveySection, "survey__organisation")
        deletes.register_scope_path(CohortSession, "cohort__organisation")

        from vmi_programme import privacy

        from .models import Assessment

        # A person's data beyond the keys to them (found by privacy itself): their survey
        # responses and answers, their assessments; invitations (and so the responses through
        # them) name them until the retention date (docs/PRIVACY.md).
        privacy.register(
            privacy.PersonalData("Survey responses", Response, "invitation__person"),
            privacy.PersonalData("Survey answers", Answer, "response__invitation__person"),
            privacy.PersonalData("Module assessments", Assessment, "enrolment__person"),
            privacy.RetentionRule(
                "Survey responses",
                Invitation,
                date_path="wave__closes_on",
                group_path="wave",
                person_fields=("person",),
                setting="PRIVACY_SURVEY_RESPONSE_RETENTION_DAYS",
            ),
        )

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
