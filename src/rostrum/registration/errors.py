from rostrum.core.errors import RostrumError


class RegistrationError(RostrumError):
    """A registration rule was broken: the message says what, in words the buyer or staff understand."""
