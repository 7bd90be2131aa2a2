"""The API keeps its published contract: Schemathesis calls every operation of /api/schema/.

Each operation is called in-process (the Django WSGI app, no server) as a KPO facilitator, the
regulator and an administrator, with a bounded, derandomised set of generated requests: the
schema's examples, its coverage cases (boundary and invalid values, which must answer 4xx) and
a few random ones. Any 5xx, any status code the schema does not document, any body that does
not conform to the documented schema, and any invalid input that is accepted fails the test.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from schemathesis.config import SchemathesisConfig

from factories import OrganisationFactory, PersonFactory, user_with_roles
from vmi_programme.models import OrganisationKind, Role

# Operations that are not an API contract to fuzz: signing in is throttled by design (axes,
# AnonRateThrottle) and the schema endpoint describes itself.
EXCLUDED_PATHS = ("/api/auth/token/", "/api/schema/")


def _config(*, max_examples: int, coverage: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 20261130,
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,
                "no-shrink": True,
                "mode": "all",  # valid data, and invalid data that must be refused
            },
            "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
            "checks": {
                # A schema cannot say "an id that exists": a well-typed id of no record is
                # rightly refused (a filter's or a body's 400), so valid-looking input may be.
                "positive_data_acceptance": {"enabled": False},
            },
            "suppress-health-check": ["all"],
        }
    )


# In the normal suite each operation gets the schema's examples and a few random valid and
# invalid requests (10 as the KPO facilitator, who may write; 3 as the others), so the module
# stays within a few minutes. VMI_API_CONTRACT_DEEP=1 adds the coverage phase for the KPO
# facilitator: boundary values and each kind of invalid value for every parameter and body
# field, about 100 requests an operation (some 25,000 in all; run it before a release).
DEEP = os.environ.get("VMI_API_CONTRACT_DEEP") == "1"
WRITER = _config(max_examples=10, coverage=DEEP)
READER = _config(max_examples=3, coverage=False)

# How many requests the test made, by role: printed at the end of the module.
REQUESTS: Counter[str] = Counter()


RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def _load_schema(config: SchemathesisConfig):
    loaded = schemathesis.openapi.from_dict(RAW_SCHEMA, config=config)
    loaded.app = get_wsgi_application()
    return loaded.exclude(path=list(EXCLUDED_PATHS))


writer_schema = _load_schema(WRITER)
reader_schema = _load_schema(READER)


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    """As Django's test client does: the app's ``request_started``/``request_finished`` handlers
    must not close the test's connection around each call (they close PostgreSQL's inside the
    test's transaction, failing every request; SQLite's in-memory one is never closed)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(scope="module")
def contract_data(django_db_setup, django_db_blocker):
    """A small partnership made once for the module, flushed after it: two trusts, the
    regulator, a user per role, and records in each app for the generated ids to find."""
    with django_db_blocker.unblock():
        data = _make_data()
        yield data
        print(f"\nAPI contract requests by role: {dict(REQUESTS)}, total {sum(REQUESTS.values())}")
        call_command("flush", interactive=False, verbosity=0)


def _make_data() -> dict:
    from rpiw import services as rpiw_services
    from rpiw.models import MeasureKind, MetricCategory, ValueStream

    trust = OrganisationFactory(short_name="SASH", ods_code="RTP")
    other = OrganisationFactory(short_name="LTHT", ods_code="RR8")
    regulator = OrganisationFactory(
        short_name="NHSEI", ods_code=None, kind=OrganisationKind.REGULATOR
    )
    PersonFactory(organisation=other)
    # An unusable password: the users sign in with a token, and hashing one per user is slow.
    users = {
        "kpo": user_with_roles(trust, Role.KPO_FACILITATOR, username="kpo", password="!"),
        "regulator": user_with_roles(regulator, Role.REGULATOR, username="regulator", password="!"),
        "administrator": user_with_roles(trust, Role.ADMINISTRATOR, username="admin", password="!"),
    }
    stream = ValueStream.objects.create(
        organisation=trust, name="Elective orthopaedics", started_on=dt.date(2025, 1, 6)
    )
    metric = rpiw_services.add_metric(
        stream,
        category=MetricCategory.SERVICE,
        name="Lead time",
        definition="Referral to treatment",
        unit="days",
        direction="lower",
    )
    rpiw_services.record_metric_value(metric, dt.date(2025, 3, 31), Decimal("41"))
    rpiw = rpiw_services.create_rpiw(
        stream, title="Pre-op assessment", workshop_start=dt.date(2025, 2, 3)
    )
    measure = rpiw_services.add_measure(
        rpiw, kind=MeasureKind.LEAD_TIME, name="Lead time", unit="hours"
    )
    # A lead time has no defect ratio: its ratio is null, which the schema must allow.
    rpiw_services.record_measurement(
        measure, 0, value=Decimal("12.5"), measured_on=rpiw.workshop_start
    )
    tokens = {role: AuthToken.objects.create(user=user)[1] for role, user in users.items()}
    return {"users": users, "tokens": tokens, "trust": trust}


def _existing_id(path: str) -> int | None:
    """The id of the first record the operation's viewset holds, or None."""
    try:
        match = resolve(path.replace("{id}", "1"))
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None)
    queryset = getattr(view, "queryset", None)
    if queryset is None:
        return None
    row = queryset.model.objects.order_by("pk").values_list("pk", flat=True).first()
    return row


def _call(case, contract_data, role):
    # Half the generated ids (the even ones) are pointed at a record that exists, so detail,
    # update and delete operations reach their serializers and services, not only their 404.
    generated = (case.path_parameters or {}).get("id")
    if isinstance(generated, int) and generated % 2 == 0:
        existing = _existing_id(case.operation.path)
        if existing is not None:
            case.path_parameters["id"] = existing
    REQUESTS[role] += 1
    case.call_and_validate(headers={"Authorization": f"Token {contract_data['tokens'][role]}"})


@writer_schema.parametrize()
def test_every_operation_keeps_its_contract_for_a_kpo_facilitator(case, db, contract_data):
    _call(case, contract_data, "kpo")


@reader_schema.parametrize()
def test_every_operation_keeps_its_contract_for_the_regulator(case, db, contract_data):
    _call(case, contract_data, "regulator")


@reader_schema.parametrize()
def test_every_operation_keeps_its_contract_for_an_administrator(case, db, contract_data):
    _call(case, contract_data, "administrator")
