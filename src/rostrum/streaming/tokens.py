"""Playback tokens: short-lived signed links to a recording file Rostrum serves.

A token binds the viewer, the session and the recording, and expires after ROSTRUM_PLAYBACK_TOKEN_SECONDS
(5 minutes by default): a copied link is useless to somebody else and soon useless to anybody. The media
view still asks `can_watch` again, so withdrawn access stops playback at the next request.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from rostrum.streaming.errors import StreamingError

SALT = "rostrum.streaming.playback"


@dataclass(frozen=True)
class PlaybackGrant:
    user_id: int
    session_id: int
    recording_id: int


def token_seconds() -> int:
    return int(getattr(settings, "ROSTRUM_PLAYBACK_TOKEN_SECONDS", 300))


def playback_token_make(*, user, session, recording) -> str:
    """A signed token for `user` to play `recording` of `session` (no side effects)."""
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"u": user.pk, "s": session.pk, "r": recording.pk}, compress=False
    )


def playback_token_read(token: str) -> PlaybackGrant:
    """What a token grants; StreamingError when it is tampered with, malformed or expired."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=token_seconds())
    except signing.SignatureExpired as error:
        raise StreamingError("This playback link has expired: reload the player page.") from error
    except signing.BadSignature as error:
        raise StreamingError("This playback link is not valid.") from error
    try:
        return PlaybackGrant(user_id=int(data["u"]), session_id=int(data["s"]), recording_id=int(data["r"]))
    except (KeyError, TypeError, ValueError) as error:
        raise StreamingError("This playback link is not valid.") from error
