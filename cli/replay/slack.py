"""An in-process Slack Web API for `deescalate replay`: answers what the bot calls and records it.

Replay runs the real app; this stands where Slack would, on a loopback port, so the whispers and
posts the bot would have made can be read back. It models only what a replay needs.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

BOT_USER = "UREPLAYBOT"
TEAM = "TREPLAY"
_JSON_FIELDS = ("blocks", "view", "attachments")


@dataclass(frozen=True)
class RecordedCall:
    method: str
    params: dict[str, Any]


class WebApiRecorder:
    """Serve `/api/<method>` and `/response/<tag>` on 127.0.0.1; `calls` lists what arrived, in order."""

    def __init__(self, names: dict[str, str] | None = None):
        self.names = names or {}  # user id -> display name, for users.info
        self.calls: list[RecordedCall] = []
        self._serial = itertools.count(1)
        self._clock = 1_000_000_000.0
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> "WebApiRecorder":
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{tag}", self._response)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                params.update(body if isinstance(body, dict) else {})
            else:
                params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for key in _JSON_FIELDS:
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        params.pop("token", None)
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(RecordedCall(method, params))
        return web.json_response(self._answer(method, params))

    async def _response(self, request: web.Request) -> web.Response:
        self.calls.append(RecordedCall("response_url", await self._params(request)))
        return web.json_response({"ok": True})

    def _ts(self) -> str:
        return f"{self._clock + next(self._serial) / 1_000_000:.6f}"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BREPLAY", "team_id": TEAM, "user": "deescalate", "url": "https://replay.slack.com/"}
        if method in ("chat.postMessage", "chat.update"):
            ts = str(params.get("ts") or self._ts())
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": params.get("text", ""), "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._ts()}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {"ok": True, "channel": channel, "permalink": f"https://replay.slack.com/archives/{channel}/p{ts}"}
        if method.startswith("views."):
            view = params.get("view") if isinstance(params.get("view"), dict) else {}
            return {"ok": True, "view": {**view, "id": f"VREPLAY{next(self._serial)}"}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X")).lstrip("UW")}}
        if method == "users.info":
            user = str(params.get("user", ""))
            name = self.names.get(user, user)
            return {"ok": True, "user": {"id": user, "name": name, "real_name": name, "is_bot": False, "tz": "UTC", "profile": {"real_name": name, "display_name": name}}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": []}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": channel, "name": channel.lower(), "is_member": True}}
        if method == "conversations.members":
            return {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}
        return {"ok": True}
