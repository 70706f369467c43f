from rostrum.core.errors import RostrumError


class ProgrammeError(RostrumError):
    """A programme cannot be changed or imported as asked; the message says why and where."""
