import datetime as dt

import pytest
from django.urls import reverse

from rostrum.programme.models import Presentation
from tests.factories.accounts import UserFactory
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

MODELS = [
    "event",
    "session",
    "presentation",
    "person",
    "room",
    "sessiontype",
    "topic",
    "audience",
    "organisation",
]


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def clash(db):
    """A session and a presentation of it booked into one room at the same time as another session."""
    room = RoomFactory(name="Room A")
    first = SessionFactory(event=room.event, room=room, code="RC 1", starts_at=vienna(4, 9))
    second = SessionFactory(event=room.event, room=room, code="RC 2", starts_at=vienna(4, 9, 30))
    talk = PresentationFactory(session=first, starts_at=vienna(4, 9))
    PresentationSpeakerFactory(presentation=talk)
    SessionPersonFactory(session=second)
    return first, second, talk


@pytest.mark.parametrize("model", MODELS)
def test_lists_and_add_pages_load_for_staff(staff_client, clash, model):
    for page in ["changelist", "add"]:
        response = staff_client.get(reverse(f"admin:programme_{model}_{page}"))
        assert response.status_code == 200, page


@pytest.mark.parametrize("model", MODELS)
def test_lists_are_closed_to_anonymous_visitors_and_members(client, db, model):
    url = reverse(f"admin:programme_{model}_changelist")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302


def test_change_pages_load_with_their_people_and_presentations(staff_client, clash):
    first, _, talk = clash
    for obj in [first.event, first, talk, talk.speakers.get(), first.room]:
        response = staff_client.get(reverse(f"admin:programme_{obj._meta.model_name}_change", args=[obj.pk]))
        assert response.status_code == 200, obj
    page = staff_client.get(reverse("admin:programme_session_change", args=[first.pk])).content.decode()
    assert talk.speakers.get().code in page  # the presentation row shows its speakers' codes


def test_event_list_links_to_conflicts_and_import(staff_client, clash):
    event = clash[0].event
    page = staff_client.get(reverse("admin:programme_event_changelist")).content.decode()
    assert reverse("admin:programme_event_conflicts", args=[event.pk]) in page
    assert f"/staff/events/{event.slug}/import/" in page


def test_conflict_report_lists_every_conflict_with_links(staff_client, clash):
    first, second, _ = clash
    response = staff_client.get(reverse("admin:programme_event_conflicts", args=[first.event.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Room A: RC 1 (Mon 04 Mar 09:00-10:00) and RC 2 (Mon 04 Mar 09:30-10:30) overlap." in page
    assert reverse("admin:programme_session_change", args=[second.pk]) in page
    assert [kind for kind, _ in response.context["counts"]] == ["Room double-booked"]


def test_conflict_report_of_a_clean_event_says_so(staff_client, db):
    event = EventFactory()
    page = staff_client.get(reverse("admin:programme_event_conflicts", args=[event.pk])).content.decode()
    assert "No conflicts" in page


def test_conflict_report_is_closed_to_anonymous_visitors_and_members(client, clash):
    url = reverse("admin:programme_event_conflicts", args=[clash[0].event.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302


def test_conflict_report_of_a_missing_event_redirects(staff_client, db):
    assert staff_client.get(reverse("admin:programme_event_conflicts", args=[999])).status_code == 302


def test_session_list_costs_the_same_for_more_sessions(staff_client, db, django_assert_max_num_queries):
    event = EventFactory()
    room = RoomFactory(event=event)
    url = reverse("admin:programme_session_changelist")
    SessionFactory(event=event, room=room)
    with django_assert_max_num_queries(30) as few:
        staff_client.get(url)
    for _ in range(30):
        SessionFactory(event=event, room=room)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(url).status_code == 200


def session_form(session, talk, speaker_codes: str) -> dict:
    """What the session page posts back: the session unchanged, one presentation with its speakers."""

    def split(value, prefix: str) -> dict:
        # The back office shows times in UTC (settings.TIME_ZONE), date and time in two inputs.
        value = value.astimezone(dt.UTC)
        return {f"{prefix}_0": value.strftime("%Y-%m-%d"), f"{prefix}_1": value.strftime("%H:%M:%S")}

    return {
        "event": session.event_id,
        "code": session.code,
        "slug": session.slug,
        "title": session.title,
        "level": "",
        "format": session.format,
        **split(session.starts_at, "starts_at"),
        **split(session.ends_at, "ends_at"),
        "room": session.room_id,
        "learning_objectives": "[]",
        "status": session.status,
        "roles-TOTAL_FORMS": 0,
        "roles-INITIAL_FORMS": 0,
        "presentations-TOTAL_FORMS": 1,
        "presentations-INITIAL_FORMS": 1,
        "presentations-0-id": talk.pk,
        "presentations-0-session": session.pk,
        "presentations-0-position": 0,
        "presentations-0-code": talk.code,
        "presentations-0-kind": talk.kind,
        "presentations-0-title": talk.title,
        **split(talk.starts_at, "presentations-0-starts_at"),
        **split(talk.ends_at, "presentations-0-ends_at"),
        "presentations-0-status": talk.status,
        "presentations-0-speaker_codes": speaker_codes,
    }


def test_speakers_are_edited_on_the_session_page_in_printed_order(staff_client, db):
    session = SessionFactory(starts_at=vienna(4, 9))
    talk = PresentationFactory(session=session)
    first, second = PersonFactory(event=session.event), PersonFactory(event=session.event)
    PresentationSpeakerFactory(presentation=talk, person=first)
    url = reverse("admin:programme_session_change", args=[session.pk])

    response = staff_client.post(url, session_form(session, talk, f"{second.code}, {first.code}"))

    assert response.status_code == 302, response.context["errors"]
    speakers = Presentation.objects.get(pk=talk.pk).speaker_roles.order_by("position")
    assert [s.person for s in speakers] == [second, first]


def test_speakers_of_another_event_are_refused(staff_client, db):
    session = SessionFactory(starts_at=vienna(4, 9))
    talk = PresentationFactory(session=session)
    stranger = PersonFactory()
    url = reverse("admin:programme_session_change", args=[session.pk])

    response = staff_client.post(url, session_form(session, talk, stranger.code))

    assert response.status_code == 200
    assert f"No person of this event has the code {stranger.code}." in response.content.decode()
    assert talk.speaker_roles.count() == 0
