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
                description="A trust at a glance: training, value streams, RPIWs, impact, "
                "network, daily work, the compact and the TGT, for any period.",
            )
        )
        register(
            NavItem(
                "Partnership",
                "partnership-summary",
                order=6,
                visible=_sees_partnership_summary,
                description="The partner trusts side by side: the report's tables, computed from "
                "the trusts' records, with downloads.",
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
        _watch_records()


#: The apps whose records the dashboards' figures are built from (every model but histories),
#: and the core's models they show.
WATCHED_APPS = ("governance", "training", "rpiw", "networks", "impact", "compact")
WATCHED_CORE_MODELS = ("Organisation", "Partnership", "Person", "RoleAssignment")


def _watch_records() -> None:
    """Mark the read model's snapshots changed whenever a record behind them changes."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from vmi_programme import signals

    from . import read_model

    def changed(sender, instance, **kwargs) -> None:
        if signals.is_quiet() or kwargs.get("raw") or type(instance) not in watched:
            return
        from vmi_programme.access import scope_of

        try:
            organisation_id = scope_of(instance).organisation_id
        except Exception:  # an object whose owner cannot be found (being deleted): assume any
            organisation_id = None
        read_model.mark_changed([organisation_id])

    def bulk_changed(sender, organisation_ids=None, **kwargs) -> None:
        if not signals.is_quiet():
            read_model.mark_changed(organisation_ids)

    models = [m for label in WATCHED_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model("vmi_programme", name) for name in WATCHED_CORE_MODELS]
    watched = {m for m in models if not m.__name__.startswith("Historical")}  # not audit rows
    for model in watched:
        uid = f"read-model-{model._meta.label_lower}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
    m2m_changed.connect(changed, dispatch_uid="read-model-m2m", weak=False)
    signals.records_changed.connect(bulk_changed, dispatch_uid="read-model-bulk", weak=False)


def _sees_a_trust_dashboard(user) -> bool:
    """Only who may open some partner trust's dashboard: a CI partner's TGB member views their
    own organisation, which has no dashboard, so the item would lead to an empty page."""
    from vmi_programme.access import sees_trust_records

    return sees_trust_records(user)


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
