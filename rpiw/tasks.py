"""Celery tasks of the rpiw app: the daily follow-up reminders (scheduled by Celery beat)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_followup_reminders(today: str | None = None) -> dict:
    """Remind facilitators of follow-ups due or overdue; idempotent per follow-up and day."""
    import datetime as dt

    return services.send_followup_reminders(dt.date.fromisoformat(today) if today else None)
