"""People's data under UK GDPR: subject-access exports, erasure, and retention (docs/PRIVACY.md).

**What a person's data is.** Every row that points at the person (any foreign key to
``Person``, found from the model's relations, so a new model is covered without registering)
and whatever apps register with :func:`register` in ``AppConfig.ready()``: rows reached
through a longer path (a survey answer, through its response and invitation), free-text fields
that hold what someone typed about the person (a nomination's ``named_as``), and retention rules.

**Subject access** (:func:`subject_access_export`): the person, their account, their roles and
every such row, as JSON. Other people in those rows are shown as "another person" (their data
is not the requester's).

**Erasure** (:func:`erase_person`, the job ``programme.erase_person``): the person's row stays
(same id), so every record and every published table that counts them is unchanged, but it
is renamed :data:`ERASED_NAME`, its e-mail address and account details are cleared, and
network ties to it become ties to an anonymous node. Then the name (and e-mail address) is
replaced in every text column of every table, history tables included (simple-history would
otherwise keep the name in each historical row), in every JSON column (stored analysis results,
import previews), and stored import files that contain it are deleted. The person's own
change with ``erased_at`` set is the audit trail's record of who erased whom, and when.

**Retention** (:func:`apply_retention`, the job ``programme.apply_retention``, daily from
Celery beat): each registered :class:`RetentionRule` names rows, the date they count from and
the setting holding how many days they are kept; rows past it are re-pointed from the real
person to a stand-in, one per person and group (a survey wave), shared across rules through
:class:`~vmi_programme.models.Pseudonym` (deleted once no rule still has a row of the group
naming a real person). The stand-in keeps the organisation, staff group, job title and
department, so the wave's network (the same graph, other node names) and its tables come out
the same.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, ForeignObjectRel, Value
from django.db.models.functions import Cast, Left, Replace
from django.utils import timezone

from . import audit
from .access import Action, require
from .jobs import JobContext, job_kind
from .models import ImportBatch, Person, Pseudonym

log = logging.getLogger(__name__)

ERASED_NAME = "Former member of staff"
PSEUDONYM_NAME = "Former survey respondent"
ANOTHER_PERSON = "another person"


@dataclass(frozen=True)
class PersonalData:
    """Rows of ``model`` about a person, reached by ``person_path`` (a lookup to ``Person``).

    ``label`` names them in a subject-access export; ``erase`` gives fields set when that
    person is erased (what others typed about them, which may not match their name).
    """

    label: str
    model: type[models.Model]
    person_path: str
    erase: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RetentionRule:
    """Rows of ``model`` kept ``getattr(settings, setting)`` days after ``date_path``; then the
    people in ``person_fields`` become pseudonyms (one per person and ``group_path`` value) and
    ``blank`` fields are set to their values."""

    label: str
    model: type[models.Model]
    date_path: str
    group_path: str
    person_fields: tuple[str, ...]
    setting: str
    blank: Mapping[str, Any] = field(default_factory=dict)


_REGISTRY: list[PersonalData] = []
_RULES: list[RetentionRule] = []


def register(*entries: PersonalData | RetentionRule) -> None:
    """Called from ``AppConfig.ready()``: an app's personal data beyond its direct keys."""
    for entry in entries:
        target: list[Any] = _RULES if isinstance(entry, RetentionRule) else _REGISTRY
        if entry not in target:
            target.append(entry)


def retention_rules() -> list[RetentionRule]:
    return list(_RULES)


def personal_data() -> list[PersonalData]:
    """Everything about a person: each foreign key to ``Person`` (found), then the registered."""
    found: list[PersonalData] = []
    registered = {(entry.model, entry.person_path): entry for entry in _REGISTRY}
    # Hidden relations too (related_name="+"): a proposer or caller-out is still the person.
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel):
            continue  # Person's own fields, not a key pointing at it
        model: Any = relation.related_model
        if model._meta.auto_created or issubclass(model, audit.HistoricalAudit):
            continue  # a many-to-many's table (its owner is listed), or the audit trail's
        path = relation.field.name
        if (model, path) in registered:
            continue
        label = f"{str(model._meta.verbose_name_plural).capitalize()} ({path.replace('_', ' ')})"
        found.append(PersonalData(label, model, path))
    return found + list(_REGISTRY)


# --- Subject access ---------------------------------------------------------------------------


def _value(value: Any, subject: Person, personal: set[type[models.Model]]) -> Any:
    if isinstance(value, Person):
        return "the person" if value.pk == subject.pk else ANOTHER_PERSON
    if isinstance(value, get_user_model()):
        return "the person" if value.pk == subject.user_id else ANOTHER_PERSON
    if isinstance(value, models.Model):
        # A record about someone (a response, an invitation) is named by its kind and number:
        # its own name may be another person's.
        if type(value) in personal:
            return f"{value._meta.verbose_name} {value.pk}"
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _row(obj: models.Model, subject: Person, personal: set[type[models.Model]]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": obj.pk}
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if model_field.is_relation:
            if getattr(obj, model_field.attname) is None:
                row[model_field.name] = None
                continue
            value = getattr(obj, model_field.name)
        else:
            value = getattr(obj, model_field.attname)
        if model_field.choices and not model_field.is_relation:
            value = getattr(obj, f"get_{model_field.name}_display")()
        row[model_field.name] = _value(value, subject, personal)
    return row


def subject_access_export(person: Person) -> dict[str, Any]:
    """Everything the app holds about ``person``, for a subject-access request (JSON-safe)."""
    account = person.user
    records: dict[str, list[dict[str, Any]]] = {}
    entries = personal_data()
    personal = {entry.model for entry in entries}
    for entry in entries:
        rows = entry.model._default_manager.filter(**{entry.person_path: person}).order_by("pk")
        found = [_row(obj, person, personal) for obj in rows]
        if found:
            records[entry.label] = found
    return {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything the NHS-VMI programme app holds about this person (UK GDPR art. 15).",
        "person": _row(person, person, personal),
        "account": None
        if account is None
        else {
            "username": account.username,
            "email": account.email,
            "active": account.is_active,
            "joined": account.date_joined.isoformat(),
            "last_signed_in": account.last_login.isoformat() if account.last_login else None,
        },
        "roles": [assignment.get_role_display() for assignment in person.role_assignments.all()],
        "records": records,
    }


# --- Erasure ----------------------------------------------------------------------------------


@dataclass
class ErasureReport:
    person: int
    text_cells: int = 0
    json_values: int = 0
    files_deleted: int = 0
    history_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.primary_key
        and not f.choices
    ]


def _replace_text(model: type[models.Model], needle: str, replacement: str) -> int:
    """Replace ``needle`` in every text column of ``model``; returns cells changed."""
    changed = 0
    manager = model._base_manager
    for text_field in _text_fields(model):
        name = text_field.attname
        replaced: Any = Replace(F(name), Value(needle), Value(replacement))
        if isinstance(text_field, models.CharField) and text_field.max_length:
            replaced = Left(replaced, text_field.max_length)  # a longer word must still fit
        changed += manager.filter(**{f"{name}__contains": needle}).update(**{name: replaced})
    return changed


def _scrub(value: Any, needles: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for needle, replacement in needles:
            value = value.replace(needle, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(item, needles) for item in value]
    if isinstance(value, dict):
        return {_scrub(k, needles): _scrub(v, needles) for k, v in value.items()}
    return value


def _replace_json(model: type[models.Model], needles: list[tuple[str, str]]) -> int:
    """Replace the needles in every JSON column of ``model`` (keys and strings, at any depth)."""
    changed = 0
    for json_field in (f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)):
        name = json_field.attname
        rows = model._base_manager.exclude(**{f"{name}__isnull": True})
        if connection.vendor == "postgresql":  # jsonb keeps the text as written: filter there
            text = Cast(name, models.TextField())
            match = models.Q()
            for needle, _ in needles:
                match |= models.Q(**{"_text__contains": needle})
            rows = rows.annotate(_text=text).filter(match)
        for pk, value in rows.values_list("pk", name).iterator(chunk_size=500):
            scrubbed = _scrub(value, needles)
            if scrubbed != value:
                model._base_manager.filter(pk=pk).update(**{name: scrubbed})
                changed += 1
    return changed


def _delete_import_files(person: Person, needles: list[str]) -> int:
    """Delete stored uploads of the person's organisation that contain the name or address."""
    deleted = 0
    batches = ImportBatch.objects.filter(organisation_id=person.organisation_id).exclude(file="")
    for batch in batches.iterator():
        try:
            with batch.file.open("rb") as handle:
                body = handle.read()
        except OSError:
            continue
        encoded = [n.encode(batch.encoding or "utf-8", errors="ignore") for n in needles]
        if any(n and n in body for n in encoded):
            batch.file.delete(save=False)
            ImportBatch.objects.filter(pk=batch.pk).update(file="")
            deleted += 1
    return deleted


def check_erasable(user: Any, person: Person) -> None:
    require(user, Action.MANAGE_USERS, person)
    if person.erased_at is not None:
        raise ValidationError("This person's data was erased already.")


def erase_person(*, user: Any, person: Person) -> ErasureReport:
    """Erase ``person``'s personal data, keeping every record and total (see the module).

    One transaction: all of it, or (on any error) none of it.
    """
    check_erasable(user, person)
    report = ErasureReport(person=person.pk)
    name, email = person.full_name, person.email
    account = person.user
    username = account.username if account is not None else ""
    needles = [(name, ERASED_NAME)]
    if email:
        needles.append((email, ""))
    with transaction.atomic():
        for entry in _REGISTRY:
            if entry.erase:
                rows = entry.model._base_manager.filter(**{entry.person_path: person})
                rows.update(**entry.erase)
                history = getattr(entry.model, "history", None)
                if history is not None:
                    report.history_rows += history.filter(**{entry.person_path: person}).update(
                        **entry.erase
                    )
        if account is not None:
            from knox.models import get_token_model

            get_token_model().objects.filter(user=account).delete()
            account.username = f"erased-{person.pk}"
            account.first_name = account.last_name = account.email = ""
            account.is_active = False
            account.set_unusable_password()
            account.save()
            _rename_username(username, account.username)
        person.full_name = ERASED_NAME
        # Job title, department and staff group stay: the network summaries and tables group
        # people by them (docs/PRIVACY.md says why that is not identifying on its own).
        person.email = ""
        person.erased_at = timezone.now()
        person.left_on = person.left_on or timezone.localdate()
        repr_ = f"{ERASED_NAME} ({person.organisation.short_name})"
        # audit._repr reads it: the history row written now is named without the name.
        person._audit_repr = repr_  # type: ignore[attr-defined]
        person.save()
        # The person's versions in the audit trail, whatever they were called then.
        report.history_rows += Person.history.filter(id=person.pk).update(
            full_name=ERASED_NAME, email="", history_object_repr=repr_
        )
        for model in apps.get_models():
            if model._meta.db_table == "django_session":
                continue  # signed, encoded data, and the account can no longer sign in
            for needle, replacement in needles:
                report.text_cells += _replace_text(model, needle, replacement)
            report.json_values += _replace_json(model, needles)
        report.files_deleted = _delete_import_files(person, [name, email])
    log.info("Erased person %s: %s", person.pk, report.as_dict())
    return report


def _rename_username(old: str, new: str) -> None:
    """Sign-in records (django-axes) keep the username typed: rename those that match."""
    if not old:
        return
    for model in apps.get_models():
        if model is get_user_model():
            continue
        if any(f.name == "username" for f in model._meta.concrete_fields):
            model._base_manager.filter(username=old).update(username=new)


@job_kind("programme.erase_person")
def erase_person_job(job: JobContext, person: int, **_: Any) -> dict:
    """Erasure as a recorded job: the sweep reads every text and JSON column of every table."""
    job.progress(5, "Erasing")
    target = Person.objects.select_related("user", "organisation").get(pk=person)
    with audit.source("job", user=job.job.requested_by):
        report = erase_person(user=job.job.requested_by, person=target)
    return report.as_dict()


# --- Retention --------------------------------------------------------------------------------


def _group_key(rule: RetentionRule, group_id: Any) -> str:
    # Named by what the group is (a wave), not by the rule, so a wave's invitations and its
    # nominations share one stand-in per person.
    target: Any = rule.model._meta.get_field(rule.group_path).related_model
    return f"{target._meta.label_lower}:{group_id}"


def _stand_in(group: str, person_id: int, cache: dict[tuple[str, int], int]) -> int:
    key = (group, person_id)
    if key not in cache:
        found = Pseudonym.objects.filter(group=group, person_id=person_id).first()
        if found is None:
            person = Person.objects.get(pk=person_id)
            stand_in = Person.objects.create(
                organisation_id=person.organisation_id,
                full_name=PSEUDONYM_NAME,
                professional_group=person.professional_group,
                job_title=person.job_title,
                department=person.department,
                erased_at=timezone.now(),
            )
            found = Pseudonym.objects.create(group=group, person_id=person_id, stand_in=stand_in)
        cache[key] = found.stand_in_id
    return cache[key]


def _named(person_fields: Iterable[str]) -> models.Q:
    """Rows still naming a real person (not a stand-in, not someone erased)."""
    condition = models.Q(pk__in=[])
    for person_field in person_fields:
        condition |= models.Q(**{f"{person_field}__erased_at__isnull": True})
    return condition


def apply_retention(today: dt.date | None = None) -> dict[str, int]:
    """Re-point every rule's rows past their retention date to stand-ins; returns rows per rule.

    Each row is saved (one history row each, source "job"); the stand-in map of a group is
    deleted once no rule has a row of that group still naming a real person.
    """
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    cache: dict[tuple[str, int], int] = {}
    with transaction.atomic(), audit.source("job"):
        for rule in _RULES:
            cutoff = today - dt.timedelta(days=int(getattr(settings, rule.setting)))
            rows = rule.model._base_manager.filter(
                _named(rule.person_fields), **{f"{rule.date_path}__lt": cutoff}
            ).select_related(*rule.person_fields)
            done = 0
            for obj in rows.order_by("pk").iterator(chunk_size=500):
                group = _group_key(rule, getattr(obj, f"{rule.group_path}_id"))
                for person_field in rule.person_fields:
                    if getattr(obj, person_field).erased_at is None:
                        person_id = getattr(obj, f"{person_field}_id")
                        setattr(obj, person_field, None)  # drop the cached real person
                        setattr(obj, f"{person_field}_id", _stand_in(group, person_id, cache))
                for blank_field, value in rule.blank.items():
                    setattr(obj, blank_field, value)
                obj.save(update_fields=[*rule.person_fields, *rule.blank])
                done += 1
            counts[rule.label] = done
        still_named = {
            _group_key(rule, group_id)
            for rule in _RULES
            for group_id in rule.model._base_manager.filter(_named(rule.person_fields))
            .values_list(rule.group_path, flat=True)
            .distinct()
        }
        counts["stand-in links removed"] = Pseudonym.objects.exclude(
            group__in=still_named
        ).delete()[0]
    return counts


@job_kind("programme.apply_retention")
def apply_retention_job(job: JobContext, **_: Any) -> dict:
    """Retention as a recorded job (Celery beat submits it daily)."""
    job.progress(5, "Applying the retention periods")
    return apply_retention()
