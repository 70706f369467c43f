"""/api/v1/me/agenda/: the signed-in user's starred sessions and presentations (their personal programme).

GET lists them per event in time order with overlaps; POST and DELETE take `{"sessions": [ids],
"presentations": [ids]}` (DELETE also `?session=ID` or `?presentation=ID`) and answer with the new list.
Ids that are unknown or not in a published programme are listed under `ignored` rather than failing the
whole request, so a browser can hand over stars it kept while signed out, even stale ones.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rostrum.programme import agenda, services


def id_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=1000)


class AgendaChangeSerializer(serializers.Serializer):
    sessions = id_list()
    presentations = id_list()


class AgendaItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="item.pk")
    title = serializers.CharField()
    event = serializers.CharField(source="session.event.slug")
    starts_at = serializers.DateTimeField(source="item.starts_at")
    ends_at = serializers.DateTimeField(source="item.ends_at")
    cancelled = serializers.BooleanField()
    url = serializers.SerializerMethodField()
    overlaps = serializers.SerializerMethodField(help_text='Starred items at the same time: ["session:12"].')

    def get_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(item.url)

    def get_overlaps(self, item) -> list[str]:
        return [f"{other.kind}:{other.item.pk}" for other in item.overlaps]


AGENDA = inline_serializer(
    "Agenda",
    {
        "results": AgendaItemSerializer(many=True),
        "ignored": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
# Every method answers 200 with the agenda (DELETE too: the schema says 204 unless told), 403 when signed out.
AGENDA_RESPONSES = {
    200: AGENDA,
    403: OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description="Not signed in.",
        examples=[
            OpenApiExample("Signed out", value={"detail": "Authentication credentials were not provided."})
        ],
    ),
}


class AgendaApi(APIView):
    permission_classes = [IsAuthenticated]

    def answer(self, request, *, ignored=None):
        items = [item for event in agenda.agenda_by_event(user=request.user) for item in event.items]
        body = {"results": AgendaItemSerializer(items, many=True, context={"request": request}).data}
        if ignored is not None:
            body["ignored"] = ignored
        return Response(body)

    def items(self, request, data):
        change = AgendaChangeSerializer(data=data)
        change.is_valid(raise_exception=True)
        session_ids = change.validated_data.get("sessions", [])
        presentation_ids = change.validated_data.get("presentations", [])
        sessions, presentations = agenda.published_items(
            session_ids=session_ids, presentation_ids=presentation_ids
        )
        found = {("session", s.pk) for s in sessions} | {("presentation", p.pk) for p in presentations}
        asked = [("session", pk) for pk in session_ids] + [("presentation", pk) for pk in presentation_ids]
        ignored = sorted({f"{kind}:{pk}" for kind, pk in asked if (kind, pk) not in found})
        return sessions, presentations, ignored

    @extend_schema(tags=["me"], summary="My programme", responses=AGENDA_RESPONSES)
    def get(self, request):
        return self.answer(request)

    @extend_schema(
        tags=["me"],
        summary="Star sessions or presentations",
        request=AgendaChangeSerializer,
        responses=AGENDA_RESPONSES,
    )
    def post(self, request):
        sessions, presentations, ignored = self.items(request, request.data)
        for session in sessions:
            services.agenda_star(request.user, session=session)
        for presentation in presentations:
            services.agenda_star(request.user, presentation=presentation)
        return self.answer(request, ignored=ignored)

    @extend_schema(
        tags=["me"], summary="Remove stars", request=AgendaChangeSerializer, responses=AGENDA_RESPONSES
    )
    def delete(self, request):
        data = request.data or {
            "sessions": request.query_params.getlist("session"),
            "presentations": request.query_params.getlist("presentation"),
        }
        sessions, presentations, ignored = self.items(request, data)
        for session in sessions:
            services.agenda_unstar(request.user, session=session)
        for presentation in presentations:
            services.agenda_unstar(request.user, presentation=presentation)
        return self.answer(request, ignored=ignored)


urlpatterns = [path("me/agenda/", AgendaApi.as_view(), name="agenda")]
