"""One URL per page URL pattern, its ids filled from the seeded demo (issue 17's guards).

``pattern_urls()`` walks the whole URLconf (the API and the admin aside: they have their own
contract tests) and gives each pattern a real URL: a pattern without parameters as it is, one
with parameters through ``SAMPLES``, a function of the URL name that looks up a demo object.
A new URL pattern with parameters therefore needs a line in ``SAMPLES``; ``unsampled()`` names
the ones that have none, and the crawl test fails on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Not pages: the API and the admin have their own tests; static files are WhiteNoise's.
SKIPPED_PREFIXES = ("api/", "admin/", "static/")


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator:
    """(route, namespaced name) for every URL pattern under ``resolver``."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name, entry.pattern.converters


def _pk(model_path: str, **filters: Any) -> int | None:
    from django.apps import apps

    obj = apps.get_model(model_path).objects.filter(**filters).order_by("pk").first()
    return obj.pk if obj else None


def _one(key: str, model_path: str, **filters: Any) -> Callable[[], dict | None]:
    def sample() -> dict | None:
        pk = _pk(model_path, **filters)
        return None if pk is None else {key: pk}

    return sample


def _pair(
    outer: str, outer_key: str, inner_model: str, inner_key: str, fk: str, **filters: Any
) -> Callable[[], dict | None]:
    """kwargs for a nested URL: an inner object and the outer object it belongs to."""

    def sample() -> dict | None:
        from django.apps import apps

        inner = apps.get_model(inner_model).objects.filter(**filters).order_by("pk").first()
        return (
            None if inner is None else {outer_key: getattr(inner, f"{fk}_id"), inner_key: inner.pk}
        )

    return sample


def _sash() -> Any:
    from vmi_programme.models import Organisation

    return Organisation.objects.get(short_name="SASH")


def _tgt_report() -> dict:
    # The latest month with demo data (the demo's records stop in 2019).
    return {"trust": "SASH", "month": "2019-06"}


def _network_wave() -> dict | None:
    from networks.models import Nomination

    nomination = Nomination.objects.order_by("pk").first()
    if nomination is None:
        return None
    return {"trust_pk": nomination.organisation_id, "wave_pk": nomination.wave_id}


def _network_token() -> dict | None:
    from networks.models import Nomination

    nomination = Nomination.objects.select_related("response__invitation").order_by("pk").first()
    return None if nomination is None else {"token": nomination.response.invitation.token}


def _survey_token() -> dict | None:
    from training.models import Invitation

    invitation = Invitation.objects.filter(wave__survey__programme__isnull=False).order_by("pk")
    first = invitation.first()
    return None if first is None else {"token": first.token}


def _impact_series() -> dict | None:
    from impact.models import SeriesValue

    value = SeriesValue.objects.select_related("measure", "organisation").order_by("pk").first()
    if value is None:
        return None
    return {"code": value.measure.code, "ods_code": value.organisation.ods_code}


def _impact_measure() -> dict | None:
    sample = _impact_series()
    return None if sample is None else {"code": sample["code"]}


def _peer_trust() -> dict | None:
    from impact.models import PeerGroup

    group = PeerGroup.objects.select_related("trust").order_by("pk").first()
    return None if group is None else {"ods_code": group.trust.ods_code}


def _standard_work_version() -> dict | None:
    from governance.models import StandardWorkVersion

    version = StandardWorkVersion.objects.order_by("pk").first()
    return None if version is None else {"pk": version.document_id, "number": version.number}


def _compact_version() -> dict | None:
    from compact.models import CompactVersion

    version = CompactVersion.objects.order_by("pk").first()
    return None if version is None else {"pk": version.compact_id, "number": version.number}


def _staff_member() -> dict | None:
    pk = _pk("vmi_programme.Person", organisation__short_name="SASH", user__isnull=True)
    return None if pk is None else {"pk": pk}


def _import_spec() -> dict:
    return {"spec_name": "training.enrolments"}


SAMPLES: dict[str, Callable[[], dict | None]] = {
    "job-detail": _one("pk", "vmi_programme.Job"),
    "job-status": _one("pk", "vmi_programme.Job"),
    "import-batch": _one("pk", "vmi_programme.ImportBatch"),
    "import-confirm": _one("pk", "vmi_programme.ImportBatch"),
    "import-encoding": _one("pk", "vmi_programme.ImportBatch"),
    "import-upload": _import_spec,
    "import-template": lambda: {**_import_spec(), "fmt": "csv"},
    "meeting-series": _one("pk", "governance.MeetingSeries"),
    "membership-add": _one("pk", "governance.MeetingSeries"),
    "membership-end": _pair(
        "governance.MeetingSeries", "pk", "governance.Membership", "membership_pk", "series"
    ),
    "meeting-create": _one("series_pk", "governance.MeetingSeries"),
    "meeting-detail": _one("pk", "governance.Meeting"),
    "meeting-edit": _one("pk", "governance.Meeting"),
    "agenda-item-add": _one("pk", "governance.Meeting"),
    "agenda-item-remove": _pair(
        "governance.Meeting", "pk", "governance.AgendaItem", "item_pk", "meeting"
    ),
    "agenda-item-edit": _pair(
        "governance.Meeting", "pk", "governance.AgendaItem", "item_pk", "meeting"
    ),
    "agenda-item-link": _pair(
        "governance.Meeting", "pk", "governance.AgendaItem", "item_pk", "meeting"
    ),
    "attendance-record": _one("pk", "governance.Meeting"),
    "decision-add": _one("pk", "governance.Meeting"),
    "action-add": _one("pk", "governance.Meeting"),
    "action-status": _pair(
        "governance.Meeting", "pk", "governance.MeetingAction", "action_pk", "meeting"
    ),
    "team-detail": _one("pk", "governance.Team"),
    "huddle-add": _one("pk", "governance.Team"),
    "board-create": _one("pk", "governance.Team"),
    "board-detail": _one("pk", "governance.ProductionBoard"),
    "board-edit": _one("pk", "governance.ProductionBoard"),
    "board-values": _one("pk", "governance.ProductionBoard"),
    "measure-add": _one("pk", "governance.ProductionBoard"),
    "measure-edit": _one("pk", "governance.BoardMeasure"),
    "standard-work-detail": _one("pk", "governance.StandardWorkDocument"),
    "standard-work-version": _standard_work_version,
    "standard-work-revise": _one("pk", "governance.StandardWorkDocument"),
    "trust-records": lambda: {"pk": _sash().pk},
    "cqc-rating-add": lambda: {"pk": _sash().pk},
    "ceo-tenure-add": lambda: {"pk": _sash().pk},
    "ceo-tenure-edit": _one("pk", "governance.CeoTenure"),
    "special-measures-add": lambda: {"pk": _sash().pk},
    "special-measures-edit": _one("pk", "governance.SpecialMeasuresPeriod"),
    "cultural-work-edit": lambda: {"pk": _sash().pk},
    "national-priority-edit": _one("pk", "governance.NationalPriority"),
    "objective-edit": _one("pk", "governance.StrategicObjective"),
    "trust-dashboard": lambda: {"trust": "SASH"},
    "tgt-report": _tgt_report,
    "tgt-report-pdf": _tgt_report,
    "tgt-report-attach": _tgt_report,
    "compact:detail": _one("pk", "compact.Compact"),
    "compact:versions": _one("pk", "compact.Compact"),
    "compact:version": _compact_version,
    "compact:diff": _one("pk", "compact.Compact"),
    "compact:renegotiate": _one("pk", "compact.Compact"),
    "compact:fulfilment": _one("pk", "compact.Compact"),
    "compact:breaches": _one("pk", "compact.Compact"),
    "compact:meetings": _one("pk", "compact.Compact"),
    "compact:meeting": _one("meeting_pk", "governance.Meeting", series__kind="tgb"),
    "compact:breach-new": _one("meeting_pk", "governance.Meeting", series__kind="tgb"),
    "compact:breach": _one("pk", "compact.Breach"),
    "compact:breach-discuss": _one("pk", "compact.Breach"),
    "compact:breach-repair": _one("pk", "compact.Breach"),
    "compact:breach-renegotiate": _one("pk", "compact.Breach"),
    "training:cohort": _one("pk", "training.Cohort"),
    "training:cohort-enrol": _one("pk", "training.Cohort"),
    "training:cohort-enrol-many": _one("pk", "training.Cohort"),
    "training:session-new": _one("pk", "training.Cohort"),
    "training:session-edit": _one("pk", "training.CohortSession"),
    "training:programme-edit": _one("pk", "training.Programme"),
    "training:module-new": _one("pk", "training.Programme"),
    "training:module-edit": _one("pk", "training.Module"),
    "training:cohort-withdraw": _one("pk", "training.Cohort"),
    "training:grid": _one("pk", "training.Cohort"),
    "training:wave": _one("pk", "training.SurveyWave", survey__programme__isnull=False),
    "training:wave-invitations": _one("pk", "training.SurveyWave", survey__programme__isnull=False),
    "training:survey": _one("pk", "training.Survey"),
    "training:survey-edit": _one("pk", "training.Survey"),
    "training:section-new": _one("pk", "training.Survey"),
    "training:section-edit": _one("pk", "training.SurveySection"),
    "training:question-new": _one("pk", "training.SurveySection"),
    "training:question-edit": _one("pk", "training.Question"),
    "training:question-move": lambda: {
        "pk": _pk("training.Question"),
        "direction": "down",
    },
    "training:wave-new": _one("pk", "training.Survey"),
    "training:wave-edit": _one("pk", "training.SurveyWave"),
    "training:wave-close": _one("pk", "training.SurveyWave"),
    "training:take": _survey_token,
    "training:take-save": _survey_token,
    "training:take-submit": _survey_token,
    "rpiw:value-stream-detail": _one("pk", "rpiw.ValueStream"),
    "rpiw:value-stream-edit": _one("pk", "rpiw.ValueStream"),
    "rpiw:metric-new": _one("pk", "rpiw.ValueStream"),
    "rpiw:metric-detail": _one("pk", "rpiw.ValueStreamMetric"),
    "rpiw:metric-value-record": _one("pk", "rpiw.ValueStreamMetric"),
    "rpiw:metric-change-propose": _one("pk", "rpiw.ValueStreamMetric"),
    "rpiw:change-decide": _one("pk", "rpiw.MetricChangeRequest"),
    "rpiw:change-withdraw": _one("pk", "rpiw.MetricChangeRequest"),
    "rpiw:rpiw-detail": _one("pk", "rpiw.Rpiw"),
    "rpiw:rpiw-edit": _one("pk", "rpiw.Rpiw"),
    "rpiw:rpiw-status-change": _one("pk", "rpiw.Rpiw"),
    "rpiw:measurement-record": _pair("rpiw.Rpiw", "pk", "rpiw.Measure", "measure_pk", "rpiw"),
    "rpiw:planning-task-toggle": _pair("rpiw.Rpiw", "pk", "rpiw.PlanningTask", "task_pk", "rpiw"),
    "rpiw:measure-new": _one("pk", "rpiw.Rpiw"),
    "networks:wave": _network_wave,
    "networks:wave-rerun": _network_wave,
    "networks:import": _network_wave,
    "networks:change": lambda: {"trust_pk": _sash().pk},
    "networks:merge": lambda: {"trust_pk": _sash().pk},
    "networks:answer": _network_token,
    "networks:answer-saved": _network_token,
    "networks:answer-people": _network_token,
    "impact:measure-detail": _impact_measure,
    "impact:series-detail": _impact_series,
    "impact:peer-group-detail": _peer_trust,
    "impact:peer-group-manual": _peer_trust,
    "impact:peer-group-nearest": _peer_trust,
    "impact:peer-history": _peer_trust,
    "impact:peer-members": _peer_trust,
    "impact:measure-edit": _impact_measure,
    "impact:characteristic-edit": _one("pk", "impact.OrganisationCharacteristic"),
    "impact:its-run-detail": _one("pk", "vmi_programme.Job", kind="impact.its"),
    "impact:board-measure-spc": _one("pk", "governance.BoardMeasure"),
    "impact:value-stream-metric-spc": _one("pk", "rpiw.ValueStreamMetric"),
    "networks:activity": lambda: {"trust_pk": _sash().pk},
    "networks:matches": lambda: {"trust_pk": _sash().pk},
    "networks:match-confirm": lambda: {"trust_pk": _sash().pk},
    "networks:match-reject": lambda: {"trust_pk": _sash().pk},
    "impact:spc-baseline-remove": _one("pk", "impact.ChartBaseline"),
    # A person without a sign-in, so that the crawl's empty posts leave the demo users alone.
    "person-detail": _staff_member,
    "person-edit": _staff_member,
    "person-deactivate": _staff_member,
    "person-reactivate": _staff_member,
    "person-export": _staff_member,
    "person-erase": _staff_member,
    "person-invite": _staff_member,
    "person-role-grant": _staff_member,
    "person-role-remove": lambda: {**(_staff_member() or {}), "role": "executive"},
    "invitation-accept": lambda: None,  # an account invitation's token: the demo sends none
    "account-token-revoke": lambda: None,  # a token of the signed-in user: the demo has none
    "oidc-approve": lambda: None,  # an account waiting for approval: the demo has none
    "oidc-start": lambda: None,  # a single-sign-on provider: the demo configures none
}

# Patterns whose demo object may be missing, and why that is not a gap in the guard.
MAY_HAVE_NO_OBJECT = {
    "account-token-revoke",
    "oidc-approve",
    "oidc-start",
    "invitation-accept",
    "impact:spc-baseline-remove",  # a fixed SPC baseline: the demo fixes none
}


def unsampled() -> list[str]:
    """Page patterns with parameters that ``SAMPLES`` cannot fill."""
    return sorted(
        f"{name} ({route})"
        for route, name, converters in walk()
        if not route.startswith(SKIPPED_PREFIXES) and converters and name not in SAMPLES
    )


def pattern_urls() -> list[tuple[str, str]]:
    """(URL name, URL) for every page pattern the demo has an object for."""
    urls = []
    for route, name, converters in walk():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if not converters:
            urls.append((name, reverse(name)))
            continue
        sample = SAMPLES.get(name)
        kwargs = sample() if sample else None
        if kwargs is not None:
            urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def missing_objects() -> list[str]:
    """Sampled patterns for which the demo gave no object (other than the expected ones)."""
    return sorted(
        name
        for route, name, converters in walk()
        if converters
        and name in SAMPLES
        and name not in MAY_HAVE_NO_OBJECT
        and not route.startswith(SKIPPED_PREFIXES)
        and SAMPLES[name]() is None
    )
