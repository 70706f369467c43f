from rostrum.programme import services
from rostrum.programme.enums import ProgrammeStatus
from rostrum.programme.models import Event
from tests.factories.programme import EventFactory, RoomFactory, SessionFactory, vienna


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
