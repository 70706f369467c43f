"""What the player shows a viewer: `player_state(user, session, at=...)`.

The entitlement decision is registration's `can_watch`; this adds the sources (the room's live stream, the
recording whose window is open) and hands out their addresses only when the answer is yes.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from rostrum.programme.models import Session
from rostrum.registration.entitlements import LIVE, can_watch
from rostrum.streaming.enums import PlayerStatus
from rostrum.streaming.models import LiveStream, Recording
from rostrum.streaming.tokens import playback_token_make


@dataclass(frozen=True)
class Media:
    kind: str
    url: str
    captions_url: str = ""


@dataclass(frozen=True)
class PlayerState:
    """status: live, upcoming, on_demand or unavailable; reason: a sentence for the viewer; media only when
    the viewer may watch now (never for anybody else)."""

    status: str
    reason: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    available_until: dt.datetime | None = None
    media: Media | None = None


def _day(value: dt.datetime, event) -> str:
    local = timezone.localtime(value, event.tz)
    return f"{local.day} {local:%B %Y} at {local:%H:%M} {local.tzname()}"


def live_stream_of(session: Session) -> LiveStream | None:
    if session.room_id is None:
        return None
    return LiveStream.objects.filter(room_id=session.room_id).first()


def recording_of(session: Session, *, at: dt.datetime) -> Recording | None:
    """The session's recording on demand at `at` (the latest to open, when several are)."""
    return (
        Recording.objects.filter(session=session)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=at))
        .filter(Q(available_until__isnull=True) | Q(available_until__gt=at))
        .order_by("-available_from", "-pk")
        .first()
    )


def recording_media(recording: Recording, *, user, session) -> Media:
    if recording.url:
        url = recording.url
    else:
        token = playback_token_make(user=user, session=session, recording=recording)
        url = reverse("streaming:media", kwargs={"token": token})
    return Media(kind=recording.kind, url=url, captions_url=recording.captions_url)


def _no_recording(session: Session, *, at: dt.datetime) -> str:
    later = (
        Recording.objects.filter(session=session, available_from__gt=at).order_by("available_from").first()
    )
    if later is not None:
        return f"The recording will be on demand from {_day(later.available_from, session.event)}."
    return "No recording yet."


def player_state(user, session: Session, *, at: dt.datetime | None = None) -> PlayerState:
    """What the player of `session` shows `user` at `at` (default now). Media only when allowed."""
    at = at or timezone.now()
    event = session.event
    state = {"starts_at": session.starts_at, "ends_at": session.ends_at, "timezone": event.timezone}
    if session.is_cancelled:
        return PlayerState(PlayerStatus.UNAVAILABLE, "This session was cancelled.", **state)
    access = can_watch(user, session, at=at)
    if at < session.starts_at:
        # Nobody gets the stream before the start, staff included: the room may still carry the previous talk.
        reason = (
            access.reason
            if not access.allowed
            else f"This session starts on {_day(session.starts_at, event)}."
        )
        return PlayerState(PlayerStatus.UPCOMING, reason, **state)
    if not access.allowed:
        return PlayerState(PlayerStatus.UNAVAILABLE, access.reason, **state)
    if access.mode == LIVE:
        return _live(session, state)
    return _on_demand(user, session, access, at, state)


def _live(session: Session, state: dict) -> PlayerState:
    stream = live_stream_of(session)
    if stream is None:
        return PlayerState(PlayerStatus.UNAVAILABLE, "No live stream for this room.", **state)
    media = Media(kind=stream.kind, url=stream.url, captions_url=stream.captions_url)
    return PlayerState(PlayerStatus.LIVE, "Live now.", media=media, **state)


def _on_demand(user, session: Session, access, at: dt.datetime, state: dict) -> PlayerState:
    recording = recording_of(session, at=at)
    if recording is None:
        return PlayerState(PlayerStatus.UNAVAILABLE, _no_recording(session, at=at), **state)
    # On demand until the first of the recording's end, the event's and the viewer's access's.
    ends = [
        d
        for d in (
            recording.available_until,
            session.event.on_demand_until,
            access.entitlement.valid_until if access.entitlement else None,
        )
        if d
    ]
    return PlayerState(
        PlayerStatus.ON_DEMAND,
        "On demand.",
        available_until=min(ends) if ends else None,
        media=recording_media(recording, user=user, session=session),
        **state,
    )
