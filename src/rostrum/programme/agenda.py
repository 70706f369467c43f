"""A user's personal programme: the sessions and presentations they starred, and its private calendar feed.

The writes (`agenda_star`, `agenda_unstar`, `calendar_subscription_create`, `calendar_subscription_revoke`)
are the programme's services and are reached through `rostrum.programme.services`; the reads are below them.
Only items of published events are shown or can be starred: an unpublished programme stays invisible.
"""

import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rostrum.core.services import activity_log
from rostrum.programme import selectors
from rostrum.programme.enums import ProgrammeStatus
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.models import AgendaEntry, CalendarSubscription, Event, Presentation, Session

PUBLISHED = Q(session__event__is_published=True) | Q(presentation__event__is_published=True)


def _check_item(session: Session | None, presentation: Presentation | None) -> Session | Presentation:
    if (session is None) == (presentation is None):
        raise ProgrammeError("Star either a session or a presentation.")
    item = session or presentation
    if not Event.objects.filter(pk=item.event_id, is_published=True).exists():
        raise ProgrammeError("This item is not part of a published programme.")
    return item


def agenda_star(
    user, *, session: Session | None = None, presentation: Presentation | None = None
) -> AgendaEntry:
    """Add a session or a presentation to the user's programme; starring it again changes nothing.

    Side effects: activity log when the star is new.
    """
    item = _check_item(session, presentation)
    try:
        with transaction.atomic():
            entry, created = AgendaEntry.objects.get_or_create(
                user=user, session=session, presentation=presentation
            )
    except IntegrityError:  # starred at the same moment from another tab
        return AgendaEntry.objects.get(user=user, session=session, presentation=presentation)
    if created:
        activity_log(action="programme.agenda.starred", actor=user, obj=item)
    return entry


def agenda_unstar(user, *, session: Session | None = None, presentation: Presentation | None = None) -> bool:
    """Remove a session or a presentation from the user's programme; True when it was there.

    Side effects: activity log when a star was removed.
    """
    if (session is None) == (presentation is None):
        raise ProgrammeError("Remove either a session or a presentation.")
    deleted, _ = AgendaEntry.objects.filter(user=user, session=session, presentation=presentation).delete()
    if deleted:
        activity_log(action="programme.agenda.unstarred", actor=user, obj=session or presentation)
    return bool(deleted)


@transaction.atomic
def calendar_subscription_create(user) -> CalendarSubscription:
    """A new secret calendar-feed address for the user; any earlier one stops working.

    Side effects: revokes the user's active subscriptions, activity log.
    """
    for old in CalendarSubscription.objects.filter(user=user, revoked__isnull=True):
        calendar_subscription_revoke(old, by=user)
    subscription = CalendarSubscription.objects.create(user=user, token=secrets.token_urlsafe(32))
    activity_log(action="programme.calendar_subscription.created", actor=user, obj=subscription)
    return subscription


def calendar_subscription_revoke(subscription: CalendarSubscription, *, by) -> CalendarSubscription:
    """Stop a calendar-feed address: its URL answers 404 from now on. Side effects: activity log."""
    if subscription.revoked is None:
        subscription.revoked = timezone.now()
        subscription.save(update_fields=["revoked"])
        activity_log(action="programme.calendar_subscription.revoked", actor=by, obj=subscription)
    return subscription


# Reads --------------------------------------------------------------------------------------------------


@dataclass
class AgendaItem:
    """A starred session or presentation as My programme lists it, with the items it overlaps."""

    entry: AgendaEntry
    kind: str
    item: Session | Presentation
    session: Session
    overlaps: list["AgendaItem"] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.item.status == ProgrammeStatus.CANCELLED or self.session.is_cancelled

    @property
    def title(self) -> str:
        return str(self.item) if self.kind == "session" else self.item.title

    @property
    def url(self) -> str:
        url = self.session.get_absolute_url()
        return url if self.kind == "session" else f"{url}#presentation-{self.item.pk}"


@dataclass
class EventAgenda:
    event: Event
    items: list[AgendaItem]

    @property
    def overlap_count(self) -> int:
        return sum(1 for item in self.items if item.overlaps)


def agenda_entries(*, user) -> QuerySet[AgendaEntry]:
    """The user's stars on published programmes, with what the listing shows (a fixed number of queries)."""
    return (
        AgendaEntry.objects.filter(user=user)
        .filter(PUBLISHED)
        .select_related(
            "session__event",
            "session__room",
            "presentation__session__event",
            "presentation__session__room",
        )
    )


def agenda_by_event(*, user) -> list[EventAgenda]:
    """The user's programme per event (events in date order), items in time order, overlaps marked.

    Two items overlap when one starts before the other ends; a talk inside a starred session is part of
    it, not a clash, and a cancelled item clashes with nothing.
    """
    events: dict[int, EventAgenda] = {}
    for entry in agenda_entries(user=user):
        session = entry.session or entry.presentation.session
        item = AgendaItem(
            entry=entry,
            kind="session" if entry.session_id else "presentation",
            item=entry.session or entry.presentation,
            session=session,
        )
        events.setdefault(session.event_id, EventAgenda(event=session.event, items=[])).items.append(item)
    for agenda in events.values():
        agenda.items.sort(key=lambda i: (i.item.starts_at, i.kind != "session", i.item.ends_at))
        _mark_overlaps(agenda.items)
    return sorted(events.values(), key=lambda a: (a.event.start_date, a.event.title))


def _mark_overlaps(items: list[AgendaItem]) -> None:
    for index, first in enumerate(items):
        for second in items[index + 1 :]:
            if second.item.starts_at >= first.item.ends_at:
                break
            if first.cancelled or second.cancelled or first.session.pk == second.session.pk:
                continue
            first.overlaps.append(second)
            second.overlaps.append(first)


def agenda_keys(*, user) -> set[tuple[str, int]]:
    """("session", id) and ("presentation", id) of everything the user starred: the star buttons' state."""
    if not getattr(user, "is_authenticated", False):
        return set()
    keys = set()
    for session_id, presentation_id in AgendaEntry.objects.filter(user=user).values_list(
        "session_id", "presentation_id"
    ):
        keys.add(("session", session_id) if session_id else ("presentation", presentation_id))
    return keys


def calendar_subscription_active(*, user) -> CalendarSubscription | None:
    return CalendarSubscription.objects.filter(user=user, revoked__isnull=True).first()


def calendar_feed_items(
    *, token: str
) -> tuple[CalendarSubscription, QuerySet[Session], QuerySet[Presentation]]:
    """The subscription of an active token and its user's starred sessions and presentations, for iCal.

    An unknown or revoked token is a 404, whoever asks: the token is the only key to the feed.
    """
    subscription = (
        CalendarSubscription.objects.filter(token=token, revoked__isnull=True).select_related("user").first()
    )
    if subscription is None:
        raise Http404("No such calendar feed.")
    entries = AgendaEntry.objects.filter(user=subscription.user).filter(PUBLISHED)
    session_ids = tuple(entries.filter(session__isnull=False).values_list("session_id", flat=True))
    sessions = (
        selectors.session_list(
            event=None, filters=selectors.SessionFilters(ids=session_ids), with_presentations=True
        )
        if session_ids
        else Session.objects.none()
    )
    presentations = (
        Presentation.objects.filter(pk__in=entries.values("presentation_id"), event__is_published=True)
        .select_related("session", "session__event", "session__room", "session__session_type")
        .prefetch_related("speaker_roles__person")
        .order_by("starts_at", "pk")
    )
    return subscription, sessions, presentations


def published_items(
    *, session_ids: list[int], presentation_ids: list[int]
) -> tuple[list[Session], list[Presentation]]:
    """The sessions and presentations of published events among these ids; unknown ids are left out."""
    sessions = Session.objects.filter(pk__in=session_ids, event__is_published=True).order_by("pk")
    presentations = Presentation.objects.filter(pk__in=presentation_ids, event__is_published=True).order_by(
        "pk"
    )
    return list(sessions), list(presentations)
