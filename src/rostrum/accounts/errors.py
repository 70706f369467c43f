from rostrum.core.errors import RostrumError


class AccountError(RostrumError):
    """A change to an account that cannot be made; the message says why, in words a member understands."""
