from django.db import models


class AccreditationStatus(models.TextChoices):
    # While applied, the only wording allowed anywhere is APPLIED_WORDING (DESIGN.md, "EACCME credits").
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"


class AccreditationKind(models.TextChoices):
    """What an accreditation covers: live participation (live stream and on site), or recordings on demand
    (a separate e-learning accreditation; DESIGN.md: on-demand viewing earns no live credits)."""

    LIVE = "live", "Live (live stream and on site)"
    E_LEARNING = "e_learning", "E-learning (recordings on demand)"


APPLIED_WORDING = "An application has been made to the UEMS-EACCME® for CME accreditation of this event"


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating (1 to 5)"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TEXT = "text", "Free text"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "Valid"
    REVOKED = "revoked", "Revoked"
