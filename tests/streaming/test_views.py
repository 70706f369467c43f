"""The player page and the media view, over HTTP: what each viewer sees, and that no address leaks."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from rostrum.streaming.enums import MediaKind
from rostrum.streaming.models import Recording
from rostrum.streaming.selectors import player_state
from rostrum.streaming.tokens import playback_token_make
from tests.factories.accounts import UserFactory
from tests.factories.registration import EntitlementFactory
from tests.factories.streaming import LiveStreamFactory, RecordingFactory

pytestmark = pytest.mark.django_db

VIDEO = b"\x00\x00\x00\x18ftypmp42 not really a video"


def watch_url(session) -> str:
    return reverse("streaming:watch", kwargs={"event": session.event.slug, "session": session.slug})


def member_of(session):
    user = UserFactory()
    EntitlementFactory(user=user, event=session.event)
    return user


def file_recording(session, **fields) -> Recording:
    recording = Recording(session=session, kind=MediaKind.MP4, **fields)
    recording.file.save("talk.mp4", ContentFile(VIDEO), save=False)
    recording.save()
    return recording


def media_url(user, session) -> str:
    return player_state(user, session).media.url


def test_watch_page_live_for_a_member(client, live_session):
    stream = LiveStreamFactory(room=live_session.room, captions_url="https://cdn.example.org/c.vtt")
    client.force_login(member_of(live_session))
    response = client.get(watch_url(live_session))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Live now." in page
    assert f'<source src="{stream.url}" type="application/vnd.apple.mpegurl">' in page
    assert '<track kind="captions" src="https://cdn.example.org/c.vtt"' in page
    assert page.count("<h1") == 1
    assert "<script>" not in page and "style=" not in page


def test_watch_page_embed_uses_an_iframe(client, live_session):
    LiveStreamFactory(room=live_session.room, kind=MediaKind.EMBED, url="https://player.vimeo.com/video/1")
    client.force_login(member_of(live_session))
    page = client.get(watch_url(live_session)).content.decode()
    assert '<iframe class="player player-embed" src="https://player.vimeo.com/video/1"' in page
    assert "<video" not in page


def test_watch_page_upcoming_says_when(client, future_session):
    LiveStreamFactory(room=future_session.room)
    client.force_login(member_of(future_session))
    page = client.get(watch_url(future_session)).content.decode()
    assert "Not started yet." in page
    assert "This session starts on" in page
    assert (
        f'<time datetime="{future_session.starts_at.astimezone(future_session.event.tz).isoformat()}' in page
    )
    assert "<video" not in page


def test_watch_page_on_demand_file_plays_through_a_token(client, past_session):
    file_recording(past_session)
    client.force_login(member_of(past_session))
    page = client.get(watch_url(past_session)).content.decode()
    assert "On demand." in page
    assert '<source src="/watch/media/' in page
    assert "talk" not in page  # the file's name stays private


def test_watch_page_unavailable_says_why(client, past_session):
    client.force_login(member_of(past_session))
    page = client.get(watch_url(past_session)).content.decode()
    assert "Not available." in page and "No recording yet." in page


def test_watch_page_unknown_session_is_404(client, live_session):
    url = reverse("streaming:watch", kwargs={"event": live_session.event.slug, "session": "nope"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("viewer", ["anonymous", "no entitlement", "other event"])
def test_watch_page_never_leaks_addresses(client, live_session, past_session, viewer):
    stream = LiveStreamFactory(
        room=live_session.room, captions_url="https://cdn.example.org/live-captions.vtt"
    )
    external = RecordingFactory(session=past_session)
    if viewer != "anonymous":
        user = UserFactory()
        if viewer == "other event":
            EntitlementFactory(user=user)
        client.force_login(user)
    for session in (live_session, past_session):
        page = client.get(watch_url(session)).content.decode()
        assert stream.url not in page
        assert "live-captions" not in page
        assert external.url not in page
        assert "/watch/media/" not in page
        assert "<video" not in page and "<iframe" not in page
    if viewer == "anonymous":
        assert "Sign in to watch" in page


def test_session_page_links_to_the_player(client, live_session):
    page = client.get(live_session.get_absolute_url()).content.decode()
    assert f'href="{watch_url(live_session)}"' in page


# The media view -------------------------------------------------------------------------------------------


def test_media_serves_the_file_to_its_viewer(client, past_session):
    file_recording(past_session)
    user = member_of(past_session)
    client.force_login(user)
    response = client.get(media_url(user, past_session))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == VIDEO
    assert response["Content-Type"] == "video/mp4"
    assert response["Cache-Control"] == "private, no-store"


def test_media_refuses_anonymous(client, past_session):
    file_recording(past_session)
    url = media_url(member_of(past_session), past_session)
    response = client.get(url)
    assert (response.status_code, response.content.decode()) == (403, "Sign in to watch this session.")


def test_media_refuses_another_user(client, past_session):
    file_recording(past_session)
    url = media_url(member_of(past_session), past_session)
    client.force_login(member_of(past_session))
    response = client.get(url)
    assert (response.status_code, response.content.decode()) == (
        403,
        "This playback link belongs to somebody else.",
    )


def test_media_refuses_a_tampered_token(client, past_session):
    file_recording(past_session)
    user = member_of(past_session)
    url = media_url(user, past_session)
    client.force_login(user)
    response = client.get(url[:-3] + "zz/")
    assert (response.status_code, response.content.decode()) == (403, "This playback link is not valid.")


def test_media_refuses_an_expired_token(client, past_session, settings):
    file_recording(past_session)
    user = member_of(past_session)
    settings.ROSTRUM_PLAYBACK_TOKEN_SECONDS = -1
    client.force_login(user)
    response = client.get(media_url(user, past_session))
    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_media_refuses_a_token_naming_another_session(client, past_session, live_session):
    recording = file_recording(past_session)
    user = member_of(past_session)
    token = playback_token_make(user=user, session=live_session, recording=recording)
    client.force_login(user)
    response = client.get(reverse("streaming:media", kwargs={"token": token}))
    assert response.status_code == 404


def test_media_refuses_once_access_is_withdrawn(client, past_session):
    file_recording(past_session)
    user = member_of(past_session)
    url = media_url(user, past_session)
    user.entitlements.update(revoked_at=past_session.ends_at)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 403
    assert response.content.decode().startswith("You have no access to the recording of this session.")


def test_media_refuses_a_recording_out_of_its_window(client, past_session):
    recording = file_recording(past_session)
    user = member_of(past_session)
    url = media_url(user, past_session)
    Recording.objects.filter(pk=recording.pk).update(available_until=past_session.ends_at)
    client.force_login(user)
    response = client.get(url)
    assert (response.status_code, response.content.decode()) == (403, "This recording is not on demand now.")


def test_media_missing_file_is_404(client, past_session):
    recording = file_recording(past_session)
    user = member_of(past_session)
    url = media_url(user, past_session)
    recording.file.delete(save=False)
    Recording.objects.filter(pk=recording.pk).update(file=recording.file.name or "recordings/gone.mp4")
    client.force_login(user)
    assert client.get(url).status_code == 404
