"""Membership types the society offers, their benefits, and the memberships members hold."""

import uuid
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_currency
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from rostrum.accounts.enums import Profession
from rostrum.core.storage import PrivateFileStorage
from rostrum.memberships.enums import OPEN_STATUSES, GrantKind, MembershipStatus, Region, ReminderKind


class ProofStorage(PrivateFileStorage):
    """Proof documents (student cards, training certificates): only staff and their owner may read them."""


def proof_path(membership: "Membership", filename: str) -> str:
    # A random name: the member's own file name may carry personal data and must not be guessable.
    return f"memberships/proofs/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class MembershipType(models.Model):
    code = models.SlugField(max_length=50, unique=True, help_text="Stable identifier, e.g. full-allied.")
    name = models.CharField(max_length=200)
    for_whom = models.CharField(
        max_length=300,
        help_text="Who may join, in the society's words: “radiographers residing in Europe”.",
    )
    description = models.TextField(blank=True)
    annual_fee = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default="EUR")
    professions = models.JSONField(
        default=list,
        blank=True,
        help_text='Professions that may join, e.g. ["radiographer", "student"]; empty: any.',
    )
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.ANYWHERE)
    requires_proof = models.BooleanField(
        default=False,
        help_text="Applicants upload a document (student card, letter) that staff approve.",
    )
    proof_label = models.CharField(
        max_length=200, blank=True, help_text="What to upload, e.g. “proof of your radiography training”."
    )
    validity_months = models.PositiveSmallIntegerField(default=12)
    is_active = models.BooleanField(default=True, help_text="Inactive types take no new applications.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.annual_fee == 0

    @property
    def fee_display(self) -> str:
        """“€11.00 per year” or “free of charge”, formatted by babel for the site's language."""
        if self.is_free:
            return "free of charge"
        amount = format_currency(self.annual_fee, self.currency, locale=settings.LANGUAGE_CODE)
        period = "year" if self.validity_months == 12 else f"{self.validity_months} months"
        return f"{amount} per {period}"

    def profession_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [str(labels.get(value, value)) for value in self.professions]


class Benefit(models.Model):
    """One benefit of a membership type as members read it, and what it unlocks (its grant), if anything.

    The grant is data only: the registration app turns it into an entitlement when a membership becomes
    active (`membership_activated`). `grant_reference` names what is granted: an event slug, a session-type
    code or an e-learning catalogue, e.g. “education-on-demand”.
    """

    membership_type = models.ForeignKey(MembershipType, on_delete=models.CASCADE, related_name="benefits")
    text = models.CharField(max_length=400)
    grant_kind = models.CharField(max_length=20, choices=GrantKind.choices, blank=True)
    grant_reference = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grant_kind="") | ~Q(grant_reference=""),
                name="benefit_grant_has_reference",
            )
        ]

    def __str__(self) -> str:
        return self.text


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    membership_type = models.ForeignKey(MembershipType, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(max_length=20, choices=MembershipStatus.choices, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="The last day the membership is valid.")
    proof = models.FileField(upload_to=proof_path, storage=ProofStorage, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    renewal_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="The member asked to renew a paid membership; the fee is awaited."
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected or cancelled; the member reads it.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "membership_type"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_membership_per_type",
                violation_error_message="This member already holds or has applied for this membership.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_type} · {self.user}"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class MembershipReminder(models.Model):
    """A reminder e-mail sent about one end date of a membership; a renewal moves the end date, so the
    same kind of reminder may be sent again for the new one, but never twice for the same."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    valid_until = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "kind", "valid_until"], name="one_reminder_per_end_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.membership}"
