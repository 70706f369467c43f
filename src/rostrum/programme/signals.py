"""Signals the programme sends; higher apps (search, streaming, caches) react to them."""

from django.dispatch import Signal

# Sent once per committed change of an event's programme (or once per import), with `event_id`.
programme_changed = Signal()
