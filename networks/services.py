"""Writes of the networks app: name-generator answers, merging duplicate people, recomputing."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from training.surveys import Invitation, QuestionKind, Response, SurveyWave
from vmi_programme import audit, jobs
from vmi_programme.models import Organisation, Person
from vmi_programme.writes import save_validated

from .constants import MAX_NAMES, MIN_NAMES
from .models import (
    ActorMatch,
    Collaborator,
    Interaction,
    Nomination,
    NominationSource,
    PersonMerge,
)

log = logging.getLogger(__name__)

SUMMARISE = "networks.summarise"


@dataclass
class NamedPerson:
    """One name a respondent gave: who (a known person's id, or the name as typed) and why."""

    name: str = ""
    person_id: int | None = None
    interactions: Sequence[str] = field(default_factory=list)
    role: str = ""
    department: str = ""

    @property
    def is_blank(self) -> bool:
        return not self.name.strip() and self.person_id is None


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def name_limits(wave: SurveyWave) -> tuple[int, int]:
    """Min and max names of the wave's name-generator question (2 and 10 unless configured)."""
    question = (
        wave.survey.sections.filter(questions__kind=QuestionKind.NAME_GENERATOR)
        .values_list("questions__config", flat=True)
        .first()
    )
    config = question or {}
    low = int(config.get("min_names", MIN_NAMES))
    high = min(int(config.get("max_names", MAX_NAMES)), MAX_NAMES)
    return low, high


def people_by_name(organisation: Organisation) -> dict[str, list[Person]]:
    """Active people of a trust by normalised name (merged duplicates left out)."""
    index: dict[str, list[Person]] = {}
    people = Person.objects.filter(organisation=organisation).exclude(
        collaborator__merged_into__isnull=False
    )
    for person in people.only("id", "full_name", "organisation_id"):
        index.setdefault(normalise_name(person.full_name), []).append(person)
    return index


def check_names(
    respondent: Person,
    entries: Iterable[NamedPerson],
    *,
    limits: tuple[int, int] = (MIN_NAMES, MAX_NAMES),
    known: dict[str, list[Person]] | None = None,
) -> tuple[list[NamedPerson], dict[int | None, str]]:
    """The non-blank entries and the problems with them (entry index → message; None: overall).

    Indices are positions in ``entries`` (blank rows keep their place), so a form can put
    each message next to its row. Rules (Section 5.2): between ``limits`` names (2 and at
    most 10), not oneself, nobody twice, at least one known interaction type each.
    """
    entries = list(entries)
    filled = [entry for entry in entries if not entry.is_blank]
    errors: dict[int | None, str] = {}
    low, high = limits
    if len(filled) < low:
        errors[None] = f"Name at least {low} people (you named {len(filled)})."
    elif len(filled) > high:
        errors[None] = f"Name at most {high} people (you named {len(filled)})."
    own_name = normalise_name(respondent.full_name)
    seen: dict[Any, int] = {}
    for index, entry in enumerate(entries):
        if entry.is_blank:
            continue
        unknown = [kind for kind in entry.interactions if kind not in Interaction.values]
        if unknown:
            errors[index] = (
                f"Unknown interaction type '{unknown[0]}': use expertise, advice or influence."
            )
            continue
        if not entry.interactions:
            errors[index] = "Say how you interact with this person: expertise, advice or influence."
            continue
        if entry.person_id == respondent.pk or (
            entry.person_id is None and normalise_name(entry.name) == own_name
        ):
            errors[index] = "You cannot name yourself."
            continue
        key: Any = entry.person_id
        if key is None:
            matches = (known or {}).get(normalise_name(entry.name), [])
            key = matches[0].pk if len(matches) == 1 else normalise_name(entry.name)
        if key in seen:
            errors[index] = "You named this person twice."
            continue
        seen[key] = index
    return filled, errors


def resolve_person(
    organisation: Organisation,
    entry: NamedPerson,
    known: dict[str, list[Person]],
    *,
    source: str,
) -> Person:
    """The trust's person an entry means: chosen by id, matched by name, or a new collaborator."""
    if entry.person_id is not None:
        person = Person.objects.filter(pk=entry.person_id, organisation=organisation).first()
        if person is None:
            raise ValidationError("That person is not in the list of this trust's people.")
        return person
    matches = known.get(normalise_name(entry.name), [])
    if len(matches) == 1:
        return matches[0]
    person = save_validated(
        Person(
            organisation=organisation,
            full_name=" ".join(entry.name.split())[:200],
            job_title=entry.role[:200],
            department=entry.department[:200],
        )
    )
    Collaborator.objects.create(person=person, organisation=organisation, source=source)
    known.setdefault(normalise_name(person.full_name), []).append(person)
    return person


def respond(invitation: Invitation) -> Response:
    """The invitation's response, started now if the respondent had not started one."""
    now = timezone.now()
    response, created = Response.objects.get_or_create(
        invitation=invitation, defaults={"started_at": now, "updated_at": now}
    )
    if not created:
        Response.objects.filter(pk=response.pk).update(updated_at=now)
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk).update(opened_at=now)
    return response


def save_name_generator_answer(
    invitation: Invitation, entries: Sequence[NamedPerson], *, source: str = NominationSource.SURVEY
) -> list[Nomination]:
    """Replace the respondent's nominations in the invitation's wave with ``entries``.

    Raises ``ValidationError`` (a dict: entry index or ``"__all__"`` → message) and writes
    nothing when a rule is broken. The wave's network result is marked stale and recomputed.
    """
    respondent = invitation.person
    organisation = respondent.organisation
    wave = invitation.wave
    known = people_by_name(organisation)
    filled, errors = check_names(respondent, entries, limits=name_limits(wave), known=known)
    if errors:
        raise ValidationError(
            {("__all__" if key is None else str(key)): message for key, message in errors.items()}
        )
    with transaction.atomic():
        response = respond(invitation)
        Nomination.objects.filter(wave=wave, respondent=respondent).delete()
        nominations = []
        for entry in filled:
            alter = resolve_person(organisation, entry, known, source=source)
            if alter.pk == respondent.pk:
                raise ValidationError({"__all__": "You cannot name yourself."})
            nomination = Nomination(
                response=response,
                wave=wave,
                organisation=organisation,
                respondent=respondent,
                alter=alter,
                named_as=entry.name.strip()[:200],
                role=entry.role.strip()[:200],
                department=entry.department.strip()[:200],
                source=source,
            )
            nomination.set_interactions(entry.interactions)
            nomination.full_clean(validate_unique=False)
            nominations.append(nomination)
        if len({n.alter_id for n in nominations}) != len(nominations):
            raise ValidationError({"__all__": "The same person is named twice."})
        audit.bulk_create(Nomination, nominations)
        nominations_changed(organisation, [wave])
    return nominations


def nominations_changed(organisation: Organisation, waves: Iterable[SurveyWave], user=None) -> None:
    """Mark the trust's stored network results for these waves stale and queue new runs."""
    for wave in waves:
        jobs.mark_stale(SUMMARISE, organisation=organisation, wave=wave.pk)
        try:
            jobs.submit(SUMMARISE, {"wave": wave.pk}, user=user, organisation=organisation)
        except jobs.JobRefused:  # the result stays marked stale; a later run catches up
            log.warning("Could not queue %s for %s, wave %s", SUMMARISE, organisation, wave.pk)


def _used_elsewhere(person: Person) -> bool:
    """Whether deleting ``person`` would touch any record other than its collaborator row."""
    if person.user_id:
        return True
    collector = Collector(using="default")
    try:
        collector.collect([person])
    except (ProtectedError, RestrictedError):
        return True
    own = {Person, Collaborator}
    if any(model not in own and objs for model, objs in collector.data.items()):
        return True
    return any(qs.exists() for qs in collector.fast_deletes if qs.model not in own)


def merge_people(keep: Person, duplicate: Person, *, user=None) -> PersonMerge:
    """Merge ``duplicate`` (another spelling of ``keep``) into ``keep`` and recompute.

    Nominations naming or made by the duplicate are re-pointed to ``keep``; where that would
    repeat a tie the interaction types are combined into one, and a tie that would become
    ``keep`` naming themselves is dropped. The duplicate record is deleted when nothing else
    uses it, otherwise marked as merged (hidden from name search). Results of every wave
    touched are marked stale and recomputed.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError("Choose two different people to merge.")
    if keep.organisation_id != duplicate.organisation_id:
        raise ValidationError("Only people of the same trust can be merged.")
    if Invitation.objects.filter(person=duplicate).exists():
        raise ValidationError(
            f"{duplicate.full_name} was invited to a survey: keep that record and merge the "
            "other one into it."
        )
    with transaction.atomic():
        moved = combined = 0
        waves: dict[int, SurveyWave] = {}
        affected = Nomination.objects.select_for_update().filter(
            Q(alter=duplicate) | Q(respondent=duplicate)
        )
        for nomination in affected.select_related("wave"):
            waves[nomination.wave_id] = nomination.wave
            respondent_id = keep.pk if nomination.respondent_id == duplicate.pk else None
            respondent_id = respondent_id or nomination.respondent_id
            alter_id = keep.pk if nomination.alter_id == duplicate.pk else nomination.alter_id
            if respondent_id == alter_id:
                nomination.delete()
                combined += 1
                continue
            existing = Nomination.objects.filter(
                wave_id=nomination.wave_id, respondent_id=respondent_id, alter_id=alter_id
            ).first()
            if existing is not None:
                existing.set_interactions(set(existing.interactions) | set(nomination.interactions))
                existing.role = existing.role or nomination.role
                existing.department = existing.department or nomination.department
                existing.save()
                nomination.delete()
                combined += 1
            else:
                nomination.respondent_id, nomination.alter_id = respondent_id, alter_id
                audit.bulk_update(Nomination, [nomination], ["respondent", "alter"])
                moved += 1
        merge = PersonMerge(
            organisation_id=keep.organisation_id,
            kept=keep,
            duplicate_name=duplicate.full_name,
            duplicate=duplicate,
            nominations_moved=moved,
            nominations_combined=combined,
            merged_by=user if getattr(user, "is_authenticated", False) else None,
        )
        if not keep.department and duplicate.department:
            keep.department = duplicate.department
            audit.bulk_update(Person, [keep], ["department"])
        if _used_elsewhere(duplicate):
            Collaborator.objects.update_or_create(
                person=duplicate,
                defaults={"organisation_id": duplicate.organisation_id, "merged_into": keep},
            )
        else:
            merge.duplicate = None
            duplicate.delete()
        merge.save()
        nominations_changed(keep.organisation, waves.values(), user=user)
    return merge


def decide_actor_match(
    *, collaborator: Person, person: Person, confirmed: bool, user=None
) -> ActorMatch:
    """Record that a named collaborator is (``confirmed``) or is not ``person`` of the trust.

    A collaborator has at most one confirmed match: confirming a second one is refused until
    the first is rejected. A decision may be changed (its row is updated, and the audit trail
    keeps the earlier one). Networks where the collaborator was named are recomputed, since
    the comparison by improvement activity is part of the stored result.
    """
    if not Collaborator.objects.filter(person=collaborator, merged_into__isnull=True).exists():
        raise ValidationError("Only a collaborator named in the survey can be matched.")
    if collaborator.organisation_id != person.organisation_id:
        raise ValidationError("A collaborator can only be matched to a person of the same trust.")
    if Collaborator.objects.filter(person=person).exists():
        raise ValidationError("Match a collaborator to a person on the trust's own records.")
    with transaction.atomic():
        if confirmed:
            other = (
                ActorMatch.objects.select_for_update()
                .filter(collaborator=collaborator, confirmed=True)
                .exclude(person=person)
                .select_related("person")
                .first()
            )
            if other is not None:
                raise ValidationError(
                    f"{collaborator.full_name} is already matched to {other.person.full_name}: "
                    "reject that match first."
                )
        match = ActorMatch.objects.filter(collaborator=collaborator, person=person).first()
        match = match or ActorMatch(
            organisation_id=collaborator.organisation_id, collaborator=collaborator, person=person
        )
        match.confirmed = confirmed
        match.decided_by = user if getattr(user, "is_authenticated", False) else None
        match.decided_at = timezone.now()
        save_validated(match)
        waves = SurveyWave.objects.filter(
            pk__in=Nomination.objects.filter(alter=collaborator).values("wave_id")
        )
        nominations_changed(collaborator.organisation, list(waves), user=user)
    return match
