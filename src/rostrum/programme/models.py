"""The programme of an event, in the society's words.

Times are stored in UTC; every event names its IANA time zone and pages show times there.
Sessions nest presentations (timed items: talks, Q&A, breaks, quizzes); people take roles in both.
"""

import uuid
import zoneinfo
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from rostrum.core.models import save_kwargs_without
from rostrum.programme.enums import (
    EventKind,
    Level,
    PresentationKind,
    ProgrammeStatus,
    SessionFormat,
    SessionRole,
)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone (e.g. Europe/Vienna).")


class Organisation(models.Model):
    """A society, organiser or vendor: supporting societies (ESPR, EFRS, RSNA), workshop sponsors."""

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.acronym or self.name


class SessionType(models.Model):
    """An entry of the session-type catalogue (Refresher Course RC, New Horizons NH, ...), for all events."""

    code = models.CharField(max_length=20, unique=True, help_text="Printed before session numbers: RC.")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme:session-type", kwargs={"slug": self.slug})


class Topic(models.Model):
    """A subspecialty (Paediatric, Neuro, Musculoskeletal, ...); a frab track."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Audience(models.Model):
    """Who a session is for: radiologists, radiographers, residents, students, medical physicists, ..."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A congress, Highlight Week, online course or webinar."""

    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.CONGRESS)
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    acronym = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="Europe/Vienna", validators=[validate_timezone])
    start_date = models.DateField()
    end_date = models.DateField()
    venue = models.CharField(max_length=300, blank=True, help_text="Empty for an online event.")
    is_online = models.BooleanField(default=False)
    organiser = models.CharField(max_length=200, blank=True)
    supporting_societies = models.ManyToManyField(Organisation, blank=True, related_name="supported_events")
    language = models.CharField(max_length=10, default="en")
    url = models.URLField(blank=True)
    on_demand_until = models.DateTimeField(
        null=True, blank=True, help_text="Recordings stay available on demand until then (e.g. 31 December)."
    )
    is_published = models.BooleanField(default=True)
    # Bumped by every programme change; exports are cached under it and its ETag derives from it.
    programme_version = models.PositiveIntegerField(default=1, editable=False)
    programme_changed_at = models.DateTimeField(auto_now_add=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    VERSION_FIELDS = ("programme_version", "programme_changed_at")

    class Meta:
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The programme version only moves forward, through programme_touch(); saving a stale instance (an
        # admin form) must not rewind it, or an old ETag could name new content.
        super().save(*args, **save_kwargs_without(self, kwargs, self.VERSION_FIELDS))

    def get_absolute_url(self) -> str:
        return reverse("programme:event", kwargs={"event": self.slug})

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The event cannot end before it starts."})

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def place(self) -> str:
        """Where it happens, as certificates print it."""
        if self.is_online and not self.venue:
            return "online"
        return self.venue or "online"


class Room(models.Model):
    """A room of the venue, which is also a streaming channel (online events have virtual rooms)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="room_unique_slug_per_event"),
            models.UniqueConstraint(fields=["event", "name"], name="room_unique_name_per_event"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A speaker, moderator, chair, panellist or tutor; the programme prints "M. Radzina, Riga/LV"."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="people")
    code = models.SlugField(max_length=100, help_text="Stable key within the event, used by imports.")
    printed_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = CountryField(blank=True)
    institution = models.CharField(max_length=200, blank=True)
    biography = models.TextField(blank=True)
    photo = models.ImageField(upload_to="people/", blank=True)

    class Meta:
        ordering = ["family_name", "printed_name"]
        verbose_name_plural = "people"
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="person_unique_code_per_event")]

    def __str__(self) -> str:
        return self.printed_name

    def get_absolute_url(self) -> str:
        return reverse("programme:person", kwargs={"event": self.event.slug, "code": self.code})

    @property
    def affiliation(self) -> str:
        """City and country as the programme prints them: "Riga/LV"."""
        if self.city and self.country:
            return f"{self.city}/{self.country.code}"
        return self.city or (self.country.code if self.country else "")


class TrackedChangesMixin(models.Model):
    """Counts revisions: calendar clients see a new SEQUENCE after any change of time, room or status."""

    revision = models.PositiveIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    TRACKED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and self.tracked_changes():
            self.revision += 1
            if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revision", "updated"}
        super().save(*args, **kwargs)
        self._loaded = {f: getattr(self, f) for f in self.TRACKED_FIELDS}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded = {f: getattr(instance, f) for f in cls.TRACKED_FIELDS if f in field_names}
        return instance

    def tracked_changes(self) -> list[str]:
        loaded = getattr(self, "_loaded", None)
        if loaded is None:
            return []
        return [f for f, value in loaded.items() if getattr(self, f) != value]


class Session(TrackedChangesMixin):
    """A programme session: "RC 1203", of one session type, in one room, with timed presentations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    code = models.CharField(max_length=50, help_text='Stable code within the event, e.g. "RC 1203".')
    slug = models.SlugField(max_length=100)
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=400)
    session_type = models.ForeignKey(
        SessionType, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="sessions")
    audiences = models.ManyToManyField(Audience, blank=True, related_name="sessions")
    level = models.CharField(max_length=3, choices=Level.choices, blank=True)
    format = models.CharField(max_length=20, choices=SessionFormat.choices, default=SessionFormat.ON_SITE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    description = models.TextField(blank=True)
    learning_objectives = models.JSONField(
        default=list, blank=True, help_text="An ordered list of sentences."
    )
    supporting_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="supported_sessions"
    )
    sponsor_acknowledgement = models.TextField(
        blank=True, help_text="e.g. who kindly provides the ultrasound machines used in a hands-on workshop."
    )
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.SCHEDULED
    )
    people = models.ManyToManyField(Person, through="SessionPerson", related_name="sessions")

    TRACKED_FIELDS = ("starts_at", "ends_at", "room_id", "status")

    class Meta:
        ordering = ["starts_at", "room__position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="session_unique_code_per_event"),
            models.UniqueConstraint(fields=["event", "slug"], name="session_unique_slug_per_event"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["event", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:session", kwargs={"event": self.event.slug, "session": self.slug})

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session must end after it starts."})
        if self.room_id and self.event_id and self.room.event_id != self.event_id:
            raise ValidationError({"room": "The room belongs to another event."})

    @property
    def is_cancelled(self) -> bool:
        return self.status == ProgrammeStatus.CANCELLED

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SessionPerson(models.Model):
    """A person's role in a whole session: moderator, chair, panellist, tutor."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="session_roles")
    role = models.CharField(max_length=20, choices=SessionRole.choices, default=SessionRole.MODERATOR)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person", "role"], name="session_person_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Presentation(TrackedChangesMixin):
    """A timed item inside a session: a talk, Q&A, discussion, break or quiz. A frab "event"."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="presentations")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presentations")
    code = models.CharField(max_length=80, help_text='Stable code within the event, e.g. "RC 1203-2".')
    guid = models.UUIDField(default=uuid.uuid4, editable=False)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The item's id in the system it was imported from (e.g. frab)."
    )
    kind = models.CharField(max_length=20, choices=PresentationKind.choices, default=PresentationKind.TALK)
    title = models.CharField(max_length=400)
    subtitle = models.CharField(max_length=400, blank=True)
    abstract = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    position = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=10, blank=True)
    links = models.JSONField(default=list, blank=True, help_text='[{"url": ..., "title": ...}]')
    status = models.CharField(
        max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.SCHEDULED
    )
    speakers = models.ManyToManyField(Person, through="PresentationSpeaker", related_name="presentations")

    TRACKED_FIELDS = ("starts_at", "ends_at", "status", "session_id")

    class Meta:
        ordering = ["starts_at", "position"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="presentation_unique_code_per_event"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="presentation_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["event", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The event is the session's: kept here so event-wide queries need no join.
        if self.session_id and not self.event_id:
            self.event_id = self.session.event_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A presentation must end after it starts."})

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class PresentationSpeaker(models.Model):
    """A speaker of a presentation, in the order printed."""

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="speaker_roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="presentation_roles")
    role = models.CharField(max_length=20, choices=SessionRole.choices, default=SessionRole.SPEAKER)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["presentation", "person"], name="presentation_speaker_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)


class AgendaEntry(models.Model):
    """A session or presentation a signed-in user starred for their personal programme."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="agenda_entries")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    presentation = models.ForeignKey(
        Presentation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(session__isnull=False) ^ models.Q(presentation__isnull=False),
                name="agenda_entry_is_session_or_presentation",
            ),
            models.UniqueConstraint(fields=["user", "session"], name="agenda_entry_unique_session"),
            models.UniqueConstraint(fields=["user", "presentation"], name="agenda_entry_unique_presentation"),
        ]

    def __str__(self) -> str:
        return str(self.session or self.presentation)


class CalendarSubscription(models.Model):
    """The secret token of a user's private iCal feed of their personal programme; revocable."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="calendar_subscriptions")
    token = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"
