from django.db import models


class MediaKind(models.TextChoices):
    HLS = "hls", "HLS stream (.m3u8)"
    MP4 = "mp4", "MP4 video"
    WEBM = "webm", "WebM video"
    EMBED = "embed", "Embedded player (Vimeo, YouTube, webinar service)"


# The MIME type a <source> element announces, so the browser can skip what it cannot play.
MEDIA_TYPES = {
    MediaKind.HLS: "application/vnd.apple.mpegurl",
    MediaKind.MP4: "video/mp4",
    MediaKind.WEBM: "video/webm",
}


class PlayerStatus(models.TextChoices):
    LIVE = "live", "Live now"
    UPCOMING = "upcoming", "Upcoming"
    ON_DEMAND = "on_demand", "On demand"
    UNAVAILABLE = "unavailable", "Not available"


class HeartbeatSource(models.TextChoices):
    """What the player was showing: the room's live stream or a recording."""

    LIVE = "live", "Live stream"
    RECORDING = "recording", "Recording"


class AttendanceMode(models.TextChoices):
    """How a participant followed a session; each is folded apart (DESIGN.md, "Attendance")."""

    LIVE = "live", "Live stream"
    ON_DEMAND = "on_demand", "On demand"
    ON_SITE = "on_site", "On site"


class ScanDirection(models.TextChoices):
    IN = "in", "In"
    OUT = "out", "Out"
