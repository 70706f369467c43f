"""Data and helpers shared by the public page tests."""

import datetime as dt
import re

from django.urls import reverse

from rostrum.programme.enums import Level, PresentationKind, SessionFormat, SessionRole
from tests.factories.programme import (
    AudienceFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    RoomFactory,
    SessionFactory,
    SessionPersonFactory,
    SessionTypeFactory,
    TopicFactory,
    vienna,
)


def event_url(event, **query) -> str:
    url = reverse("programme:event", kwargs={"event": event.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def session_url(event, session) -> str:
    return reverse("programme:session", kwargs={"event": event.slug, "session": session.slug})


def text(response) -> str:
    """The page's text as a reader sees it: inline tags dropped, block tags a space, white space collapsed.

    En dashes read as hyphens, so expectations stay plain ASCII.
    """
    html = re.sub(r"</?(a|span|time|strong|abbr|em)\b[^>]*>", "", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\N{EN DASH}", "-").split())


def codes_on(response) -> list[str]:
    return re.findall(r'<span class="code">([^<]+)</span>', response.content.decode())


def build_course():
    """Seed 004's course, part 1 (moved to 4 March 2030 so it is upcoming), in Vienna's zone."""
    event = EventFactory(
        slug="esor-pcc-2030",
        title="ESOR Patient Communication Course",
        kind="course",
        start_date=dt.date(2030, 3, 4),
        end_date=dt.date(2030, 3, 5),
        venue="",
        is_online=True,
        organiser="European School of Radiology",
    )
    event.supporting_societies.add(OrganisationFactory(name="European Society of Paediatric Radiology"))
    room = RoomFactory(event=event, name="Channel 1", slug="channel-1")
    session = SessionFactory(
        event=event,
        code="PCC 1",
        slug="pcc-1",
        title="Patient Communication Course - Part 1",
        session_type=SessionTypeFactory(code="ESOR", slug="esor", name="ESOR course"),
        format=SessionFormat.LIVE,
        level=Level.II,
        room=room,
        starts_at=vienna(4, 12, 30),
        ends_at=vienna(4, 14, 30),
        description="This course addresses critical educational needs in patient interaction.",
        learning_objectives=[
            "to demonstrate effective patient interaction",
            "to develop empathy and clarity",
        ],
        sponsor_acknowledgement="Ultrasound machines kindly provided by a vendor.",
    )
    session.topics.add(TopicFactory(slug="communication", name="Communication"))
    session.audiences.add(AudienceFactory(slug="residents", name="Residents"))
    session.supporting_organisations.add(OrganisationFactory(name="EFRS"))
    SessionPersonFactory(
        session=session,
        role=SessionRole.MODERATOR,
        person=PersonFactory(
            event=event,
            code="rockall",
            printed_name="A. Rockall",
            family_name="Rockall",
            city="London",
            country="GB",
        ),
    )
    ultrasound = PresentationFactory(
        session=session,
        code="PCC 1-1",
        title="Interacting with patients during ultrasound",
        starts_at=vienna(4, 12, 30),
        ends_at=vienna(4, 13, 10),
    )
    PresentationSpeakerFactory(
        presentation=ultrasound,
        person=PersonFactory(
            event=event,
            code="radzina",
            printed_name="M. Radzina",
            family_name="Radzina",
            city="Riga",
            country="LV",
            biography="Professor of radiology in Riga.",
        ),
    )
    risk = PresentationFactory(
        session=session,
        code="PCC 1-3",
        title="Radiation Risk Discussion",
        starts_at=vienna(4, 13, 10),
        ends_at=vienna(4, 13, 50),
    )
    PresentationSpeakerFactory(
        presentation=risk,
        position=0,
        person=PersonFactory(
            event=event,
            code="paulo",
            printed_name="G. Paulo",
            family_name="Paulo",
            city="Coimbra",
            country="PT",
        ),
    )
    PresentationSpeakerFactory(
        presentation=risk,
        position=1,
        person=PersonFactory(
            event=event,
            code="akata",
            printed_name="D. Akata",
            family_name="Akata",
            city="Ankara",
            country="TR",
        ),
    )
    PresentationFactory(
        session=session,
        code="PCC 1-4",
        title="Q&A Session",
        kind=PresentationKind.QA,
        starts_at=vienna(4, 13, 50),
        ends_at=vienna(4, 14, 30),
    )
    return event


def build_day(event, count: int) -> None:
    session_type, topic = SessionTypeFactory(code="RC"), TopicFactory(slug="neuro")
    rooms = [RoomFactory(event=event) for _ in range(3)]
    for n in range(count):
        session = SessionFactory(
            event=event,
            session_type=session_type,
            room=rooms[n % 3],
            starts_at=vienna(4, 8 + n % 10),
            ends_at=vienna(4, 9 + n % 10),
        )
        session.topics.add(topic)
        SessionPersonFactory(session=session)
        for _ in range(2):
            PresentationSpeakerFactory(presentation=PresentationFactory(session=session))
