"""The survey machinery's public interface, for apps that build on training's surveys.

Training owns surveys: a ``Survey`` of sections and questions, run as dated ``SurveyWave``\\s,
each person reached through an ``Invitation`` (a token link) that yields one ``Response``.
Another app (networks: the name-generator question) uses only what this module exports:

- the models above, to read waves, invitations and responses and to link its own rows to them;
- ``QuestionKind`` and ``register_question_kind``/``QuestionKindHandler``/``field_name``, to plug
  a question kind of its own into the survey page.

Anything else in ``training`` is private to it.
"""

from .models import Invitation, Question, QuestionKind, Response, Survey, SurveySection, SurveyWave
from .question_kinds import QuestionKindHandler, field_name
from .question_kinds import register as register_question_kind

__all__ = [
    "Invitation",
    "Question",
    "QuestionKind",
    "QuestionKindHandler",
    "Response",
    "Survey",
    "SurveySection",
    "SurveyWave",
    "field_name",
    "register_question_kind",
]
