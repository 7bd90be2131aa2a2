"""The survey's name-generator question, plugged into training's survey page.

Training's survey page shows each question through a handler registered for its kind. For the
name generator the names are given on networks' own page (search-as-you-type, 2–10 rows with
interaction types), reached from the survey with the same invitation token; this handler shows
what has been named so far, links there, and lets "submit" require it when the question is
required. The names themselves are Nomination rows saved by that page.
"""

from __future__ import annotations

from training.surveys import (
    QuestionKind,
    QuestionKindHandler,
    field_name,
    register_question_kind,
)

from .models import Nomination


class NameGeneratorKind(QuestionKindHandler):
    kind = QuestionKind.NAME_GENERATOR
    template_name = "networks/question_kinds/name_generator.html"

    def initial(self, question, response) -> int:
        """How many people the respondent has named so far in this wave."""
        if response is None:
            return 0
        return Nomination.objects.filter(response=response).count()

    def parse(self, question, data) -> tuple[int, str]:
        raw = data.get(field_name(question), "0")
        return (int(raw) if str(raw).isdigit() else 0), ""

    def is_blank(self, value) -> bool:
        return not value

    def save(self, response, question, value) -> None:
        """Nothing to save here: networks' name-generator page writes the nominations."""


register_question_kind(NameGeneratorKind())
