"""A small summer programme for the iCalendar, CSV and export-view tests: CEST is UTC+2 there."""

import datetime as dt
from dataclasses import dataclass

from rostrum.programme.enums import PresentationKind, SessionRole
from rostrum.programme.models import Event, Presentation, Session
from tests.factories.programme import (
    EventFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    RoomFactory,
    SessionFactory,
    SessionPersonFactory,
    SessionTypeFactory,
)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant on a June 2030 day, in UTC."""
    return dt.datetime(2030, 6, day, hour, minute, tzinfo=dt.UTC)


@dataclass
class Programme:
    event: Event
    course: Session  # 17:00-18:00 CEST with two talks and a moderator
    workshop: Session  # a session without presentations
    talk: Presentation


def summer_programme(**event_fields) -> Programme:
    event = EventFactory(
        start_date=dt.date(2030, 6, 3),
        end_date=dt.date(2030, 6, 5),
        venue="Austria Center Vienna",
        **event_fields,
    )
    room = RoomFactory(event=event, name="Room A")
    refresher = SessionTypeFactory(code="RC", name="Refresher Course")
    course = SessionFactory(
        event=event,
        code="RC 1203",
        slug="rc-1203",
        title="Paediatric ultrasound",
        session_type=refresher,
        room=room,
        starts_at=utc(3, 15),
        ends_at=utc(3, 16),
    )
    SessionPersonFactory(
        session=course,
        person=PersonFactory(event=event, printed_name="A. Álvarez", city="Madrid", country="ES"),
        role=SessionRole.MODERATOR,
    )
    talk = PresentationFactory(
        session=course, code="RC 1203-1", title="Hip sonography", starts_at=utc(3, 15), ends_at=utc(3, 15, 20)
    )
    for position, (name, city, country) in enumerate(
        [("M. Radzina", "Riga", "LV"), ("K. Nowak", "Kraków", "PL")]
    ):
        person = PersonFactory(event=event, printed_name=name, city=city, country=country)
        PresentationSpeakerFactory(presentation=talk, person=person, position=position)
    PresentationFactory(
        session=course,
        code="RC 1203-2",
        title="Questions and answers",
        kind=PresentationKind.QA,
        starts_at=utc(3, 15, 20),
        ends_at=utc(3, 15, 30),
        position=1,
    )
    workshop = SessionFactory(
        event=event,
        code="HW 1",
        slug="hw-1",
        title="Hands-on ultrasound workshop",
        room=RoomFactory(event=event, name="Workshop room"),
        starts_at=utc(4, 8),
        ends_at=utc(4, 9, 30),
    )
    return Programme(event=Event.objects.get(pk=event.pk), course=course, workshop=workshop, talk=talk)
