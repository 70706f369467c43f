"""CME certificates: one per participant and event, verified by code; a reissue records a new version."""

from django.conf import settings
from django.db import models

from rostrum.cme.enums import CertificateStatus
from rostrum.core.storage import PrivateFileStorage
from rostrum.programme.models import Event


class CertificateStorage(PrivateFileStorage):
    """Certificate PDFs: served only to their participant and to staff."""


class Certificate(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(
        max_length=20, unique=True, help_text="The verification code printed and in the QR."
    )
    status = models.CharField(
        max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "created"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_certificate_per_event")]

    def __str__(self) -> str:
        return f"Certificate {self.code}"


class CertificateVersion(models.Model):
    """What one issue of a certificate said; the newest is the one shown and verified."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    participant_name = models.CharField(max_length=200)
    credits = models.DecimalField(max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField()
    file = models.FileField(storage=CertificateStorage, upload_to="certificates/", blank=True)

    class Meta:
        ordering = ["certificate", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "number"], name="certificate_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.certificate} version {self.number}"
