"""An event's (or one session's) CME accreditation and the staff's manual credit adjustments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from rostrum.cme.enums import AccreditationKind, AccreditationStatus
from rostrum.programme.models import Event, Session


class Accreditation(models.Model):
    """Credits an accreditor granted (or was asked for) for an event, or for one of its sessions.

    The rules (DESIGN.md, "EACCME credits"): 1 credit per hour in steps of 0.5 per 30 minutes, a daily cap
    and optionally a half-day cap, the accredited total, live only unless it is an e-learning accreditation.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="accreditations")
    session = models.ForeignKey(
        Session,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accreditations",
        help_text="Empty: the whole event.",
    )
    provider = models.CharField(max_length=200, default="UEMS-EACCME®")
    reference = models.CharField(max_length=100, blank=True, help_text="The accreditor's reference number.")
    status = models.CharField(
        max_length=10, choices=AccreditationStatus.choices, default=AccreditationStatus.APPLIED
    )
    kind = models.CharField(max_length=12, choices=AccreditationKind.choices, default=AccreditationKind.LIVE)
    total_credits = models.DecimalField(max_digits=5, decimal_places=1)
    daily_cap = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="ECR: 8 per day. Empty: no cap."
    )
    half_day_cap = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Older EACCME rule: 3 per half day (before and after 13:00 local time). Empty: no cap.",
    )
    entire_course_required = models.BooleanField(
        default=False, help_text="ESOR-style: credits and a certificate only for attending every session."
    )
    minimum_share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent of a session a participant must follow for it to count at all.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "session", "kind"]

    def __str__(self) -> str:
        return f"{self.provider} {self.reference or '(applied)'} for {self.session or self.event}"


class CreditAdjustment(models.Model):
    """Credits staff add (or take away, when negative) for a participant of an event, with the reason."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="adjustments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    credits = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.credits:+} for user {self.user_id}: {self.reason}"
