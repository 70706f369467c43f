"""Writes shared by every app."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from rostrum.core.models import ActivityLog


def activity_log(
    *, action: str, actor=None, obj: models.Model | None = None, data: dict[str, Any] | None = None
):
    """Record one state change in the activity log and return the row.

    `actor` is the user who did it (None for the system, imports run from the command line, tasks).
    """
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return ActivityLog.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=data or {},
    )
