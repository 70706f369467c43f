import datetime as dt

import factory

from rostrum.programme import models
from rostrum.programme.enums import EventKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Society {n}")


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SessionType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"T{n}")
    slug = factory.LazyAttribute(lambda o: o.code.lower())
    name = factory.LazyAttribute(lambda o: f"Type {o.code}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Audience
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"audience-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    kind = EventKind.CONGRESS
    slug = factory.Sequence(lambda n: f"ecr-{2030 + n}")
    title = factory.Sequence(lambda n: f"European Congress of Radiology {2030 + n}")
    timezone = "Europe/Vienna"
    start_date = dt.date(2030, 3, 4)
    end_date = dt.date(2030, 3, 8)
    venue = "Austria Center Vienna"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    slug = factory.Sequence(lambda n: f"room-{n}")
    position = factory.Sequence(lambda n: n)


def vienna(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant on a March 2030 day in Vienna (CET, UTC+1), for readable test data."""
    return dt.datetime(2030, 3, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=1)))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: f"RC {1200 + n}")
    slug = factory.LazyAttribute(lambda o: o.code.lower().replace(" ", "-"))
    title = factory.Sequence(lambda n: f"Refresher course {n}")
    starts_at = factory.LazyFunction(lambda: vienna(4, 10, 30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=60))
    room = factory.LazyAttribute(lambda o: RoomFactory(event=o.event))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: f"person-{n}")
    printed_name = factory.Sequence(lambda n: f"M. Radzina{n}")
    family_name = factory.Sequence(lambda n: f"Radzina{n}")
    city = "Riga"
    country = "LV"


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Presentation

    session = factory.SubFactory(SessionFactory)
    event = factory.LazyAttribute(lambda o: o.session.event)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Talk {n}")
    starts_at = factory.LazyAttribute(lambda o: o.session.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=20))


class SessionPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SessionPerson

    session = factory.SubFactory(SessionFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(event=o.session.event))


class PresentationSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PresentationSpeaker

    presentation = factory.SubFactory(PresentationFactory)
    person = factory.LazyAttribute(lambda o: PersonFactory(event=o.presentation.event))


def add_moderator_and_talks(session, *, people: list, offset: int) -> None:
    """Give `session` a moderator and talks of about 30 minutes ending in a Q&A, speakers taken in turn
    from `people` starting at `offset`: the programme shape of the browser tests."""
    from rostrum.programme.enums import PresentationKind, SessionRole

    SessionPersonFactory(session=session, person=people[offset % len(people)], role=SessionRole.MODERATOR)
    minutes = session.duration_minutes
    talks = max(2, minutes // 30)
    for k in range(talks):
        start = session.starts_at + dt.timedelta(minutes=k * minutes // talks)
        last = k == talks - 1
        presentation = PresentationFactory(
            session=session,
            code=f"{session.code}-{k}",
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=minutes // talks),
            title="Q&A Session" if last else f"Case-based review, part {k + 1}",
            kind=PresentationKind.QA if last else PresentationKind.TALK,
        )
        if not last:
            PresentationSpeakerFactory(
                presentation=presentation, person=people[(offset + k + 1) % len(people)]
            )
