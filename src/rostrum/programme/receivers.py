"""Any change to a programme row bumps its event's programme version (exports, ETags and search follow).

Receivers rather than service calls because staff also edit through the admin, and an edit there must
invalidate exports just the same.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from rostrum.accounts.signals import account_deleting, personal_data_requested
from rostrum.programme import models, search
from rostrum.programme.services import programme_touch
from rostrum.programme.signals import programme_changed

DIRECT = (models.Room, models.Person, models.Session, models.Presentation)
VIA_SESSION = (models.SessionPerson,)
VIA_PRESENTATION = (models.PresentationSpeaker,)
CATALOGUE = (models.SessionType, models.Topic, models.Audience, models.Organisation)


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


def touch_on_change(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        event_id = _event_id(instance)
        if event_id:
            programme_touch(event_id)


@receiver(post_save, sender=models.Event)
def touch_on_event_change(sender, instance, raw=False, **kwargs):
    # Title, time zone or venue appear in every export.
    if not raw:
        programme_touch(instance.pk)


def _events_using(instance) -> set[int]:
    """The events whose exports print this catalogue entry (a type, topic, audience or organisation)."""
    sessions = models.Session.objects.all()
    if isinstance(instance, models.SessionType):
        sessions = sessions.filter(session_type=instance)
    elif isinstance(instance, models.Topic):
        sessions = sessions.filter(topics=instance)
    elif isinstance(instance, models.Audience):
        sessions = sessions.filter(audiences=instance)
    else:
        sessions = sessions.filter(supporting_organisations=instance)
    event_ids = set(sessions.values_list("event_id", flat=True).distinct())
    if isinstance(instance, models.Organisation):
        event_ids |= set(instance.supported_events.values_list("pk", flat=True))
    return event_ids


def touch_on_catalogue_change(sender, instance, raw=False, **kwargs):
    # Before a delete: afterwards SET_NULL has emptied the sessions' type and the m2m rows are gone.
    if not raw and instance.pk:
        for event_id in _events_using(instance):
            programme_touch(event_id)


# Connected to the programme's own models only: a receiver for every sender would also make Django give up
# its fast DELETE for every other app's rows (it must then load each row to send the signal).
for model in DIRECT + VIA_SESSION + VIA_PRESENTATION:
    post_save.connect(touch_on_change, sender=model)
    post_delete.connect(touch_on_change, sender=model)
for model in CATALOGUE:
    post_save.connect(touch_on_catalogue_change, sender=model)
    pre_delete.connect(touch_on_catalogue_change, sender=model)


@receiver(m2m_changed)
def touch_on_m2m_change(sender, instance, action, model, pk_set, **kwargs):
    """Topics, audiences and organisations of sessions and events, changed from either side."""
    if isinstance(instance, models.Session | models.Event):
        if action in {"post_add", "post_remove", "post_clear"}:
            programme_touch(instance.event_id if isinstance(instance, models.Session) else instance.pk)
        return
    if not isinstance(instance, CATALOGUE):
        return
    if action == "pre_clear":  # e.g. topic.sessions.clear(): afterwards nothing says which events
        event_ids = _events_using(instance)
    elif action in {"post_add", "post_remove"} and model is models.Session:
        event_ids = set(models.Session.objects.filter(pk__in=pk_set).values_list("event_id", flat=True))
    elif action in {"post_add", "post_remove"} and model is models.Event:
        event_ids = set(pk_set)
    else:
        return
    for event_id in event_ids:
        programme_touch(event_id)


@receiver(programme_changed)
def reindex_search(sender, event_id, **kwargs):
    # After commit, once per changed version: an import of thousands of rows rebuilds the event's index once.
    search.event_reindex(event_id, only_if_changed=True)


@receiver(personal_data_requested)
def export_personal_programme(sender, user, **kwargs):
    """The user's personal programme for their data download (the feeds' secret tokens stay out of it)."""
    entries = models.AgendaEntry.objects.filter(user=user).select_related(
        "session__event", "presentation__event"
    )
    return {
        "agenda": [
            {
                "event": (entry.session or entry.presentation).event.slug,
                "kind": "session" if entry.session_id else "presentation",
                "code": (entry.session or entry.presentation).code,
                "title": (entry.session or entry.presentation).title,
                "starred": entry.created.isoformat(),
            }
            for entry in entries.order_by("created", "pk")
        ],
        "calendar_subscriptions": [
            {
                "created": feed.created.isoformat(),
                "revoked": feed.revoked.isoformat() if feed.revoked else None,
            }
            for feed in models.CalendarSubscription.objects.filter(user=user).order_by("created", "pk")
        ],
    }


@receiver(account_deleting)
def delete_personal_programme(sender, user, **kwargs):
    models.AgendaEntry.objects.filter(user=user).delete()
    models.CalendarSubscription.objects.filter(user=user).delete()
