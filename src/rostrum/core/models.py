"""What every app shares: the activity log of state changes, and saving rows whose counters move elsewhere."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


def save_kwargs_without(instance: models.Model, kwargs: dict, names: tuple[str, ...]) -> dict:
    """The save() arguments of an existing row with `names` left out of what is written.

    For columns that only move by their own conditional UPDATE (a version, a seat count): saving an instance
    read a moment ago (an admin form) must not write back a stale value. A new row is written whole.
    """
    if instance._state.adding:
        return kwargs
    fields = kwargs.get("update_fields") or [
        f.name for f in instance._meta.concrete_fields if not f.primary_key
    ]
    return {**kwargs, "update_fields": [name for name in fields if name not in names]}


class ActivityLog(models.Model):
    """One state change: who did what to which object, with the data that explains it. Append-only."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=100, db_index=True, help_text="e.g. programme.session.updated")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
