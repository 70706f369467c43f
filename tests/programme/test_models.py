from rostrum.programme import services
from rostrum.programme.enums import ProgrammeStatus
from rostrum.programme.models import Event
from tests.factories.programme import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SessionTypeFactory,
    TopicFactory,
    vienna,
)


def test_moving_a_session_bumps_its_revision_and_the_programme_version(db):
    session = SessionFactory()
    version = Event.objects.get(pk=session.event_id).programme_version

    services.session_update(session, starts_at=vienna(4, 11), ends_at=vienna(4, 12))

    session.refresh_from_db()
    assert session.revision == 1
    assert Event.objects.get(pk=session.event_id).programme_version > version


def test_retitling_a_session_keeps_its_revision(db):
    session = SessionFactory()
    services.session_update(session, title="A new title")
    session.refresh_from_db()
    assert session.revision == 0


def test_cancelling_a_session_bumps_revision_and_keeps_it(db):
    session = SessionFactory()
    services.session_cancel(session, reason="speaker ill")
    session.refresh_from_db()
    assert (session.status, session.revision) == (ProgrammeStatus.CANCELLED, 1)


def test_room_change_bumps_revision(db):
    session = SessionFactory()
    services.session_update(session, room=RoomFactory(event=session.event))
    session.refresh_from_db()
    assert session.revision == 1


def test_online_event_prints_its_place_as_online(db):
    assert EventFactory(venue="", is_online=True).place == "online"


def test_editing_an_event_bumps_its_programme_version(db):
    event = EventFactory()
    version = Event.objects.get(pk=event.pk).programme_version
    event.title = "ECR 2030 (renamed)"
    event.save()
    assert Event.objects.get(pk=event.pk).programme_version > version


def test_renaming_a_session_type_bumps_the_events_that_use_it(db):
    session = SessionFactory(session_type=SessionTypeFactory())
    other = EventFactory()
    before = {e.pk: e.programme_version for e in Event.objects.all()}
    session.session_type.name = "Refresher Course (new name)"
    session.session_type.save()
    after = {e.pk: e.programme_version for e in Event.objects.all()}
    assert (after[session.event_id] > before[session.event_id], after[other.pk]) == (True, before[other.pk])


def test_deleting_a_topic_in_use_bumps_the_events_that_used_it(db):
    session = SessionFactory()
    topic = TopicFactory()
    session.topics.add(topic)
    before = Event.objects.get(pk=session.event_id).programme_version

    topic.delete()

    assert Event.objects.get(pk=session.event_id).programme_version > before


def test_adding_sessions_to_a_topic_from_the_topic_side_bumps_their_event(db):
    session = SessionFactory()
    topic = TopicFactory()
    before = Event.objects.get(pk=session.event_id).programme_version

    topic.sessions.add(session)

    assert Event.objects.get(pk=session.event_id).programme_version > before
