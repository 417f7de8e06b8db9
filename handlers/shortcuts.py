"""The message shortcut "Hand off to a supervisor": works on any message of a thread, where slash commands can't run."""

from __future__ import annotations

from typing import Any

from bot import ids
from handlers.app import Runtime
from handlers.handoff_flow import open_handoff_modal


def register(app: Any, runtime: Runtime) -> None:
    @app.message_shortcut(ids.HANDOFF_SHORTCUT)
    async def handoff_from_message(ack: Any, body: dict) -> None:
        await ack()
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        # A reply carries its thread's root in thread_ts; a root message is its own thread.
        root_ts = str(message.get("thread_ts") or message.get("ts") or body.get("message_ts") or "")
        user = str((body.get("user") or {}).get("id") or "")
        if channel and root_ts:
            await open_handoff_modal(runtime, body.get("trigger_id", ""), channel, root_ts, user, response_url=body.get("response_url"))
