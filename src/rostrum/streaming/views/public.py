"""The player page of a session and the media files Rostrum serves to it.

- /events/<event>/sessions/<session>/watch/: anyone may open it; it says what is on and why, and holds the
  stream or recording only for a viewer `can_watch` allows.
- /watch/media/<token>/: a recording file, for the signed-in viewer the token names, while they may watch.
"""

import logging
import mimetypes

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from rostrum.programme import selectors as programme_selectors
from rostrum.programme.models import Session
from rostrum.registration.entitlements import ON_DEMAND, can_watch
from rostrum.streaming.enums import MEDIA_TYPES, MediaKind
from rostrum.streaming.errors import StreamingError
from rostrum.streaming.models import Recording
from rostrum.streaming.selectors import player_state, recording_of
from rostrum.streaming.tokens import playback_token_read

logger = logging.getLogger(__name__)


def _private(response):
    # The page or file is for this viewer only: no shared cache may keep it, no browser may reuse it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def watch(request, event, session):
    event = programme_selectors.event_get(slug=event)
    session = programme_selectors.session_get(event=event, slug=session, with_presentations=False)
    state = player_state(request.user, session)
    media = state.media
    context = {
        "event": event,
        "session": session,
        "state": state,
        "media": media,
        "embed": media is not None and media.kind == MediaKind.EMBED,
        "media_type": MEDIA_TYPES.get(media.kind, "") if media else "",
    }
    return _private(render(request, "streaming/watch.html", context))


def _refuse(message: str, status: int = 403) -> HttpResponse:
    return _private(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


class Refusal(StreamingError):
    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.status = status


def _playable_recording(request, token: str) -> Recording:
    """The recording a token opens for the signed-in viewer right now; Refusal saying why not otherwise."""
    if not request.user.is_authenticated:
        raise Refusal("Sign in to watch this session.")
    try:
        grant = playback_token_read(token)
    except StreamingError as error:
        raise Refusal(error.message) from error
    if grant.user_id != request.user.pk:
        raise Refusal("This playback link belongs to somebody else.")
    session = Session.objects.select_related("event").filter(pk=grant.session_id).first()
    recording = Recording.objects.filter(pk=grant.recording_id, session_id=grant.session_id).first()
    if session is None or recording is None or not recording.file:
        raise Refusal("This recording no longer exists.", status=404)
    # Asked again on every request: access withdrawn since the page was shown stops playback at once.
    access = can_watch(request.user, session)
    if not access.allowed:
        raise Refusal(access.reason)
    if access.mode != ON_DEMAND:
        raise Refusal("The recording opens when the session ends.")
    current = recording_of(session, at=timezone.now())
    if current is None or current.pk != recording.pk:
        raise Refusal("This recording is not on demand now.")
    return recording


@require_GET
def media(request, token):
    try:
        recording = _playable_recording(request, token)
        content = recording.file.open("rb")
    except Refusal as refusal:
        return _refuse(refusal.message, status=refusal.status)
    except FileNotFoundError:
        logger.error("Recording %s: file %s is missing", recording.pk, recording.file.name)
        return _refuse("This recording's file is missing; the organisers have been told.", status=404)
    content_type = MEDIA_TYPES.get(recording.kind) or mimetypes.guess_type(recording.file.name)[0]
    return _private(FileResponse(content, content_type=content_type or "application/octet-stream"))


urlpatterns = [
    path("events/<slug:event>/sessions/<slug:session>/watch/", watch, name="watch"),
    path("watch/media/<str:token>/", media, name="media"),
]
