"""GET /api/v1/events/<event>/sessions/<session>/playback/: the player state as JSON, media if allowed."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.registration import EntitlementFactory
from tests.factories.streaming import LiveStreamFactory, RecordingFactory

pytestmark = pytest.mark.django_db


def playback_url(session) -> str:
    return f"/api/v1/events/{session.event.slug}/sessions/{session.slug}/playback/"


def test_playback_api_live_for_a_member(client, live_session):
    stream = LiveStreamFactory(room=live_session.room)
    user = UserFactory()
    EntitlementFactory(user=user, event=live_session.event)
    client.force_login(user)
    response = client.get(playback_url(live_session))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert (body["status"], body["reason"], body["timezone"]) == ("live", "Live now.", "Europe/Vienna")
    assert body["media"] == {"kind": "hls", "url": stream.url, "captions_url": ""}


def test_playback_api_on_demand_for_staff(client, past_session, staff_user):
    recording = RecordingFactory(session=past_session)
    client.force_login(staff_user)
    body = client.get(playback_url(past_session)).json()
    assert (body["status"], body["media"]["url"]) == ("on_demand", recording.url)


def test_playback_api_upcoming(client, future_session):
    LiveStreamFactory(room=future_session.room)
    user = UserFactory()
    EntitlementFactory(user=user, event=future_session.event)
    client.force_login(user)
    body = client.get(playback_url(future_session)).json()
    assert (body["status"], body["media"]) == ("upcoming", None)
    assert body["reason"].startswith("This session starts on")


@pytest.mark.parametrize("viewer", ["anonymous", "no entitlement", "other event"])
def test_playback_api_never_leaks_addresses(client, live_session, past_session, viewer):
    stream = LiveStreamFactory(room=live_session.room)
    recording = RecordingFactory(session=past_session)
    if viewer != "anonymous":
        user = UserFactory()
        if viewer == "other event":
            EntitlementFactory(user=user)
        client.force_login(user)
    for session in (live_session, past_session):
        response = client.get(playback_url(session))
        assert response.status_code == 200
        text = response.content.decode()
        assert stream.url not in text and recording.url not in text and "/watch/media/" not in text
        assert response.json()["status"] == "unavailable"
        assert response.json()["media"] is None


def test_playback_api_unknown_session_is_json_404(client, live_session):
    response = client.get(f"/api/v1/events/{live_session.event.slug}/sessions/nope/playback/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_playback_api_costs_few_queries(client, live_session, django_assert_max_num_queries):
    LiveStreamFactory(room=live_session.room)
    user = UserFactory()
    EntitlementFactory(user=user, event=live_session.event)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(playback_url(live_session)).status_code == 200
