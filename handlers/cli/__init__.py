"""Kept so `python3 -m handlers.cli …` (in the README and people's habits) still works: the CLI is cli/."""

from cli.main import main

__all__ = ["main"]
