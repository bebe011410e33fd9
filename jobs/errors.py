"""The one exception a job handler raises to fail with a reason the user may read."""


class JobFailed(Exception):
    """Raise with a translated message for the user: the job fails and the page shows it.
    The message must hold no personal data (no names, no identity numbers): it is stored."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)
