"""Any change to a programme row bumps its event's programme version (exports, ETags and search follow).

Receivers rather than service calls because staff also edit through the admin, and an edit there must
invalidate exports just the same.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from rostrum.programme import models
from rostrum.programme.services import programme_touch

DIRECT = (models.Room, models.Person, models.Session, models.Presentation)
VIA_SESSION = (models.SessionPerson,)
VIA_PRESENTATION = (models.PresentationSpeaker,)


def _event_id(instance) -> int | None:
    if isinstance(instance, DIRECT):
        return instance.event_id
    if isinstance(instance, VIA_SESSION):
        return (
            models.Session.objects.filter(pk=instance.session_id).values_list("event_id", flat=True).first()
        )
    if isinstance(instance, VIA_PRESENTATION):
        return (
            models.Presentation.objects.filter(pk=instance.presentation_id)
            .values_list("event_id", flat=True)
            .first()
        )
    return None


@receiver([post_save, post_delete])
def touch_on_change(sender, instance, **kwargs):
    if sender in DIRECT + VIA_SESSION + VIA_PRESENTATION and not kwargs.get("raw"):
        event_id = _event_id(instance)
        if event_id:
            programme_touch(event_id)


@receiver(m2m_changed)
def touch_on_m2m_change(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, models.Session):
        programme_touch(instance.event_id)
