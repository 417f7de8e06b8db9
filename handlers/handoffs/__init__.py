"""Handoffs: the buttons (buttons.py), the modals' submissions (forms.py), the message shortcut
(shortcuts.py), the SLA and follow-up timers (reminders.py), and the steps they share (flow.py).
The rules are bot/handoff.py's."""

from __future__ import annotations

from typing import Any

from bot import effects
from handlers.handoffs import buttons, forms, reminders, shortcuts


def register(app: Any, runtime: Any) -> None:
    buttons.register(app, runtime)
    forms.register(app, runtime)
    shortcuts.register(app, runtime)
    runtime.timers[effects.SLA] = runtime.timers[effects.FOLLOWUP] = reminders.fire
