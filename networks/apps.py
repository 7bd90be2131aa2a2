from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = "Improvement networks"

    def ready(self) -> None:
        from vmi_programme.navigation import NavItem, register

        from . import dashboard, imports, jobs, question_kind  # noqa: F401 (job kind, import spec, survey question)
        from .views import can_see_networks

        dashboard.register()  # its trust-dashboard panel and Table 5.4

        from vmi_programme.activity_groups import ActivityGroup
        from vmi_programme.activity_groups import register as register_activity

        from .selectors import l4l_graduates

        # L4L is training's; networks builds on training, so it names the group itself.
        register_activity(ActivityGroup("l4l_graduate", "L4L graduates", l4l_graduates, order=30))

        from vmi_programme import deletes

        from .models import Nomination

        # A nomination names its respondent and whom they named: only an administrator
        # deletes one outside the respondent's own answer (ADR 9).
        deletes.register_identity_bearing(Nomination)

        from vmi_programme import privacy

        from .models import PersonMerge

        # What others typed about a person, which may not match their name: blanked when that
        # person is erased; nominations name people until their retention date (PRIVACY.md).
        privacy.register(
            privacy.PersonalData(
                "Nominations naming them", Nomination, "alter", erase={"named_as": ""}
            ),
            privacy.PersonalData(
                "Merges of their records", PersonMerge, "kept", erase={"duplicate_name": ""}
            ),
            privacy.RetentionRule(
                "Nominations",
                Nomination,
                date_path="wave__closes_on",
                group_path="wave",
                person_fields=("respondent", "alter"),
                setting="PRIVACY_NOMINATION_RETENTION_DAYS",
                blank={"named_as": ""},
            ),
        )
        register(
            NavItem(
                "Networks",
                "networks:index",
                order=40,
                visible=can_see_networks,
                description="Improvement networks from the name-generator survey: maps, "
                "brokering (Table 5.4) and change over time.",
            )
        )
