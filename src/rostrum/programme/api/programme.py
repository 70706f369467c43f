"""The read API of the programme: events, sessions, presentations, people and session types.

Anyone may read it; only published events appear. Lists are paginated (`?page=`, 50 a page) and cost a fixed
number of queries whatever their length: the selectors fetch everything a page shows in one go. Answers are
cached under the programme versions they show, with ETags (`api/cached.py`): a warm one costs one query.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.settings import APISettings

from rostrum.programme import selectors
from rostrum.programme.api.cached import (
    CachedRead,
    ProgrammeState,
    event_state,
    published_events_state,
    session_types_state,
)
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.serializers import (
    EventFilterSerializer,
    EventSerializer,
    PersonSerializer,
    PresentationSerializer,
    SessionFilterSerializer,
    SessionSerializer,
    SessionTypeDetailSerializer,
)

NOT_FOUND = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="No such published event (or session), or a page past the last.",
    examples=[OpenApiExample("Unknown event", value={"detail": "No event 'ecr-2099'."})],
)
BAD_FILTER = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A query parameter has a value it cannot take; each key names one, with its messages.",
    examples=[
        OpenApiExample(
            "Bad day", value={"day": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}
        )
    ],
)


class FormatIsAFilter(DefaultContentNegotiation):
    """`?format=` filters sessions by format (live, on_site, ...); the Accept header picks JSON or HTML."""

    settings = APISettings(user_settings={"URL_FORMAT_OVERRIDE": None})


class ReadApi(CachedRead):
    # Public reads: no sign-in, no filter backends (each list validates its own query parameters).
    # A comment, not a docstring: the schema would show a docstring as every endpoint's description.

    permission_classes = [AllowAny]
    filter_backends = []
    content_negotiation_class = FormatIsAFilter

    def query(self, serializer_class: type[drf.Serializer]) -> dict:
        """The validated query parameters; 400 naming the parameter when one is wrong.

        An empty parameter means "all", as in the filter forms of the pages (`?day=&format=live`).
        """
        given = {name: value for name, value in self.request.query_params.items() if value != ""}
        params = serializer_class(data=given)
        params.is_valid(raise_exception=True)
        return params.validated_data


class WithPresentationRows:
    """Serializes sessions with their presentations read as rows, for all of them at once (two queries)."""

    def get_serializer(self, *args, **kwargs):
        if args:
            sessions = args[0] if kwargs.get("many") else [args[0]]
            rows = selectors.session_presentation_rows(session_ids=[session.pk for session in sessions])
            kwargs["context"] = {**self.get_serializer_context(), "presentations": rows}
        return super().get_serializer(*args, **kwargs)


@extend_schema(
    tags=["programme"],
    summary="Published events, latest first",
    responses={200: EventSerializer(many=True), 404: NOT_FOUND},
)
class EventListApi(ReadApi, ListAPIView):
    """Congresses, Highlight Weeks, courses and webinars, with links to their pages and sessions."""

    serializer_class = EventSerializer

    def programme_state(self) -> ProgrammeState:
        return published_events_state()

    def get_queryset(self):
        return selectors.event_list().prefetch_related("supporting_societies")


@extend_schema(
    tags=["programme"], summary="One published event", responses={200: EventSerializer, 404: NOT_FOUND}
)
class EventDetailApi(ReadApi, RetrieveAPIView):
    """One event, by its slug."""

    serializer_class = EventSerializer

    def programme_state(self) -> ProgrammeState:
        return event_state(slug=self.kwargs["event"])

    def get_object(self):
        return selectors.event_get(slug=self.kwargs["event"])


@extend_schema(
    tags=["programme"],
    summary="Sessions with their people and presentations, in time order",
    parameters=[SessionFilterSerializer],
    responses={200: SessionSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
)
class SessionListApi(ReadApi, WithPresentationRows, ListAPIView):
    """The filters are those of the programme pages; an empty one means all.

    Without `event`, the list holds the sessions of every published event, and `day` cannot be used: a day
    starts at another instant in each event's time zone. A slug that names nothing gives an empty list.
    """

    serializer_class = SessionSerializer

    def programme_state(self) -> ProgrammeState:
        slug = self.query(SessionFilterSerializer).get("event")
        return event_state(slug=slug) if slug else published_events_state()

    def get_queryset(self):
        params = self.query(SessionFilterSerializer)
        event = selectors.event_get(slug=params.pop("event")) if "event" in params else None
        filters = selectors.SessionFilters(**params)
        try:
            return selectors.session_list(event=event, filters=filters)
        except ProgrammeError as error:
            raise drf.ValidationError({error.field or "detail": [error.message]}) from error


@extend_schema(
    tags=["programme"],
    summary="One session of a published event",
    responses={200: SessionSerializer, 404: NOT_FOUND},
)
class SessionDetailApi(ReadApi, WithPresentationRows, RetrieveAPIView):
    """One session, by its event's slug and its own."""

    serializer_class = SessionSerializer

    def programme_state(self) -> ProgrammeState:
        return event_state(slug=self.kwargs["event"])

    def get_object(self):
        event = selectors.event_get(slug=self.kwargs["event"])
        return selectors.session_get(event=event, slug=self.kwargs["session"], with_presentations=False)


@extend_schema(
    tags=["programme"],
    summary="An event's presentations (talks, Q&A, breaks, quizzes) in time order",
    parameters=[EventFilterSerializer],
    responses={200: PresentationSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
)
class PresentationListApi(ReadApi, ListAPIView):
    """Every timed item of the event's sessions, with its session, room and speakers."""

    serializer_class = PresentationSerializer

    def programme_state(self) -> ProgrammeState:
        return event_state(slug=self.query(EventFilterSerializer)["event"])

    def get_queryset(self):
        event = selectors.event_get(slug=self.query(EventFilterSerializer)["event"])
        return selectors.presentation_list(event=event)


@extend_schema(
    tags=["programme"],
    summary="An event's speakers, moderators, chairs and tutors, by family name",
    parameters=[EventFilterSerializer],
    responses={200: PersonSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND},
)
class PersonListApi(ReadApi, ListAPIView):
    """Everyone who takes a role in the event's programme, as the programme prints them."""

    serializer_class = PersonSerializer

    def programme_state(self) -> ProgrammeState:
        return event_state(slug=self.query(EventFilterSerializer)["event"])

    def get_queryset(self):
        event = selectors.event_get(slug=self.query(EventFilterSerializer)["event"])
        return selectors.person_list(event=event)


@extend_schema(
    tags=["programme"],
    summary="The catalogue of session types, shared by all events",
    responses={200: SessionTypeDetailSerializer(many=True), 404: NOT_FOUND},
)
class SessionTypeListApi(ReadApi, ListAPIView):
    """Refresher Course, New Horizons, ...: the `session_type` filter of the sessions takes their slugs."""

    serializer_class = SessionTypeDetailSerializer

    def programme_state(self) -> ProgrammeState:
        return session_types_state()

    def get_queryset(self):
        return selectors.session_type_list()


urlpatterns = [
    path("events/", EventListApi.as_view(), name="events"),
    path("events/<slug:event>/", EventDetailApi.as_view(), name="event"),
    path("events/<slug:event>/sessions/<slug:session>/", SessionDetailApi.as_view(), name="session"),
    path("sessions/", SessionListApi.as_view(), name="sessions"),
    path("presentations/", PresentationListApi.as_view(), name="presentations"),
    path("people/", PersonListApi.as_view(), name="people"),
    path("session-types/", SessionTypeListApi.as_view(), name="session-types"),
]
