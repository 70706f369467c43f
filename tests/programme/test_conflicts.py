import datetime as dt
from types import SimpleNamespace

from rostrum.programme.conflicts import ConflictKind, overlapping_pairs, programme_conflicts
from rostrum.programme.enums import ProgrammeStatus
from tests.factories.programme import (
    EventFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    RoomFactory,
    SessionFactory,
    SessionPersonFactory,
    vienna,
)


def slot(name, start_hour, end_hour):
    return SimpleNamespace(name=name, starts_at=vienna(4, start_hour), ends_at=vienna(4, end_hour))


def test_overlapping_pairs_finds_every_overlap_and_not_touching_ends():
    slots = [slot("a", 9, 12), slot("b", 10, 11), slot("c", 11, 13), slot("d", 13, 14)]
    pairs = [(first.name, second.name) for first, second in overlapping_pairs(slots)]
    assert pairs == [("a", "b"), ("a", "c")]


def test_a_clean_programme_has_no_conflicts(db):
    event = EventFactory()
    room = RoomFactory(event=event)
    person = PersonFactory(event=event)
    first = SessionFactory(event=event, room=room, starts_at=vienna(4, 9))
    second = SessionFactory(event=event, room=room, starts_at=vienna(4, 10))
    SessionPersonFactory(session=first, person=person)
    PresentationSpeakerFactory(presentation=PresentationFactory(session=first), person=person)
    SessionPersonFactory(session=second, person=person)
    assert programme_conflicts(event=event) == []


def test_room_double_booking(db):
    room = RoomFactory(name="Room A")
    first = SessionFactory(event=room.event, room=room, code="RC 1", starts_at=vienna(4, 9))
    second = SessionFactory(event=room.event, room=room, code="RC 2", starts_at=vienna(4, 9, 30))

    [conflict] = programme_conflicts(event=room.event)

    assert (conflict.kind, conflict.objects) == (ConflictKind.ROOM, (room, first, second))
    assert (
        conflict.message == "Room A: RC 1 (Mon 04 Mar 09:00-10:00) and RC 2 (Mon 04 Mar 09:30-10:30) overlap."
    )


def test_cancelled_sessions_do_not_conflict(db):
    room = RoomFactory()
    SessionFactory(event=room.event, room=room, starts_at=vienna(4, 9))
    SessionFactory(event=room.event, room=room, starts_at=vienna(4, 9), status=ProgrammeStatus.CANCELLED)
    assert programme_conflicts(event=room.event) == []


def test_person_in_two_places_at_once(db):
    event = EventFactory()
    person = PersonFactory(event=event, printed_name="M. Radzina")
    chaired = SessionFactory(event=event, code="RC 1", starts_at=vienna(4, 9))
    elsewhere = SessionFactory(event=event, code="RC 2", starts_at=vienna(4, 9, 30))
    talk = PresentationFactory(session=elsewhere, title="Ultrasound", starts_at=vienna(4, 9, 30))
    SessionPersonFactory(session=chaired, person=person)
    PresentationSpeakerFactory(presentation=talk, person=person)

    [conflict] = programme_conflicts(event=event)

    assert (conflict.kind, conflict.objects) == (ConflictKind.PERSON, (person, chaired, talk))
    assert conflict.message == (
        "M. Radzina is in two places at once: RC 1 (Mon 04 Mar 09:00-10:00) "
        "and “Ultrasound” (RC 2) (Mon 04 Mar 09:30-09:50)."
    )


def test_presentation_outside_its_session(db):
    session = SessionFactory(code="RC 1", starts_at=vienna(4, 9))
    late = PresentationFactory(session=session, title="Late", starts_at=vienna(4, 9, 50))

    [conflict] = programme_conflicts(event=session.event)

    assert (conflict.kind, conflict.objects) == (ConflictKind.OUTSIDE_SESSION, (late, session))
    assert conflict.label == "Presentation outside its session"


def test_presentations_of_one_session_overlapping(db):
    session = SessionFactory(code="RC 1", starts_at=vienna(4, 9))
    first = PresentationFactory(session=session, starts_at=vienna(4, 9))
    second = PresentationFactory(session=session, starts_at=vienna(4, 9, 10))

    [conflict] = programme_conflicts(event=session.event)

    assert (conflict.kind, conflict.objects) == (ConflictKind.PRESENTATION_OVERLAP, (session, first, second))


def test_conflicts_of_another_event_do_not_leak(db):
    room = RoomFactory()
    SessionFactory(event=room.event, room=room, starts_at=vienna(4, 9))
    SessionFactory(event=room.event, room=room, starts_at=vienna(4, 9))
    assert programme_conflicts(event=EventFactory()) == []


def test_conflicts_cost_four_queries(db, django_assert_num_queries):
    event = EventFactory()
    room = RoomFactory(event=event)
    person = PersonFactory(event=event)
    for hour in range(8, 18):
        session = SessionFactory(
            event=event,
            room=room,
            starts_at=vienna(4, hour),
            ends_at=vienna(4, hour) + dt.timedelta(minutes=70),
        )
        SessionPersonFactory(session=session, person=person)
        PresentationSpeakerFactory(presentation=PresentationFactory(session=session), person=person)
    with django_assert_num_queries(4):
        conflicts = programme_conflicts(event=event)
    assert {c.kind for c in conflicts} == {ConflictKind.ROOM, ConflictKind.PERSON}
