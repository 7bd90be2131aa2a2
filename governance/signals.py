"""Signals other apps hook into: the programme's extension points.

``meeting_created(sender=Meeting, meeting=<Meeting>, created_by=<User or None>)`` is sent by
``governance.services.meetings.create_meeting`` inside its transaction, after the meeting and any
initial agenda items exist. A receiver may add agenda items (e.g. a locked final item with
``governance.services.meetings.add_agenda_item(..., locked=True)``); if it raises, the meeting is not created.
"""

from django.dispatch import Signal

meeting_created = Signal()
