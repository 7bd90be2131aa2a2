"""The survey's name-generator question, plugged into training's survey page.

Training's survey page shows each question through a handler registered for its kind. For the
name generator the names are given on networks' own page (search-as-you-type, 2–10 rows with
interaction types), reached from the survey with the same invitation token; this handler shows
what has been named so far, links there, and lets "submit" require it when the question is
required. The names themselves are Nomination rows saved by that page.
"""

from __future__ import annotations

from django import forms

from training.surveys import (
    QuestionKind,
    QuestionKindHandler,
    field_name,
    register_question_kind,
)

from .constants import MAX_NAMES, MIN_NAMES
from .models import Interaction, Nomination


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

    def has_answers(self, question) -> bool:
        return Nomination.objects.filter(wave__survey_id=question.section.survey_id).exists()

    def config_fields(self) -> dict[str, forms.Field]:
        # MAX_NAMES is also the most the answer page shows rows for (networks.services).
        return {
            "min_names": forms.IntegerField(
                label="Fewest names", min_value=0, max_value=MAX_NAMES, initial=MIN_NAMES
            ),
            "max_names": forms.IntegerField(
                label="Most names", min_value=1, max_value=MAX_NAMES, initial=MAX_NAMES
            ),
            "interactions": forms.MultipleChoiceField(
                label="Kinds of interaction asked about",
                choices=Interaction.choices,
                initial=Interaction.values,
                widget=forms.CheckboxSelectMultiple,
            ),
        }

    def check_config(self, config) -> dict[str, str]:
        low, high = config.get("min_names"), config.get("max_names")
        if low is not None and high is not None and low > high:
            return {"max_names": "The most names must be at least the fewest."}
        return {}


register_question_kind(NameGeneratorKind())
