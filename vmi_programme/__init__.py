"""The Django project and the programme's core: organisations, people, roles, access, jobs."""

from .celery import app as celery_app

__all__ = ["celery_app"]
