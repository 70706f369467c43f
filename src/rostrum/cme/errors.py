from rostrum.core.errors import RostrumError


class CmeError(RostrumError):
    """A CME rule was broken (no evaluation yet, a revoked certificate, ...), in words a participant or staff
    member understands."""
