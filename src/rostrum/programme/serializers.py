"""How the API shows the programme, and how it reads the filters of its lists. Serializers only format.

Times are given twice: in UTC (`starts_at`) and in the event's own zone (`local_starts_at`), both ISO 8601.
URLs are absolute and point at the public HTML pages, so an app can link a visitor to the programme.
"""

import datetime as dt

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rostrum.programme.enums import Level, SessionFormat
from rostrum.programme.models import Event, Person, Presentation, Session


def absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


def in_zone(instant: dt.datetime, event: Event) -> str:
    return instant.astimezone(event.tz).isoformat()


def in_utc(instant: dt.datetime) -> str:
    """As DRF's DateTimeField writes it: 2030-03-04T09:30:00Z."""
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# The small nested serializers below run hundreds of times for one page of sessions (every speaker of every
# presentation), so they write their dict directly instead of walking their fields: a page costs a third less.
# The declared fields still document the shape in the OpenAPI schema; tests compare whole responses.


class NameSlugSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()

    def to_representation(self, instance) -> dict:
        return {"name": instance.name, "slug": instance.slug}


class SessionTypeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Printed before session numbers, e.g. RC.")
    slug = serializers.SlugField()
    name = serializers.CharField()


class SessionTypeDetailSerializer(SessionTypeSerializer):
    description = serializers.CharField()


class OrganisationSerializer(serializers.Serializer):
    name = serializers.CharField()
    acronym = serializers.CharField()
    url = serializers.CharField(help_text="The society's website; empty when the programme gives none.")


class EventSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    acronym = serializers.CharField()
    kind = serializers.CharField(help_text="congress, highlight_week, course or webinar.")
    timezone = serializers.CharField(help_text="The IANA time zone of the event, e.g. Europe/Vienna.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    venue = serializers.CharField()
    is_online = serializers.BooleanField()
    organiser = serializers.CharField()
    supporting_societies = OrganisationSerializer(many=True)
    url = serializers.SerializerMethodField(help_text="The event's programme page.")
    sessions_url = serializers.SerializerMethodField(help_text="The API list of the event's sessions.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, event: Event) -> str:
        return absolute(self.context, event.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_sessions_url(self, event: Event) -> str:
        return absolute(self.context, f"{reverse('api:sessions')}?event={event.slug}")


class SpeakerSerializer(serializers.Serializer):
    code = serializers.CharField(source="person.code")
    printed_name = serializers.CharField(source="person.printed_name")
    city = serializers.CharField(source="person.city")
    country = serializers.CharField(source="person.country.code", help_text="ISO 3166 code, e.g. LV.")

    def to_representation(self, instance) -> dict:
        person = instance.person
        return {
            "code": person.code,
            "printed_name": person.printed_name,
            "city": person.city,
            "country": person.country.code,
        }


class SessionPersonSerializer(SpeakerSerializer):
    role = serializers.CharField(help_text="moderator, chair, panellist, tutor, speaker or coordinator.")

    def to_representation(self, instance) -> dict:
        return {**super().to_representation(instance), "role": instance.role}


def utc_field() -> serializers.DateTimeField:
    return serializers.DateTimeField(help_text="ISO 8601, in UTC.")


def local_field() -> serializers.SerializerMethodField:
    return serializers.SerializerMethodField(help_text="ISO 8601, in the event's time zone.")


class LocalTimes:
    """Local start and end for `local_field()`s; the serialized object has its `event` already loaded."""

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_starts_at(self, obj: Session | Presentation) -> str:
        return in_zone(obj.starts_at, obj.event)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_local_ends_at(self, obj: Session | Presentation) -> str:
        return in_zone(obj.ends_at, obj.event)


class SessionPresentationListSerializer(serializers.ListSerializer):
    """A session's presentations from the rows the view read for the whole page (context `presentations`)."""

    def get_attribute(self, session: Session) -> list[dict]:
        return self.context["presentations"][session.pk]


class SessionPresentationSerializer(serializers.Serializer):
    """Formats a row of `selectors.session_presentation_rows`."""

    code = serializers.CharField()
    kind = serializers.CharField(help_text="talk, qa, discussion, break or quiz.")
    title = serializers.CharField()
    starts_at = utc_field()
    ends_at = utc_field()
    speakers = SpeakerSerializer(many=True)

    class Meta:
        list_serializer_class = SessionPresentationListSerializer

    def to_representation(self, instance: dict) -> dict:
        return {
            "code": instance["code"],
            "kind": instance["kind"],
            "title": instance["title"],
            "starts_at": in_utc(instance["starts_at"]),
            "ends_at": in_utc(instance["ends_at"]),
            "speakers": instance["speakers"],
        }


class SessionSerializer(LocalTimes, serializers.Serializer):
    code = serializers.CharField(help_text='e.g. "RC 1203".')
    slug = serializers.SlugField()
    title = serializers.CharField()
    event = serializers.SlugField(source="event.slug", help_text="The slug of the session's event.")
    session_type = SessionTypeSerializer(allow_null=True)
    topics = NameSlugSerializer(many=True)
    audiences = NameSlugSerializer(many=True)
    level = serializers.CharField(help_text="ETC level I, II or III; empty when none applies.")
    format = serializers.CharField(help_text="live, pre_recorded, on_site or hybrid.")
    starts_at = utc_field()
    ends_at = utc_field()
    local_starts_at = local_field()
    local_ends_at = local_field()
    timezone = serializers.CharField(source="event.timezone", help_text="The event's IANA time zone.")
    room = NameSlugSerializer(allow_null=True)
    description = serializers.CharField()
    learning_objectives = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField(help_text="scheduled or cancelled.")
    people = SessionPersonSerializer(many=True, source="roles", help_text="Moderators, chairs, tutors.")
    presentations = SessionPresentationSerializer(many=True)
    url = serializers.SerializerMethodField(help_text="The session's public page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, session: Session) -> str:
        return absolute(self.context, session.get_absolute_url())


class PresentationSessionSerializer(serializers.Serializer):
    code = serializers.CharField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    room = NameSlugSerializer(allow_null=True)


class PresentationSerializer(LocalTimes, serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField(help_text="talk, qa, discussion, break or quiz.")
    title = serializers.CharField()
    subtitle = serializers.CharField()
    abstract = serializers.CharField()
    starts_at = utc_field()
    ends_at = utc_field()
    local_starts_at = local_field()
    local_ends_at = local_field()
    status = serializers.CharField(help_text="scheduled or cancelled.")
    event = serializers.SlugField(source="event.slug")
    session = PresentationSessionSerializer()
    speakers = SpeakerSerializer(many=True, source="speaker_roles")
    url = serializers.SerializerMethodField(help_text="The public page of the presentation's session.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, presentation: Presentation) -> str:
        kwargs = {"event": presentation.event.slug, "session": presentation.session.slug}
        return absolute(self.context, reverse("programme:session", kwargs=kwargs))


class PersonSerializer(serializers.Serializer):
    code = serializers.CharField()
    printed_name = serializers.CharField(help_text='As the programme prints it: "M. Radzina".')
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166 code, e.g. LV.")
    institution = serializers.CharField()
    biography = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The person's public page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, person: Person) -> str:
        return absolute(self.context, person.get_absolute_url())


class EventFilterSerializer(serializers.Serializer):
    event = serializers.SlugField(help_text="The slug of a published event.")


class SessionFilterSerializer(serializers.Serializer):
    """The filters of the programme pages; an empty value means all."""

    event = serializers.SlugField(required=False, help_text="Only this event's sessions (its slug).")
    day = serializers.DateField(
        required=False,
        input_formats=["iso-8601"],
        help_text="YYYY-MM-DD, a day in the event's time zone; needs `event`.",
    )
    session_type = serializers.SlugField(required=False, help_text="A session type's slug.")
    topic = serializers.SlugField(required=False, help_text="A topic's slug.")
    audience = serializers.SlugField(required=False, help_text="An audience's slug.")
    format = serializers.ChoiceField(choices=SessionFormat.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False, help_text="ETC level.")
    room = serializers.SlugField(required=False, help_text="A room's slug (rooms belong to one event).")
