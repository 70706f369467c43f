from rostrum.core.errors import RostrumError


class MembershipError(RostrumError):
    """A membership cannot be applied for or changed as asked; the message says why."""
