"""Import of nominations collected elsewhere (a Qualtrics export, a UCINET edge list)."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError

from training.surveys import Invitation, SurveyWave
from vmi_programme.imports import (
    Column,
    ImportContext,
    ImportSpec,
    RowCleaner,
    RowError,
    RowInvalid,
    register,
)

from .models import Interaction, Nomination, NominationSource
from .services import (
    NamedPerson,
    check_names,
    name_limits,
    nominations_changed,
    normalise_name,
    people_by_name,
    resolve_person,
    respond,
)

INTERACTION_ALIASES = {kind: kind for kind in Interaction.values}


class NominationImport(ImportSpec):
    """One row per tie and interaction type; rows of one respondent and alter are combined.

    The respondent must have been invited to the wave (matched by e-mail or by exact name at
    the trust). The alter is matched the same way among the trust's people, or recorded as a
    new collaborator. The survey's rules apply per respondent across rows: 2 to 10 people,
    not oneself, each person once. A respondent who already has nominations in the wave is
    refused, so an import never silently replaces survey answers.
    """

    name = "networks.nominations"
    title = "Import network nominations"
    help_text = (
        "An edge list: one row per person named and kind of interaction (expertise, advice or "
        "influence). Name the same pair in several rows for several kinds. Start the import "
        "from a survey wave's network page so the rows go into that wave."
    )
    columns = [
        Column("respondent", "Respondent", help="Name or e-mail of the person who answered"),
        Column("alter", "Alter", aliases=("named", "nominee", "target")),
        Column(
            "interaction_type",
            "Interaction type",
            aliases=("interaction", "type", "tie type"),
            help="expertise, advice or influence",
        ),
        Column("role", "Role", required=False),
        Column("department", "Department", required=False),
    ]
    example_rows = [
        {
            "respondent": "Alex Smith",
            "alter": "Sam Jones",
            "interaction_type": "advice",
            "role": "Ward manager",
            "department": "Surgery",
        },
        {"respondent": "Alex Smith", "alter": "Sam Jones", "interaction_type": "expertise"},
        {"respondent": "Alex Smith", "alter": "Kim Patel", "interaction_type": "influence"},
    ]

    def prepare(self, ctx: ImportContext) -> None:
        wave = SurveyWave.objects.filter(pk=ctx.options.get("wave")).first()
        ctx.state["wave"] = wave
        if wave is None or ctx.organisation is None:
            return
        invited: dict[str, list] = defaultdict(list)
        for invitation in Invitation.objects.filter(
            wave=wave, person__organisation=ctx.organisation
        ).select_related("person"):
            person = invitation.person
            invited[normalise_name(person.full_name)].append(invitation)
            if person.email:
                invited[person.email.casefold()].append(invitation)
        ctx.state["invited"] = invited
        ctx.state["known"] = people_by_name(ctx.organisation)
        ctx.state["answered"] = set(
            Nomination.objects.filter(wave=wave, organisation=ctx.organisation).values_list(
                "respondent_id", flat=True
            )
        )

    def clean_row(self, row: dict[str, str], ctx: ImportContext) -> dict:
        wave = ctx.state.get("wave")
        if wave is None:
            raise RowInvalid({None: "Start this import from a survey wave's network page."})
        c = RowCleaner(row)
        respondent = c.text("respondent", max_length=200)
        alter = c.text("alter", max_length=200)
        kind = c.choice("interaction_type", INTERACTION_ALIASES)
        role = c.text("role", required=False, max_length=200)
        department = c.text("department", required=False, max_length=200)
        invitation = None
        if respondent:
            key = respondent.casefold() if "@" in respondent else normalise_name(respondent)
            matches = ctx.state["invited"].get(key, [])
            if not matches:
                c.error(
                    "respondent",
                    f"'{respondent}' was not invited to {wave.name} at "
                    f"{ctx.organisation.short_name}: only invited respondents can name people.",
                )
            elif len({m.pk for m in matches}) > 1:
                c.error("respondent", f"'{respondent}' matches several invitees: use the e-mail.")
            else:
                invitation = matches[0]
                if invitation.person_id in ctx.state["answered"]:
                    c.error(
                        "respondent",
                        f"'{respondent}' already has nominations in {wave.name}; "
                        "nothing is replaced by an import.",
                    )
        alter_id = None
        if alter and "@" in alter:
            found = [
                p
                for people in ctx.state["known"].values()
                for p in people
                if (p.email or "").casefold() == alter.casefold()
            ]
            alter_id = found[0].pk if len(found) == 1 else None
        return c.result(
            invitation=invitation,
            respondent=respondent,
            alter=alter,
            alter_id=alter_id,
            interaction_type=kind,
            role=role,
            department=department,
        )

    @staticmethod
    def _entries(rows: list[tuple[int, dict]]) -> dict[int, dict]:
        """Rows grouped by respondent (invitation), then by alter: the respondent's answer."""
        grouped: dict[int, dict] = {}
        for number, row in rows:
            answer = grouped.setdefault(
                row["invitation"].pk, {"invitation": row["invitation"], "alters": {}}
            )
            alter_key = row["alter_id"] or normalise_name(row["alter"])
            entry = answer["alters"].setdefault(
                alter_key, {"rows": [], "kinds": [], "row": row, "first": number}
            )
            entry["rows"].append(number)
            entry["kinds"].append(row["interaction_type"])
        return grouped

    def check_rows(self, rows: list[tuple[int, dict]], ctx: ImportContext) -> list[RowError]:
        errors: list[RowError] = []
        wave = ctx.state.get("wave")
        if wave is None:
            return errors
        limits = name_limits(wave)
        for answer in self._entries(rows).values():
            invitation = answer["invitation"]
            entries, numbers = [], []
            for entry in answer["alters"].values():
                kinds = entry["kinds"]
                repeated = {k for k in kinds if kinds.count(k) > 1}
                if repeated:
                    errors.append(
                        RowError(
                            entry["rows"][-1],
                            "alter",
                            f"the tie to '{entry['row']['alter']}' with "
                            f"'{sorted(repeated)[0]}' is given twice",
                        )
                    )
                entries.append(
                    NamedPerson(
                        name=entry["row"]["alter"],
                        person_id=entry["row"]["alter_id"],
                        interactions=sorted(set(kinds)),
                    )
                )
                numbers.append(entry["first"])
            _, problems = check_names(
                invitation.person, entries, limits=limits, known=ctx.state["known"]
            )
            for index, message in problems.items():
                row = numbers[0] if index is None else numbers[index]
                column = None if index is None else "alter"
                who = invitation.person.full_name
                errors.append(RowError(row, column, f"{who}: {message}"))
        return errors

    def write(self, rows: list[dict], ctx: ImportContext) -> dict:
        wave = ctx.state["wave"]
        known = ctx.state["known"]
        numbered = list(enumerate(rows, start=1))
        created = 0
        for answer in self._entries(numbered).values():
            invitation: Invitation = answer["invitation"]
            response = respond(invitation)
            for entry in answer["alters"].values():
                row = entry["row"]
                alter = resolve_person(
                    ctx.organisation,
                    NamedPerson(
                        name=row["alter"],
                        person_id=row["alter_id"],
                        role=row["role"],
                        department=row["department"],
                    ),
                    known,
                    source=NominationSource.IMPORT,
                )
                nomination = Nomination(
                    response=response,
                    wave=wave,
                    organisation=ctx.organisation,
                    respondent=invitation.person,
                    alter=alter,
                    named_as=row["alter"],
                    role=row["role"],
                    department=row["department"],
                    source=NominationSource.IMPORT,
                )
                nomination.set_interactions(entry["kinds"])
                if alter.pk == invitation.person_id:
                    raise ValidationError(f"{invitation.person.full_name} cannot name themselves.")
                nomination.full_clean()
                nomination.save()
                created += 1
        nominations_changed(ctx.organisation, [wave], user=ctx.user)
        return {"nominations": created, "respondents": len({r["invitation"].pk for r in rows})}


register(NominationImport())
