"""How each kind of survey question is shown, read from a form and stored: a small registry.

``likert`` and ``free_text`` are built in and store :class:`training.models.Answer` rows.
``name_generator`` (the network name generator of Section 5.2) is a kind in the schema whose
answers are the networks app's nominations. The networks app plugs in from its
``AppConfig.ready()``::

    from training import question_kinds

    class NameGenerator(question_kinds.QuestionKindHandler):
        kind = "name_generator"
        template_name = "networks/name_generator_question.html"
        def initial(self, question, response): ...      # the saved nominations
        def parse(self, question, data): ...             # -> (nominations, error or "")
        def is_blank(self, value): return not value
        def save(self, response, question, value): ...   # write Nomination rows

    question_kinds.register(NameGenerator())

``question.config`` carries the kind's settings (the demo survey: min_names 2, max_names 10,
interactions expertise/advice/influence). Until a handler is registered, the survey page shows
that the question is not available and does not require it.
"""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Answer, Likert, Question, QuestionKind, Response


def field_name(question: Question) -> str:
    return f"q-{question.pk}"


class QuestionKindHandler:
    kind: str = ""
    template_name: str = ""

    def initial(self, question: Question, response: Response | None) -> Any:
        raise NotImplementedError

    def parse(self, question: Question, data) -> tuple[Any, str]:
        """The answer read from POST data, and an error message ("" when it is fine)."""
        raise NotImplementedError

    def is_blank(self, value: Any) -> bool:
        return value in (None, "", [])

    def save(self, response: Response, question: Question, value: Any) -> None:
        raise NotImplementedError

    def has_answers(self, question: Question) -> bool:
        """Has anyone answered it? (Its kind is then fixed.)"""
        return question.answers.exists()

    def config_fields(self) -> dict[str, forms.Field]:
        """The kind's settings, asked on the question's page and stored in ``question.config``
        under the same names (none for most kinds)."""
        return {}

    def check_config(self, config: dict[str, Any]) -> dict[str, str]:
        """Errors in the settings taken together, by setting name."""
        return {}


class _AnswerRowKind(QuestionKindHandler):
    attribute = ""

    def initial(self, question, response):
        if response is None:
            return None
        answer = next((a for a in response.answers.all() if a.question_id == question.pk), None)
        return getattr(answer, self.attribute) if answer else None

    def save(self, response, question, value):
        if self.is_blank(value):
            Answer.objects.filter(response=response, question=question).delete()
            return
        Answer.objects.update_or_create(
            response=response, question=question, defaults={self.attribute: value}
        )


class LikertKind(_AnswerRowKind):
    kind = QuestionKind.LIKERT
    template_name = "training/question_kinds/likert.html"
    attribute = "likert"
    choices = Likert.choices

    def parse(self, question, data):
        raw = data.get(field_name(question), "").strip()
        if not raw:
            return None, ""
        try:
            value = int(raw)
        except ValueError:
            return None, "Choose one of the answers."
        if value not in Likert.values:
            return None, "Choose one of the answers."
        return value, ""


class FreeTextKind(_AnswerRowKind):
    kind = QuestionKind.FREE_TEXT
    template_name = "training/question_kinds/free_text.html"
    attribute = "text"
    max_length = 5000

    def parse(self, question, data):
        value = data.get(field_name(question), "").strip()
        if len(value) > self.max_length:
            return value, f"Use {self.max_length} characters or fewer."
        return value, ""


_HANDLERS: dict[str, QuestionKindHandler] = {}


def register(handler: QuestionKindHandler) -> None:
    if handler.kind not in QuestionKind.values:
        raise ValueError(
            f"{handler.kind!r} is not a question kind in training.models.QuestionKind."
        )
    _HANDLERS[handler.kind] = handler


def handler_for(question: Question) -> QuestionKindHandler | None:
    return _HANDLERS.get(question.kind)


register(LikertKind())
register(FreeTextKind())
