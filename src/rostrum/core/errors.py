"""The base of every app's error: a message a user understands, and where it applies."""


class RostrumError(Exception):
    """A domain error whose message is shown to the user as it is.

    `field` names the form field, JSON path or file line the message is about, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message
