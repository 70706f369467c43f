"""Conflicts in a programme: what staff must fix before it goes to print.

A read in four queries whatever the size of the congress: rows are grouped (by room, person or session),
sorted by start and swept once, keeping only the items still running. Cancelled sessions and presentations
occupy nobody, so they never conflict.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models

from rostrum.programme.enums import ProgrammeStatus
from rostrum.programme.models import Event, Presentation, PresentationSpeaker, Session, SessionPerson


class ConflictKind(models.TextChoices):
    ROOM = "room", "Room double-booked"
    PERSON = "person", "Person in two places at once"
    OUTSIDE_SESSION = "outside_session", "Presentation outside its session"
    PRESENTATION_OVERLAP = "presentation_overlap", "Presentations overlapping"


ORDER = list(ConflictKind)


@dataclass(frozen=True)
class Conflict:
    """One problem: its kind, a sentence for staff, and the rows involved (room, person, sessions, ...)."""

    kind: ConflictKind
    message: str
    objects: tuple
    starts_at: dt.datetime

    @property
    def label(self) -> str:
        return ConflictKind(self.kind).label


class _Slot(NamedTuple):
    starts_at: dt.datetime
    ends_at: dt.datetime
    session_id: int
    item: Session | Presentation


def overlapping_pairs(slots: Iterable) -> Iterator[tuple]:
    """Every pair of slots whose times overlap (touching ends do not), earlier one first."""
    running: list = []
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.ends_at)):
        running = [other for other in running if other.ends_at > slot.starts_at]
        for other in running:
            yield other, slot
        running.append(slot)


def programme_conflicts(*, event: Event) -> list[Conflict]:
    """Every room double-booking, person in two places, presentation outside its session and overlap."""
    sessions = {
        s.pk: s
        for s in Session.objects.filter(event=event)
        .exclude(status=ProgrammeStatus.CANCELLED)
        .select_related("room")
    }
    presentations = []
    for presentation in Presentation.objects.filter(event=event).exclude(status=ProgrammeStatus.CANCELLED):
        if presentation.session_id in sessions:
            presentation.session = sessions[presentation.session_id]
            presentations.append(presentation)
    by_pk = {p.pk: p for p in presentations}
    slots_by_person: dict = defaultdict(list)
    for role in SessionPerson.objects.filter(session__event=event).select_related("person"):
        if session := sessions.get(role.session_id):
            slots_by_person[role.person].append(
                _Slot(session.starts_at, session.ends_at, session.pk, session)
            )
    for role in PresentationSpeaker.objects.filter(presentation__event=event).select_related("person"):
        if talk := by_pk.get(role.presentation_id):
            slots_by_person[role.person].append(_Slot(talk.starts_at, talk.ends_at, talk.session_id, talk))

    span = _span(event)
    conflicts = [
        *_rooms(sessions.values(), span),
        *_people(slots_by_person, span),
        *_presentations(presentations, span),
    ]
    return sorted(conflicts, key=lambda c: (ORDER.index(c.kind), c.starts_at))


def _span(event: Event):
    def span(item) -> str:
        starts_at, ends_at = item.starts_at.astimezone(event.tz), item.ends_at.astimezone(event.tz)
        return f"{starts_at:%a %d %b %H:%M}-{ends_at:%H:%M}"

    return span


def _name(item) -> str:
    if isinstance(item, Session):
        return item.code or item.title
    return f"“{item.title}” ({item.session.code})"


def _rooms(sessions: Iterable[Session], span) -> Iterator[Conflict]:
    by_room = defaultdict(list)
    for session in sessions:
        if session.room_id:
            by_room[session.room].append(session)
    for room, booked in by_room.items():
        for first, second in overlapping_pairs(booked):
            yield Conflict(
                ConflictKind.ROOM,
                f"{room}: {first.code} ({span(first)}) and {second.code} ({span(second)}) overlap.",
                (room, first, second),
                second.starts_at,
            )


def _people(slots_by_person: dict, span) -> Iterator[Conflict]:
    for person, slots in slots_by_person.items():
        reported = set()
        for first, second in overlapping_pairs(slots):
            sessions = (first.session_id, second.session_id)
            # Speaking in a session one moderates is being in one place; each pair of sessions once.
            if first.session_id == second.session_id or sessions in reported:
                continue
            reported.add(sessions)
            yield Conflict(
                ConflictKind.PERSON,
                f"{person} is in two places at once: {_name(first.item)} ({span(first)}) "
                f"and {_name(second.item)} ({span(second)}).",
                (person, first.item, second.item),
                second.starts_at,
            )


def _presentations(presentations: list[Presentation], span) -> Iterator[Conflict]:
    by_session = defaultdict(list)
    for talk in presentations:
        session = talk.session
        by_session[session].append(talk)
        if talk.starts_at < session.starts_at or talk.ends_at > session.ends_at:
            yield Conflict(
                ConflictKind.OUTSIDE_SESSION,
                f"{_name(talk)} ({span(talk)}) is outside its session's time ({span(session)}).",
                (talk, session),
                talk.starts_at,
            )
    for session, talks in by_session.items():
        for first, second in overlapping_pairs(talks):
            yield Conflict(
                ConflictKind.PRESENTATION_OVERLAP,
                f"In {session.code}, {_name(first)} ({span(first)}) "
                f"and {_name(second)} ({span(second)}) overlap.",
                (session, first, second),
                second.starts_at,
            )
