"""A room's live stream and a session's recordings.

The live window of a session is its own times; a recording has its on-demand window. Who may watch is not
decided here but by registration's `can_watch`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from rostrum.core.storage import PrivateFileStorage
from rostrum.programme.models import Room, Session
from rostrum.streaming.enums import MediaKind


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
