from rostrum.core.errors import RostrumError


class StreamingError(RostrumError):
    """A playback problem in words a viewer understands (an expired or foreign playback link, ...)."""
