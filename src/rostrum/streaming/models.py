"""A room's live stream and a session's recordings.

The live window of a session is its own times; a recording has its on-demand window. Who may watch is not
decided here but by registration's `can_watch`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from rostrum.core.storage import PrivateFileStorage
from rostrum.programme.models import Room, Session
from rostrum.streaming.enums import AttendanceMode, HeartbeatSource, MediaKind, ScanDirection


class RecordingStorage(PrivateFileStorage):
    """Recording files kept by Rostrum: reachable only through a playback token (/watch/media/<token>/)."""


class LiveStream(models.Model):
    """The live source of a room: whatever session runs there is live on it during its times."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="live_stream")
    kind = models.CharField(max_length=10, choices=MediaKind.choices, default=MediaKind.HLS)
    url = models.URLField(
        max_length=500, help_text="The stream (.m3u8, .mp4, .webm) or the provider's embed address."
    )
    captions_url = models.URLField(max_length=500, blank=True, help_text="Optional WebVTT captions.")

    class Meta:
        ordering = ["room__event", "room__position"]

    def __str__(self) -> str:
        return f"Live stream of {self.room}"

    def clean(self):
        if self.kind == MediaKind.EMBED and self.captions_url:
            raise ValidationError({"captions_url": "An embedded player brings its own captions."})


class Recording(models.Model):
    """A session's recording, on demand within its window: an external address or a file Rostrum serves."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="recordings")
    kind = models.CharField(max_length=10, choices=MediaKind.choices, default=MediaKind.MP4)
    url = models.URLField(max_length=500, blank=True, help_text="An external address (a CDN or a provider).")
    file = models.FileField(
        storage=RecordingStorage,
        upload_to="recordings/",
        blank=True,
        help_text="Or a video file Rostrum keeps and serves only to entitled viewers.",
    )
    captions_url = models.URLField(max_length=500, blank=True, help_text="Optional WebVTT captions.")
    available_from = models.DateTimeField(null=True, blank=True, help_text="Empty: from the session's end.")
    available_until = models.DateTimeField(null=True, blank=True, help_text="Empty: without end.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "-available_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="recording_url_or_file",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gt=models.F("available_from")),
                name="recording_window_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Recording of {self.session}"

    def clean(self):
        if bool(self.url) == bool(self.file):
            raise ValidationError("A recording has either an address or a file, not both and not neither.")
        if self.file and self.kind in (MediaKind.EMBED, MediaKind.HLS):
            # An HLS playlist names further files, and an embed is a page: neither can be one private file.
            raise ValidationError({"kind": "A file kept by Rostrum must be an MP4 or WebM video."})
        if self.available_from and self.available_until and self.available_until <= self.available_from:
            raise ValidationError({"available_until": "The on-demand window must end after it starts."})


class Heartbeat(models.Model):
    """One report of a player, kept exactly as received: append-only, never updated (DESIGN.md, "Attendance").

    The player sends one every 30 s while playing and one when paused; `played_seconds` is the playback since
    its previous report. `covers_from`/`covers_until` are the stretch this report vouches for, in integer
    milliseconds so that the fold's SQL is the same on SQLite and PostgreSQL: wall-clock epoch milliseconds
    for the live stream (client time minus the played seconds, up to the client time), media position
    milliseconds for a recording (the played media segment).
    """

    id = models.BigAutoField(primary_key=True)
    key = models.UUIDField(help_text="The player's idempotency key: a heartbeat sent twice is stored once.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=HeartbeatSource.choices)
    recording = models.ForeignKey(
        Recording, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    playing = models.BooleanField()
    position = models.FloatField(help_text="Media position in seconds.")
    played_seconds = models.FloatField(help_text="Seconds played since the previous heartbeat.")
    client_at = models.DateTimeField(help_text="The viewer's clock when the heartbeat was made.")
    received_at = models.DateTimeField(db_index=True)
    covers_from = models.BigIntegerField()
    covers_until = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="heartbeat_once_per_key"),
            models.CheckConstraint(
                condition=Q(covers_until__gte=models.F("covers_from")), name="heartbeat_covers_forward"
            ),
        ]
        indexes = [models.Index(fields=["session", "user"], name="heartbeat_session_user")]

    def __str__(self) -> str:
        return f"Heartbeat {self.key} of user {self.user_id} for session {self.session_id}"


class BadgeScan(models.Model):
    """A participant's badge read at a room's door, in or out: the on-site source of attendance."""

    id = models.BigAutoField(primary_key=True)
    key = models.UUIDField(
        unique=True, help_text="The scanner's idempotency key: a repeated upload counts once."
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=ScanDirection.choices)
    scanned_at = models.DateTimeField()
    received_at = models.DateTimeField()
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["scanned_at", "id"]
        indexes = [models.Index(fields=["room", "scanned_at"], name="badgescan_room_time")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.room} at {self.scanned_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """How long a participant followed a session, folded from heartbeats and badge scans (services).

    Seconds are unions of intervals, so two tabs, repeated heartbeats or two scanners never count twice.
    `present_seconds` is the union of the live and the on-site intervals (both wall-clock, inside the
    session's times): the time the participant followed the session as it happened, which is what live CME
    credits count. On-demand seconds are played media segments and are kept apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    live_seconds = models.PositiveIntegerField(default=0)
    on_site_seconds = models.PositiveIntegerField(default=0)
    present_seconds = models.PositiveIntegerField(default=0)
    on_demand_seconds = models.PositiveIntegerField(default=0)
    folded_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"Attendance of user {self.user_id} at session {self.session_id}"


class AttendanceInterval(models.Model):
    """One stretch of the union behind an Attendance: wall-clock epoch ms for live and on site, media
    position ms for on demand. Replaced as a whole for a (user, session) on every fold."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=10, choices=AttendanceMode.choices)
    starts = models.BigIntegerField()
    ends = models.BigIntegerField()

    class Meta:
        ordering = ["session", "user", "mode", "starts"]
        indexes = [models.Index(fields=["session", "mode", "starts"], name="attendance_interval_session")]

    def __str__(self) -> str:
        return f"{self.mode} {self.starts} to {self.ends} of user {self.user_id} at session {self.session_id}"
