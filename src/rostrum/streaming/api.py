"""Streaming's part of /api/v1/.

- GET events/<event>/sessions/<session>/playback/: anyone; what the player shows the signed-in viewer (live,
  upcoming, on demand or unavailable, and why). `media` holds the stream or recording address only when the
  viewer may watch now; a recording file comes as a short-lived /watch/media/<token>/ link.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from rostrum.programme import selectors as programme_selectors
from rostrum.streaming.selectors import player_state
from rostrum.streaming.serializers import PlayerStateSerializer


class PlaybackApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="session_playback",
        tags=["streaming"],
        summary="What the player of a session shows the signed-in viewer",
        description=(
            "Live now, upcoming, on demand or not available, with the reason in a viewer's words. `media` is "
            "null unless the viewer may watch now: nobody without access ever receives a stream or recording "
            "address. Recording files come as a link that expires after a few minutes."
        ),
        responses={
            200: PlayerStateSerializer,
            404: OpenApiResponse(description="No such published event or session."),
        },
    )
    def get(self, request, event, session):
        event = programme_selectors.event_get(slug=event)
        session = programme_selectors.session_get(event=event, slug=session, with_presentations=False)
        response = Response(PlayerStateSerializer(player_state(request.user, session)).data)
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path("events/<slug:event>/sessions/<slug:session>/playback/", PlaybackApi.as_view(), name="playback"),
]
