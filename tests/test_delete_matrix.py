"""Deletes and edits respect ownership: every role × every API DELETE/PUT/PATCH (ADR 9).

One small world holds partnership-level parents (a survey and its wave, a programme and its
modules, an impact measure, a national priority, the TGB and a meeting) whose children belong
to two trusts, and trust-owned parents with children of their own. Every detail endpoint of the
API that answers DELETE, PUT or PATCH is found from the URL resolver, so a new endpoint is in
the matrix the day it is added. Each request runs in a savepoint rolled back afterwards; its
effect is read from a snapshot of every row before and after.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.db import connection, transaction
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from factories import PersonFactory, user_with_roles
from governance.models import (
    Attendance,
    MeetingKind,
    MeetingSeries,
    Membership,
    NationalPriority,
    StrategicObjective,
)
from governance.services import meetings as meeting_services
from impact.models import Measure, SeriesValue
from networks.models import Nomination
from training.models import (
    Answer,
    Assessment,
    Cohort,
    Enrolment,
    Invitation,
    Module,
    Programme,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveySection,
    SurveyWave,
)
from vmi_programme import deletes
from vmi_programme.access import Action, can, scope_of
from vmi_programme.errors import DeleteRefused
from vmi_programme.models import Role

pytestmark = pytest.mark.django_db

ROLES = {
    "KPO facilitator": ("trust", (Role.KPO_FACILITATOR,)),
    "KPO lead": ("trust", (Role.KPO_LEAD,)),
    "executive": ("trust", (Role.EXECUTIVE,)),
    "analyst": ("trust", (Role.ANALYST,)),
    "TGB member": ("trust", (Role.TGB_MEMBER,)),
    "CEO on the TGB": ("trust", (Role.EXECUTIVE, Role.TGB_MEMBER)),
    "regulator": ("regulator_org", (Role.REGULATOR,)),
    "administrator": ("regulator_org", (Role.ADMINISTRATOR,)),
}
PROJECT_APPS = {"vmi_programme", "governance", "training", "networks", "rpiw", "compact", "impact"}
NOW = timezone.now()


# --- the world -------------------------------------------------------------------------------


def _survey_data(survey, wave, people):
    """Invite ``people`` to ``wave``; each answers and names the next colleague of their trust."""
    question = Question.objects.get(section__survey=survey, code="q1")
    for person in people:
        invitation = Invitation.objects.create(wave=wave, person=person, sent_on=wave.opens_on)
        response = Response.objects.create(
            invitation=invitation, started_at=NOW, updated_at=NOW, completed_at=NOW
        )
        Answer.objects.create(response=response, question=question, likert=4)
        colleague = PersonFactory(organisation=person.organisation)
        Nomination.objects.create(
            response=response,
            wave=wave,
            organisation=person.organisation,
            respondent=person,
            alter=colleague,
            advice=True,
        )


def _survey(organisation, title):
    survey = Survey.objects.create(organisation=organisation, title=title)
    section = SurveySection.objects.create(survey=survey, order=1, key="s", title="S")
    Question.objects.create(
        section=section, order=1, code="q1", text="Q", kind=QuestionKind.LIKERT, required=False
    )
    return survey


@pytest.fixture
def world(trust, other_trust, regulator_org):
    """Partnership parents with children at two trusts, and each trust's own records."""
    people = {
        org: [PersonFactory(organisation=org) for _ in range(2)] for org in (trust, other_trust)
    }
    opens = dt.date(2018, 11, 1)

    shared = _survey(None, "Partnership survey")
    shared_wave = SurveyWave.objects.create(
        survey=shared, name="Nov 2018", opens_on=opens, closes_on=opens + dt.timedelta(days=29)
    )
    SurveyWave.objects.create(
        survey=shared,
        name="Nov 2019",
        opens_on=dt.date(2019, 11, 1),
        closes_on=dt.date(2019, 11, 30),
    )
    _survey_data(shared, shared_wave, people[trust] + people[other_trust])
    own = _survey(trust, "SASH staff survey")
    own_wave = SurveyWave.objects.create(
        survey=own, name="Nov 2018", opens_on=opens, closes_on=opens + dt.timedelta(days=29)
    )
    _survey_data(own, own_wave, people[trust][:1])

    programme = Programme.objects.create(
        code="L4L", name="Lean for Leaders", assessment_method="homework"
    )
    module = Module.objects.create(programme=programme, number=1, title="Flow")
    Module.objects.create(programme=programme, number=2, title="Standard work")
    Programme.objects.create(
        code="OWN", name="Own", assessment_method="homework", organisation=trust
    )
    for org in (trust, other_trust):
        cohort = Cohort.objects.create(
            programme=programme, organisation=org, name=f"{org.short_name} 1", starts_on=opens
        )
        enrolment = Enrolment.objects.create(
            person=people[org][0], cohort=cohort, enrolled_on=opens
        )
        Assessment.objects.create(enrolment=enrolment, module=module, submitted_on=opens)

    measure = Measure.objects.create(code="fft", name="FFT", direction="higher")
    Measure.objects.create(code="spare", name="Spare", direction="lower")
    priority = NationalPriority.objects.create(code="ae-4h", title="A&E four hours")
    NationalPriority.objects.create(code="rtt", title="Referral to treatment")
    for org in (trust, other_trust):
        SeriesValue.objects.create(organisation=org, measure=measure, period=opens, value=1.0)
        objective = StrategicObjective.objects.create(organisation=org, title="Flow")
        objective.national_priorities.add(priority)

    tgb = MeetingSeries.objects.create(kind=MeetingKind.TGB, name="TGB", organisation=None)
    meeting = meeting_services.create_meeting(tgb, date=opens)
    for org in (trust, other_trust):
        Membership.objects.create(
            series=tgb, person=people[org][1], role="member", started_on=opens
        )
        Attendance.objects.create(meeting=meeting, person=people[org][1], status="present")
    return {"shared_wave": shared_wave, "own_wave": own_wave, "programme": programme}


def _users(trust, regulator_org):
    orgs = {"trust": trust, "regulator_org": regulator_org}
    return {
        role: user_with_roles(orgs[where], *roles, username=f"u{i}")
        for i, (role, (where, roles)) in enumerate(ROLES.items())
    }


# --- what the API offers ---------------------------------------------------------------------


def detail_endpoints() -> Iterator[tuple[str, type]]:
    """(route regex, viewset) of every API detail route answering DELETE, PUT or PATCH."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    seen = set()
    for route, callback in walk(get_resolver().url_patterns):
        actions = getattr(callback, "actions", None) or {}
        if not route.startswith("api/") or "format" in route:
            continue
        if not {"delete", "put", "patch"} & set(actions):
            continue
        if (route, callback.cls) not in seen:
            seen.add((route, callback.cls))
            yield route, callback.cls


def _url(route: str, value) -> str:
    path = re.sub(r"\(\?P<\w+>[^)]*\)", str(value), route).replace("^", "").replace("$", "")
    return "/" + path


# --- the snapshot ----------------------------------------------------------------------------


def _models() -> list[type[Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in PROJECT_APPS
        and not m.__name__.startswith("Historical")
        and not m._meta.proxy
    ]


def snapshot(models=None) -> dict:
    return {
        m: {row["pk"]: row for row in m._base_manager.order_by().values("pk", *_columns(m))}
        for m in models or _models()
    }


def _columns(model):
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def _owners(before: dict) -> dict:
    """Who owns each row, asked row by row (the policy's exact answer, not the bulk one)."""
    owners = {}
    for model, rows in before.items():
        if not rows:
            continue
        for obj in model._base_manager.filter(pk__in=list(rows)):
            if model._meta.auto_created:  # a link row is part of the row declaring the relation
                (end,) = [
                    getattr(obj, f.name)
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.related_model is model._meta.auto_created
                ]
                owners[model, obj.pk] = [scope_of(end)]
            else:
                owners[model, obj.pk] = [scope_of(obj)]
    return owners


def _writes() -> int | None:
    """Rows written so far on this connection, if the database says (to skip unchanged
    snapshots): SQLite counts them per connection, PostgreSQL per transaction."""
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
            return cursor.fetchone()[0]
    return None


def _touched(before: dict, after: dict) -> Iterator[tuple[type[Model], object, str]]:
    for model, rows in before.items():
        now = after[model]
        for pk, row in rows.items():
            if pk not in now:
                yield model, pk, "removed"
            elif now[pk] != row:
                yield model, pk, "altered"


def _dependents(obj) -> list[tuple[type[Model], object]]:
    """Every row that refers to ``obj``, by Django's own collector (not vmi_programme.deletes)."""
    collector = NestedObjects(using="default")
    collector.collect([obj])
    rows = [(type(o)._meta.concrete_model, o.pk) for o in collector.protected]
    for model, instances in collector.data.items():
        rows += [(model._meta.concrete_model, o.pk) for o in instances]
    return [row for row in rows if row != (type(obj)._meta.concrete_model, obj.pk)]


# --- the matrix ------------------------------------------------------------------------------


def _patches(instance, serializer_class) -> list[dict]:
    """A PATCH per writable parent field: each other value it could take in the world."""
    bodies = [{}]
    serializer = serializer_class()
    for name, field in serializer.fields.items():
        queryset = getattr(field, "queryset", None)
        if field.read_only or queryset is None or getattr(field, "many", False):
            continue
        current = getattr(instance, f"{name}_id", None)
        candidates = [None] if getattr(field, "allow_null", False) and current is not None else []
        candidates += list(
            queryset.model._base_manager.exclude(pk=current)
            .order_by("pk")
            .values_list("pk", flat=True)[:2]
        )
        bodies += [{name: value} for value in candidates]
    return bodies


def test_no_role_removes_or_alters_another_owners_rows_through_any_api_endpoint(
    world, trust, regulator_org
):
    users = _users(trust, regulator_org)
    before = {model: rows for model, rows in snapshot().items() if rows}
    owners = _owners(before)
    held = list(before)  # a request can only remove or alter rows that exist
    admin_api = APIClient()
    admin_api.force_authenticate(users["administrator"])
    endpoints = list(detail_endpoints())
    assert len(endpoints) > 30  # the router's detail routes, found, not listed by hand
    assert any(route.startswith("api/training/^waves/") for route, _ in endpoints)
    failures: list[str] = []
    requests = 0
    for route, viewset in endpoints:
        model = viewset.queryset.model
        lookup = getattr(viewset, "lookup_field", "pk")
        objects = list(model._base_manager.order_by("pk")[:2])  # the world makes shared ones first
        for obj in objects:
            url = _url(route, getattr(obj, lookup))
            current = admin_api.get(url)
            full = current.json() if current.status_code == 200 else {}
            dependents = _dependents(obj)
            calls = [("delete", None)]
            for body in _patches(obj, viewset.serializer_class):
                calls.append(("patch", body))
            if full:
                calls.append(("put", {**full, **(calls[-1][1] or {})}))
            for role, user in users.items():
                api = APIClient()
                api.force_authenticate(user)
                administrator = role == "administrator"
                for method, body in calls:
                    requests += 1
                    with transaction.atomic():
                        written = _writes()
                        answer = getattr(api, method)(url, body, format="json")
                        unchanged = written is not None and _writes() == written
                        after = before if unchanged else snapshot(held)
                        moved = (
                            method != "delete"
                            and answer.status_code < 300
                            and deletes.fields_moving(
                                deletes.relation_values(obj),
                                model._base_manager.get(pk=obj.pk),
                            )
                        )
                        transaction.set_rollback(True)
                    where = f"{role} {method.upper()} {url} {body or ''} -> {answer.status_code}"
                    if answer.status_code >= 500:
                        failures.append(f"{where}: server error")
                    for row_model, pk, how in _touched(before, after):
                        row_owners = owners[row_model, pk]
                        if not all(can(user, Action.CHANGE, owner) for owner in row_owners):
                            failures.append(f"{where}: {how} {row_model.__name__} {pk} of others")
                        elif (
                            how == "removed"
                            and deletes.is_identity_bearing(row_model)
                            and not administrator
                        ):
                            failures.append(
                                f"{where}: removed {row_model.__name__} {pk} naming a respondent"
                            )
                    if moved:
                        for row_model, pk in dependents:
                            if not all(can(user, Action.CHANGE, o) for o in owners[row_model, pk]):
                                failures.append(
                                    f"{where}: moved {row_model.__name__} {pk} of others"
                                )
                                break
    assert not failures, "\n".join(failures[:40])
    assert requests > 600


# --- the cases the matrix was written for ---------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def _counts():
    return {
        m.__name__: m._base_manager.count()
        for m in (Invitation, Response, Answer, Nomination, SurveyWave, Cohort, SeriesValue)
    }


def test_a_ceo_on_the_tgb_cannot_delete_a_partnership_wave_holding_other_trusts_nominations(
    api, world, trust
):
    ceo = user_with_roles(trust, Role.EXECUTIVE, Role.TGB_MEMBER, username="ceo")
    api.force_authenticate(ceo)
    before = _counts()
    answer = api.delete(f"/api/training/waves/{world['shared_wave'].pk}/")
    assert answer.status_code == 409
    body = answer.json()
    assert body["dependents"]["nominations of other trusts"] == 2
    assert body["dependents"]["invitations of other trusts"] == 2
    assert body["dependents"]["nominations naming survey respondents"] == 2  # of the CEO's trust
    assert "2 nominations of other trusts" in body["detail"]
    assert _counts() == before


def test_the_regulators_refusal_counts_what_it_may_not_read_and_names_nobody(
    api, world, regulator_user
):
    api.force_authenticate(regulator_user)
    answer = api.delete(f"/api/training/waves/{world['shared_wave'].pk}/")
    assert answer.status_code == 409
    body = answer.json()
    assert body["dependents"] == {
        "answers of other trusts": 4,
        "invitations of other trusts": 4,
        "nominations of other trusts": 4,
        "responses of other trusts": 4,
    }
    names = Invitation.objects.values_list("person__full_name", flat=True)
    assert not any(name in str(body) for name in names)
    assert SurveyWave.objects.filter(pk=world["shared_wave"].pk).exists()


def test_an_administrator_deletes_a_partnership_wave_with_everything_in_it(
    api, world, make_user, regulator_org
):
    admin = make_user(regulator_org, Role.ADMINISTRATOR, username="admin")
    api.force_authenticate(admin)
    answer = api.delete(f"/api/training/waves/{world['shared_wave'].pk}/")
    assert answer.status_code == 204
    assert not Nomination.objects.filter(wave=world["shared_wave"].pk).exists()
    assert Nomination.objects.filter(wave=world["own_wave"]).count() == 1


def test_a_kpo_may_not_delete_an_invitation_of_their_own_trust_only_an_administrator_may(
    api, world, kpo_user
):
    invitation = Invitation.objects.get(wave=world["own_wave"])
    api.force_authenticate(kpo_user)
    answer = api.delete(f"/api/training/invitations/{invitation.pk}/")
    assert answer.status_code == 409
    assert "only an administrator may delete" in answer.json()["detail"].lower()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_a_kpo_deletes_their_own_trusts_cohort_with_its_enrolments_and_assessments(
    api, world, trust, kpo_user
):
    cohort = Cohort.objects.get(organisation=trust)
    api.force_authenticate(kpo_user)
    assert api.delete(f"/api/training/cohorts/{cohort.pk}/").status_code == 204
    assert not Enrolment.objects.filter(cohort=cohort.pk).exists()
    assert Enrolment.objects.count() == 1  # the other trust's


def test_the_regulator_may_not_delete_an_impact_measure_holding_trusts_series(
    world, regulator_user
):
    # The API offers no DELETE of a measure; the one check still answers for the admin pages.
    with pytest.raises(DeleteRefused) as refused:
        deletes.check_delete(regulator_user, Measure.objects.get(code="fft"))
    assert refused.value.blocked.dependents == {"series values of other trusts": 2}
    deletes.delete(regulator_user, Measure.objects.get(code="spare"))  # nothing of others
    assert SeriesValue.objects.count() == 2 and not Measure.objects.filter(code="spare").exists()


def test_a_tgb_member_cannot_unlink_trusts_objectives_by_deleting_a_national_priority(
    api, world, trust, make_user
):
    member = make_user(trust, Role.TGB_MEMBER, username="member")
    api.force_authenticate(member)
    priority = NationalPriority.objects.get(code="ae-4h")
    answer = api.delete(f"/api/national-priorities/{priority.pk}/")
    assert answer.status_code == 409
    assert StrategicObjective.national_priorities.through.objects.count() == 2


def test_moving_a_partnership_wave_to_another_survey_is_refused_unless_every_row_is_yours(
    api, world, trust, make_user, regulator_org
):
    other = _survey(None, "Another partnership survey")
    member = make_user(trust, Role.TGB_MEMBER, username="member")
    api.force_authenticate(member)
    url = f"/api/training/waves/{world['shared_wave'].pk}/"
    answer = api.patch(url, {"survey": other.pk}, format="json")
    assert answer.status_code == 409
    assert "cannot be moved" in answer.json()["detail"]
    assert SurveyWave.objects.get(pk=world["shared_wave"].pk).survey_id != other.pk
    assert api.patch(url, {"name": "November 2018"}, format="json").status_code == 200
    admin = make_user(regulator_org, Role.ADMINISTRATOR, username="admin")
    api.force_authenticate(admin)
    assert api.patch(url, {"survey": other.pk}, format="json").status_code == 200


def test_a_ceo_cannot_take_a_partnership_programme_into_their_trust(api, world, trust, make_user):
    ceo = make_user(trust, Role.EXECUTIVE, Role.TGB_MEMBER, username="ceo")
    api.force_authenticate(ceo)
    url = f"/api/training/programmes/{world['programme'].pk}/"
    answer = api.patch(url, {"organisation": trust.pk}, format="json")
    assert answer.status_code == 409
    assert answer.json()["dependents"]["cohorts of other trusts"] == 1
    assert Programme.objects.get(pk=world["programme"].pk).organisation_id is None


def test_the_409_counts_with_thousands_separators():
    from vmi_programme.errors import BlockedDelete

    blocked = BlockedDelete(
        record="survey wave",
        dependents={"nominations of other trusts": 1135},
        counts=(("nominations of other trusts", 1135),),
    )
    assert blocked.message == (
        "This survey wave cannot be deleted: 1,135 nominations of other trusts depend on it."
    )


def test_the_bulk_owners_agree_with_each_rows_own_scope(world):
    """The paths ``deletes`` groups rows by give the owner ``access_scope()`` gives, row by row."""
    for model, rows in snapshot().items():
        if not rows:
            continue
        bulk = dict(deletes._owners(model, set(rows)))
        exact: dict = {}
        for (owner,) in _owners({model: rows}).values():
            exact[owner.organisation_id] = exact.get(owner.organisation_id, 0) + 1
        assert bulk == exact, model._meta.label


def test_a_kpo_deletes_their_trusts_objective_with_its_links_to_national_priorities(
    api, world, trust, kpo_user
):
    objective = StrategicObjective.objects.get(organisation=trust)
    api.force_authenticate(kpo_user)
    assert api.delete(f"/api/strategic-objectives/{objective.pk}/").status_code == 204
    assert StrategicObjective.national_priorities.through.objects.count() == 1


def test_the_admin_delete_page_refuses_a_tgb_member_and_counts_what_depends(
    client, world, trust, make_user
):
    member = make_user(trust, Role.TGB_MEMBER, username="member", is_staff=True)
    client.force_login(member)
    url = f"/admin/training/surveywave/{world['shared_wave'].pk}/delete/"
    page = client.get(url)
    assert page.status_code == 200
    assert "2 invitations of other trusts" in page.content.decode()
    assert not any(
        name in page.content.decode()
        for name in Invitation.objects.values_list("person__full_name", flat=True)
    )
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert SurveyWave.objects.filter(pk=world["shared_wave"].pk).exists()


def test_an_administrators_delete_in_the_admin_removes_the_wave_and_leaves_history(
    client, world, regulator_org, make_user
):
    admin = make_user(regulator_org, Role.ADMINISTRATOR, username="admin", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    wave = world["shared_wave"]
    answer = client.post(f"/admin/training/surveywave/{wave.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not Invitation.objects.filter(wave=wave.pk).exists()
    if hasattr(Invitation, "history"):  # the audit trail records each deleted row
        deleted = Invitation.history.filter(wave_id=wave.pk, history_type="-")
        assert deleted.count() == 4


def _queries_to_check(user, wave) -> int:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(db) as captured, pytest.raises(DeleteRefused):
        deletes.check_delete(user, wave)
    return len(captured)


def test_checking_a_delete_asks_per_kind_not_per_row(world, trust, other_trust, regulator_user):
    """Owners are grouped per kind in one query: more respondents, no more queries."""
    wave = world["shared_wave"]
    _queries_to_check(regulator_user, wave)  # loads the user's roles once
    few = _queries_to_check(regulator_user, wave)
    more_people = [PersonFactory(organisation=org) for org in (trust, other_trust) * 10]
    _survey_data(wave.survey, wave, more_people)
    assert Nomination.objects.filter(wave=wave).count() == 24
    assert _queries_to_check(regulator_user, wave) == few


def test_a_programme_others_depend_on_answers_409_naming_them_even_for_an_administrator(
    api, world, regulator_org, make_user
):
    admin = make_user(regulator_org, Role.ADMINISTRATOR, username="admin")
    api.force_authenticate(admin)
    answer = api.delete(f"/api/training/programmes/{world['programme'].pk}/")
    assert answer.status_code == 409  # on_delete=PROTECT: the database's own refusal
    assert answer.json()["dependents"]["cohorts"] == 2
    assert Programme.objects.filter(pk=world["programme"].pk).exists()


def test_a_page_whose_delete_is_refused_answers_the_409_page_with_counts_only(rf, kpo_user):
    from vmi_programme.errors import BlockedDelete
    from vmi_programme.middleware import BlockedDeleteMiddleware

    request = rf.post("/somewhere/")
    request.user = kpo_user
    refused = DeleteRefused(
        BlockedDelete(
            record="survey wave",
            dependents={"nominations of other trusts": 1135},
            counts=(("nominations of other trusts", 1135),),
        )
    )
    page = BlockedDeleteMiddleware(lambda r: None).process_exception(request, refused)
    assert page.status_code == 409
    text = page.content.decode()
    assert "1,135 nominations of other trusts" in text and "1135" in text
