"""Choices of the programme, in the society's words."""

from django.db import models


class EventKind(models.TextChoices):
    CONGRESS = "congress", "Congress"
    HIGHLIGHT_WEEK = "highlight_week", "Highlight Week"
    COURSE = "course", "Online course"
    WEBINAR = "webinar", "Webinar"


class SessionFormat(models.TextChoices):
    LIVE = "live", "Live"
    PRE_RECORDED = "pre_recorded", "Pre-recorded"
    ON_SITE = "on_site", "On-site"
    HYBRID = "hybrid", "Hybrid"


class Level(models.TextChoices):
    """European Training Curriculum (ETC) levels."""

    I = "I", "ETC Level I"  # noqa: E741 - the curriculum's own name
    II = "II", "ETC Level II"
    III = "III", "ETC Level III"


class PresentationKind(models.TextChoices):
    TALK = "talk", "Talk"
    QA = "qa", "Q&A"
    DISCUSSION = "discussion", "Discussion"
    BREAK = "break", "Break"
    QUIZ = "quiz", "Quiz"


class SessionRole(models.TextChoices):
    MODERATOR = "moderator", "Moderator"
    CHAIR = "chair", "Chair"
    PANELLIST = "panellist", "Panellist"
    TUTOR = "tutor", "Tutor"
    SPEAKER = "speaker", "Speaker"
    COORDINATOR = "coordinator", "Coordinator"


class ProgrammeStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
