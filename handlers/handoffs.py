"""Listeners for this Slack surface (filled in by its issue)."""


def register(app, runtime) -> None:  # noqa: ANN001
    """Nothing registered yet."""
