"""Whispers: customer messages in (messages.py) and the buttons on a whisper (buttons.py)."""

from __future__ import annotations

from typing import Any

from bot import effects
from handlers.whispers import buttons, messages


def register(app: Any, runtime: Any) -> None:
    messages.register(app, runtime)
    buttons.register(app, runtime)
    runtime.timers[effects.RECOVERY] = messages.fire_recovery
    runtime.timers[effects.UNATTENDED] = messages.fire_unattended
