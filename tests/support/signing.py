"""Send requests to the bot exactly as Slack does: signed v0, in Slack's envelopes and encodings.

`SignedSender` posts synchronously with urllib; `AsyncSignedSender` has the same methods as
coroutines, for tests whose bot runs on the test's own event loop (a blocking post would starve it).
Module-level builders make the message-event shapes (plain, threaded, edited, deleted, bot).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from multidict import CIMultiDict

BOT_USER_ID = "UBOT"
TEAM_ID = "T1"
TEAM_DOMAIN = "standin"
APP_ID = "A1"
VERIFICATION_TOKEN = "legacy-verification-token"  # deprecated by Slack but still sent in payloads
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

_serial = itertools.count(1)


def sign(signing_secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's v0 request signature for this timestamp and raw body."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def new_ts() -> str:
    """A fresh, unique Slack-style message ts ("seconds.micros")."""
    return f"{time.time():.0f}.{next(_serial):06d}"


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def _new_trigger_id() -> str:
    return f"{int(time.time())}.{next(_serial)}.{uuid.uuid4().hex}"


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")


# ---- message event builders ------------------------------------------------------------------


def message_event(
    channel: str,
    user: str,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    subtype: str | None = None,
    team: str = TEAM_ID,
    **extra: Any,
) -> dict[str, Any]:
    """A `message` event as the Events API delivers it; `extra` adds or overrides fields."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": team,
        "channel_type": _channel_type(channel),
        "client_msg_id": str(uuid.uuid4()),
        "blocks": [
            {
                "type": "rich_text",
                "block_id": _new_id("b"),
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if subtype:
        event["subtype"] = subtype
    event.update(extra)
    return event


def message_changed(
    channel: str,
    user: str,
    ts: str,
    new_text: str,
    old_text: str = "",
    thread_ts: str | None = None,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """The event Slack sends when the message at `ts` is edited; its own ts is new."""
    event_ts = new_ts()
    inner: dict[str, Any] = {"type": "message", "user": user, "team": team, "ts": ts}
    if thread_ts:
        inner["thread_ts"] = thread_ts
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": _channel_type(channel),
        "ts": event_ts,
        "event_ts": event_ts,
        "message": {**inner, "text": new_text, "edited": {"user": user, "ts": event_ts}},
        "previous_message": {**inner, "text": old_text},
    }


def message_deleted(
    channel: str,
    ts: str,
    user: str = "",
    old_text: str = "",
    thread_ts: str | None = None,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """The event Slack sends when the message at `ts` is deleted (no user of its own)."""
    event_ts = new_ts()
    previous: dict[str, Any] = {"type": "message", "user": user, "team": team, "text": old_text, "ts": ts}
    if thread_ts:
        previous["thread_ts"] = thread_ts
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "channel_type": _channel_type(channel),
        "ts": event_ts,
        "event_ts": event_ts,
        "deleted_ts": ts,
        "previous_message": previous,
    }


def bot_message(
    channel: str,
    text: str,
    ts: str | None = None,
    bot_id: str = "B_OTHER",
    thread_ts: str | None = None,
    user: str | None = None,
    username: str = "other-bot",
) -> dict[str, Any]:
    """A message from an app. Classic bots carry subtype `bot_message`; apps with a bot user
    (pass `user`, e.g. our own "UBOT") post plain messages that carry `bot_id`."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": _channel_type(channel),
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "bot_id": bot_id,
        "app_id": _new_id("A"),
    }
    if user:
        event.update(user=user, team=TEAM_ID)
    else:
        event.update(subtype="bot_message", username=username)
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


# ---- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """What the bot answered, plus what was sent (handy for re-sending an event as a retry)."""

    status: int
    body: str
    headers: Mapping[str, str]
    sent: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class _Request:
    path: str
    body: bytes
    headers: dict[str, str]
    sent: dict[str, Any]


class _Builder:
    """Builds Slack's requests; subclasses decide how to post them."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        path: str = "/slack/events",
        bot_user_id: str = BOT_USER_ID,
        timeout: float = 5.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signing_secret = signing_secret
        self.path = path
        self.bot_user_id = bot_user_id
        self.timeout = timeout

    def _signed(
        self, body: bytes, content_type: str, sent: dict[str, Any], extra: Mapping[str, str] | None = None
    ) -> _Request:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "User-Agent": SLACK_USER_AGENT,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(self.signing_secret, timestamp, body),
            **(extra or {}),
        }
        return _Request(self.path, body, headers, sent)

    def _interactive(self, payload: dict[str, Any]) -> _Request:
        # Interactivity arrives form-encoded with the whole payload as one JSON string field.
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._signed(body, "application/x-www-form-urlencoded", payload)

    def _user(self, user_id: str, team_id: str) -> dict[str, Any]:
        name = user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": team_id}

    def _team(self, team_id: str) -> dict[str, Any]:
        return {"id": team_id, "domain": TEAM_DOMAIN}

    def event_request(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        team_id: str = TEAM_ID,
        api_app_id: str = APP_ID,
        authorizations: list[dict[str, Any]] | None = None,
    ) -> _Request:
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "context_team_id": team_id,
            "context_enterprise_id": None,
            "api_app_id": api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or _new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": authorizations
            if authorizations is not None
            else [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": _new_id("4-"),
        }
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._signed(json.dumps(envelope).encode(), "application/json", envelope, extra)

    def url_verification_request(self, challenge: str) -> _Request:
        payload = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self._signed(json.dumps(payload).encode(), "application/json", payload)

    def command_request(
        self,
        text: str,
        *,
        user_id: str = "U_AGENT",
        channel_id: str = "C_SUPPORT",
        command: str = "/deescalate",
        response_url: str | None = None,
        trigger_id: str | None = None,
        team_id: str = TEAM_ID,
    ) -> _Request:
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": "directmessage" if channel_id.startswith("D") else channel_id.lower(),
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or f"https://hooks.slack.com/commands/{team_id}/1/{uuid.uuid4().hex}",
            "trigger_id": trigger_id or _new_trigger_id(),
        }
        return self._signed(urlencode(form).encode(), "application/x-www-form-urlencoded", form)

    def block_action_request(
        self,
        action_id: str,
        value: str | None,
        *,
        user_id: str,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        view: dict[str, Any] | None = None,
        block_id: str | None = None,
        action_type: str = "button",
        team_id: str = TEAM_ID,
    ) -> _Request:
        action: dict[str, Any] = {
            "type": action_type,
            "action_id": action_id,
            "block_id": block_id or _new_id("b"),
            "action_ts": f"{time.time():.6f}",
        }
        if action_type == "button":
            action.update(value=value, text={"type": "plain_text", "text": action_id, "emoji": True})
        elif action_type in ("static_select", "radio_buttons", "overflow"):
            option = {"text": {"type": "plain_text", "text": value or ""}, "value": value}
            action["selected_option"] = option
        else:
            action["value"] = value
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id, team_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": trigger_id or _new_trigger_id(),
            "team": self._team(team_id),
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if view is not None:
            payload["view"] = view
            payload["container"] = container or {"type": "view", "view_id": view.get("id", "V1")}
        else:
            message_ts = (message or {}).get("ts") or new_ts()
            payload["container"] = container or {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": message is None,
            }
            if message is not None:
                payload["message"] = message
            if channel_id:
                payload["channel"] = {"id": channel_id, "name": channel_id.lower()}
            payload["response_url"] = response_url or self._hook_url(team_id)
        return self._interactive(payload)

    def message_shortcut_request(
        self,
        callback_id: str,
        *,
        user_id: str,
        channel_id: str,
        message_ts: str,
        thread_ts: str | None = None,
        message_text: str = "",
        message_user: str = "U_CUSTOMER",
        response_url: str | None = None,
        trigger_id: str | None = None,
        team_id: str = TEAM_ID,
    ) -> _Request:
        message: dict[str, Any] = {
            "type": "message",
            "user": message_user,
            "text": message_text,
            "ts": message_ts,
            "team": team_id,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        payload = {
            "type": "message_action",
            "token": VERIFICATION_TOKEN,
            "action_ts": f"{time.time():.6f}",
            "team": self._team(team_id),
            "user": self._user(user_id, team_id),
            "channel": {"id": channel_id, "name": channel_id.lower()},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": trigger_id or _new_trigger_id(),
            "response_url": response_url or self._hook_url(team_id),
            "message_ts": message_ts,
            "message": message,
        }
        return self._interactive(payload)

    def view_submission_request(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user_id: str,
        private_metadata: str = "",
        view_id: str = "V1",
        team_id: str = TEAM_ID,
    ) -> _Request:
        payload = {
            "type": "view_submission",
            "team": self._team(team_id),
            "user": self._user(user_id, team_id),
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": _new_trigger_id(),
            "view": {
                "id": view_id,
                "team_id": team_id,
                "type": "modal",
                "blocks": [],
                "private_metadata": private_metadata,
                "callback_id": callback_id,
                "state": {"values": _state_values(values)},
                "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
                "title": {"type": "plain_text", "text": "deescalate"},
                "previous_view_id": None,
                "root_view_id": view_id,
                "app_id": APP_ID,
                "external_id": "",
                "app_installed_team_id": team_id,
                "bot_id": "BBOT",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._interactive(payload)

    def raw_request(
        self,
        body: bytes,
        headers: Mapping[str, str],
        sign_it: bool = True,
        timestamp: int | str | None = None,
        path: str | None = None,
    ) -> _Request:
        final: dict[str, str] = {"User-Agent": SLACK_USER_AGENT}
        if sign_it:
            ts = str(int(time.time()) if timestamp is None else timestamp)
            final["X-Slack-Request-Timestamp"] = ts
            final["X-Slack-Signature"] = sign(self.signing_secret, ts, body)
        final.update(headers)  # caller's headers win, so a test can forge any of them
        return _Request(path or self.path, body, final, {})

    def _hook_url(self, team_id: str) -> str:
        return f"https://hooks.slack.com/actions/{team_id}/1/{uuid.uuid4().hex}"


def _state_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Accept {block: {action: "text"}} shorthand for plain-text inputs, or Slack's full shape."""
    return {
        block: {
            action: v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}
            for action, v in actions.items()
        }
        for block, actions in values.items()
    }


class SignedSender(_Builder):
    """Posts Slack's requests to a running bot and returns its `Response` (blocking)."""

    def send(self, request: _Request) -> Response:
        req = urllib.request.Request(
            self.base_url + request.path, data=request.body, headers=request.headers, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                return Response(answer.status, answer.read().decode(), CIMultiDict(answer.headers.items()), request.sent)
        except urllib.error.HTTPError as error:
            with error:
                body = error.read().decode()
            return Response(error.code, body, CIMultiDict(error.headers.items()), request.sent)

    def event(self, event: dict[str, Any], **kwargs: Any) -> Response:
        """An Events API `event_callback` (see `event_request` for options, e.g. retry_num)."""
        return self.send(self.event_request(event, **kwargs))

    def url_verification(self, challenge: str) -> Response:
        return self.send(self.url_verification_request(challenge))

    def command(self, text: str, **kwargs: Any) -> Response:
        return self.send(self.command_request(text, **kwargs))

    def block_action(self, action_id: str, value: str | None, **kwargs: Any) -> Response:
        return self.send(self.block_action_request(action_id, value, **kwargs))

    def message_shortcut(self, callback_id: str, **kwargs: Any) -> Response:
        return self.send(self.message_shortcut_request(callback_id, **kwargs))

    def view_submission(self, callback_id: str, values: dict[str, dict[str, Any]], **kwargs: Any) -> Response:
        return self.send(self.view_submission_request(callback_id, values, **kwargs))

    def raw(
        self,
        body: bytes,
        headers: Mapping[str, str],
        sign: bool = True,
        timestamp: int | str | None = None,
        path: str | None = None,
    ) -> Response:
        """Post bytes as given (signed unless `sign=False`); for forged and malformed requests."""
        return self.send(self.raw_request(body, headers, sign, timestamp, path))


class AsyncSignedSender(_Builder):
    """Same requests as `SignedSender`, posted with aiohttp without blocking the running loop."""

    async def send(self, request: _Request) -> Response:
        import aiohttp  # imported here so sync-only users don't pay for it

        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(
                self.base_url + request.path, data=request.body, headers=request.headers
            ) as answer:
                body = await answer.text()
                return Response(answer.status, body, CIMultiDict(answer.headers), request.sent)

    async def event(self, event: dict[str, Any], **kwargs: Any) -> Response:
        return await self.send(self.event_request(event, **kwargs))

    async def url_verification(self, challenge: str) -> Response:
        return await self.send(self.url_verification_request(challenge))

    async def command(self, text: str, **kwargs: Any) -> Response:
        return await self.send(self.command_request(text, **kwargs))

    async def block_action(self, action_id: str, value: str | None, **kwargs: Any) -> Response:
        return await self.send(self.block_action_request(action_id, value, **kwargs))

    async def message_shortcut(self, callback_id: str, **kwargs: Any) -> Response:
        return await self.send(self.message_shortcut_request(callback_id, **kwargs))

    async def view_submission(
        self, callback_id: str, values: dict[str, dict[str, Any]], **kwargs: Any
    ) -> Response:
        return await self.send(self.view_submission_request(callback_id, values, **kwargs))

    async def raw(
        self,
        body: bytes,
        headers: Mapping[str, str],
        sign: bool = True,
        timestamp: int | str | None = None,
        path: str | None = None,
    ) -> Response:
        return await self.send(self.raw_request(body, headers, sign, timestamp, path))
