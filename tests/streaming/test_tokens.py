"""Playback tokens: signed, bound to a viewer, a session and a recording, and short-lived."""

import pytest
from django.core import signing

from rostrum.streaming.errors import StreamingError
from rostrum.streaming.tokens import SALT, PlaybackGrant, playback_token_make, playback_token_read
from tests.factories.accounts import UserFactory
from tests.factories.streaming import RecordingFactory

pytestmark = pytest.mark.django_db


def test_playback_token_reads_back_what_it_binds():
    user, recording = UserFactory(), RecordingFactory()
    token = playback_token_make(user=user, session=recording.session, recording=recording)
    assert playback_token_read(token) == PlaybackGrant(user.pk, recording.session_id, recording.pk)


def test_playback_token_expires(settings, monkeypatch):
    settings.ROSTRUM_PLAYBACK_TOKEN_SECONDS = 60
    user, recording = UserFactory(), RecordingFactory()
    clock = [1_900_000_000.0]
    # The clock is outside our code: signing reads time.time(), which the test moves forward.
    monkeypatch.setattr(signing.time, "time", lambda: clock[0])
    token = playback_token_make(user=user, session=recording.session, recording=recording)
    clock[0] += 59
    assert playback_token_read(token).user_id == user.pk
    clock[0] += 3
    with pytest.raises(StreamingError, match="expired"):
        playback_token_read(token)


def test_playback_token_tampered_is_refused():
    user, recording = UserFactory(), RecordingFactory()
    token = playback_token_make(user=user, session=recording.session, recording=recording)
    forged = signing.TimestampSigner(salt=SALT).sign_object({"u": user.pk + 1, "s": 1, "r": 1})
    for bad in (token[:-2] + "xx", "garbage", forged.replace(forged.split(":")[-1], token.split(":")[-1])):
        with pytest.raises(StreamingError, match="not valid"):
            playback_token_read(bad)


def test_playback_token_of_another_salt_is_refused():
    token = signing.TimestampSigner(salt="another").sign_object({"u": 1, "s": 1, "r": 1})
    with pytest.raises(StreamingError, match="not valid"):
        playback_token_read(token)
