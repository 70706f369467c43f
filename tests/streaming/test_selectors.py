"""player_state: what the player shows, decided by real entitlements (can_watch), media only when allowed."""

import datetime as dt

import pytest

from rostrum.programme.enums import ProgrammeStatus
from rostrum.streaming.enums import MediaKind, PlayerStatus
from rostrum.streaming.selectors import player_state
from tests.factories.accounts import UserFactory
from tests.factories.programme import SessionFactory, vienna
from tests.factories.registration import EntitlementFactory
from tests.factories.streaming import LiveStreamFactory, RecordingFactory

pytestmark = pytest.mark.django_db

DURING = vienna(4, 11)
AFTER = vienna(5, 9)
BEFORE = vienna(3, 9)


@pytest.fixture
def session():
    return SessionFactory(starts_at=vienna(4, 10, 30), ends_at=vienna(4, 11, 30))


@pytest.fixture
def member(session):
    user = UserFactory()
    EntitlementFactory(user=user, event=session.event)
    return user


def test_player_state_live_for_an_entitled_viewer(session, member):
    stream = LiveStreamFactory(room=session.room, captions_url="https://cdn.example.org/live.vtt")
    state = player_state(member, session, at=DURING)
    assert state.status == PlayerStatus.LIVE
    assert state.reason == "Live now."
    assert (state.media.kind, state.media.url, state.media.captions_url) == (
        MediaKind.HLS,
        stream.url,
        "https://cdn.example.org/live.vtt",
    )
    assert (state.starts_at, state.ends_at, state.timezone) == (
        session.starts_at,
        session.ends_at,
        "Europe/Vienna",
    )


def test_player_state_live_without_a_stream_for_the_room(session, member):
    state = player_state(member, session, at=DURING)
    assert (state.status, state.reason, state.media) == (
        PlayerStatus.UNAVAILABLE,
        "No live stream for this room.",
        None,
    )


def test_player_state_upcoming_says_when_and_holds_no_media(session, member):
    LiveStreamFactory(room=session.room)
    state = player_state(member, session, at=BEFORE)
    assert state.status == PlayerStatus.UPCOMING
    assert state.reason.startswith("This session starts on Monday 4 March 2030 at 10:30 CET.")
    assert state.media is None


def test_player_state_upcoming_for_staff_holds_no_media(session):
    LiveStreamFactory(room=session.room)
    state = player_state(UserFactory(is_staff=True), session, at=BEFORE)
    assert (state.status, state.media) == (PlayerStatus.UPCOMING, None)
    assert "starts on 4 March 2030 at 10:30 CET" in state.reason


def test_player_state_on_demand_with_an_external_recording(session, member):
    recording = RecordingFactory(session=session, captions_url="https://cdn.example.org/rec.vtt")
    state = player_state(member, session, at=AFTER)
    assert state.status == PlayerStatus.ON_DEMAND
    assert (state.media.url, state.media.captions_url) == (recording.url, "https://cdn.example.org/rec.vtt")


def test_player_state_on_demand_until_the_earliest_end(session, member):
    RecordingFactory(session=session, available_until=vienna(20, 0))
    state = player_state(member, session, at=AFTER)
    assert state.available_until == vienna(20, 0)


def test_player_state_on_demand_file_gets_a_token_link(session, member):
    recording = RecordingFactory(session=session, url="", file="recordings/talk.mp4")
    state = player_state(member, session, at=AFTER)
    assert state.media.url.startswith("/watch/media/")
    assert "recordings/talk.mp4" not in state.media.url
    assert recording.file.name == "recordings/talk.mp4"


def test_player_state_on_demand_without_a_recording(session, member):
    state = player_state(member, session, at=AFTER)
    assert (state.status, state.reason, state.media) == (PlayerStatus.UNAVAILABLE, "No recording yet.", None)


def test_player_state_recording_outside_its_window(session, member):
    RecordingFactory(session=session, available_until=vienna(4, 23))
    RecordingFactory(session=session, available_from=vienna(10, 9), available_until=vienna(11, 9))
    state = player_state(member, session, at=AFTER)
    assert state.status == PlayerStatus.UNAVAILABLE
    assert state.reason == "The recording will be on demand from 10 March 2030 at 09:00 CET."
    assert state.media is None


def test_player_state_anonymous_is_told_to_sign_in(session):
    LiveStreamFactory(room=session.room)
    state = player_state(None, session, at=DURING)
    assert (state.status, state.reason, state.media) == (
        PlayerStatus.UNAVAILABLE,
        "Sign in to watch this session.",
        None,
    )


def test_player_state_without_entitlement_gives_the_reason_and_no_media(session):
    LiveStreamFactory(room=session.room)
    RecordingFactory(session=session)
    user = UserFactory()
    live, later = player_state(user, session, at=DURING), player_state(user, session, at=AFTER)
    assert live.reason.startswith("You have no access to the live stream of this session.")
    assert later.reason.startswith("You have no access to the recording of this session.")
    assert (live.media, later.media) == (None, None)


def test_player_state_entitlement_of_another_event_opens_nothing(session):
    LiveStreamFactory(room=session.room)
    user = UserFactory()
    EntitlementFactory(user=user)  # another event
    assert player_state(user, session, at=DURING).media is None


def test_player_state_live_only_entitlement_has_no_recording(session):
    RecordingFactory(session=session)
    user = UserFactory()
    EntitlementFactory(user=user, event=session.event, on_demand=False)
    state = player_state(user, session, at=AFTER)
    assert (state.status, state.reason, state.media) == (
        PlayerStatus.UNAVAILABLE,
        "Your access covers the live stream only, not the recording.",
        None,
    )


def test_player_state_revoked_entitlement_opens_nothing(session):
    LiveStreamFactory(room=session.room)
    user = UserFactory()
    EntitlementFactory(user=user, event=session.event, revoked_at=vienna(1, 9))
    assert player_state(user, session, at=DURING).media is None


def test_player_state_cancelled_session(session, member):
    LiveStreamFactory(room=session.room)
    session.status = ProgrammeStatus.CANCELLED
    state = player_state(member, session, at=DURING)
    assert (state.status, state.reason, state.media) == (
        PlayerStatus.UNAVAILABLE,
        "This session was cancelled.",
        None,
    )


def test_player_state_session_entitlement_opens_only_that_session(session):
    other = SessionFactory(
        event=session.event, room=session.room, starts_at=session.starts_at, ends_at=session.ends_at
    )
    LiveStreamFactory(room=session.room)
    user = UserFactory()
    EntitlementFactory(user=user, scope="session", event=None, session=session)
    assert player_state(user, session, at=DURING).status == PlayerStatus.LIVE
    assert player_state(user, other, at=DURING).media is None


def test_player_state_window_edge(session, member):
    RecordingFactory(session=session, available_from=AFTER)
    assert player_state(member, session, at=AFTER - dt.timedelta(seconds=1)).media is None
    assert player_state(member, session, at=AFTER).media is not None
