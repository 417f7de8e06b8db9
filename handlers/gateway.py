"""The one way out to Slack: retries on 429 (Retry-After), 5xx and dropped connections, known errors
mapped to outcomes, failures counted, and nothing secret logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from handlers.metrics import Metrics

log = logging.getLogger("deescalate.slack")

# Errors that say "this can't be delivered here", not "try again": reported, never retried.
KNOWN_ERRORS = {
    "user_not_in_channel": "the person is not a member of that channel",
    "channel_not_found": "the bot is not in that channel or it does not exist",
    "not_in_channel": "the bot is not a member of that channel",
    "is_archived": "the channel is archived",
    "expired_trigger_id": "the 3-second window to open a dialog passed",
    "invalid_auth": "the bot token is not valid",
    "missing_scope": "the app lacks a scope; reinstall it from manifest.yml",
}


# Methods slack_sdk's wrappers send as a JSON body (as Slack recommends for messages with blocks).
JSON_BODY_METHODS = frozenset({"chat.postEphemeral", "chat.postMessage", "chat.update"})


# Methods whose repeat is a second message in front of someone (Slack has no idempotency key for them).
# A request that timed out or lost its connection after it was sent may have been applied (Slack slower
# than our 10 s timeout still posts it), so it is not sent again: a missed whisper beats a doubled one.
# A connection that never opened (ClientConnectorError) sent nothing and is retried like any other.
NOT_REPEATABLE = frozenset({"chat.postEphemeral", "chat.postMessage"})


class _ConnectionErrorRetry(AsyncConnectionErrorRetryHandler):
    """slack_sdk's connection-error retries, minus resending a message Slack may already have posted."""

    async def _can_retry_async(self, *, state: Any, request: Any, response: Any = None, error: Exception | None = None) -> bool:
        method = str(getattr(request, "url", "")).rstrip("/").rsplit("/", 1)[-1]
        if method in NOT_REPEATABLE and error is not None and not isinstance(error, aiohttp.ClientConnectorError):
            return False
        return await super()._can_retry_async(state=state, request=request, response=response, error=error)


def retry_handlers() -> list:
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        AsyncServerErrorRetryHandler(max_retry_count=3, interval_calculator=backoff),
        _ConnectionErrorRetry(
            max_retry_count=3,
            interval_calculator=backoff,
            error_types=[
                aiohttp.ServerConnectionError,
                aiohttp.ClientOSError,
                aiohttp.ServerTimeoutError,
                asyncio.TimeoutError,
            ],
        ),
    ]


def make_client(token: str, api_url: str, timeout: int = 10) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api_url, timeout=timeout, retry_handlers=retry_handlers())


@dataclass(frozen=True)
class Sent:
    ok: bool
    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return KNOWN_ERRORS.get(self.error or "", self.error or "")


class SlackGateway:
    def __init__(self, client: AsyncWebClient, metrics: Metrics, on_error: Callable[[str], None] | None = None):
        self.client = client
        self.metrics = metrics
        self.on_error = on_error  # told every Slack error (readiness watches for a revoked token)

    async def call(self, method: str, **params: Any) -> Sent:
        """Call a Web API method; never raises for Slack-side failures."""
        try:
            if method in JSON_BODY_METHODS:
                # What the wrapper would send, without its per-call checks for Block Kit *objects*
                # (typing-generic isinstance tests, ~5% of a whisper's CPU): our blocks are plain dicts.
                response = await self.client.api_call(method, json=_drop_none(params))
            else:
                # slack_sdk's own method wrappers know each method's verb and encoding (JSON vs form).
                response = await getattr(self.client, method.replace(".", "_"))(**_drop_none(params))
            return Sent(True, None, dict(response.data))  # type: ignore[arg-type]
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            self._failed(method, error)
            return Sent(False, error, dict(exc.response.data) if isinstance(exc.response.data, dict) else {})
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self._failed(method, type(exc).__name__)
            return Sent(False, "connection_failed")

    def _failed(self, method: str, error: str) -> None:
        self.metrics.slack_errors.labels(method=method, error=error).inc()
        if self.on_error is not None:
            self.on_error(error)
        log.warning("slack %s failed: %s%s", method, error, f" ({KNOWN_ERRORS[error]})" if error in KNOWN_ERRORS else "")

    async def auth_test(self, timeout: float) -> Sent:
        """auth.test once, without retries, `timeout` seconds at most (start-up must not hang on Slack)."""
        client = self.client
        once = AsyncWebClient(
            token=client.token, base_url=client.base_url, timeout=max(1, int(timeout)), session=client.session, retry_handlers=[]
        )
        try:
            response = await asyncio.wait_for(once.auth_test(), timeout)
            return Sent(True, None, dict(response.data))  # type: ignore[arg-type]
        except SlackApiError as exc:
            error = outcome = str(exc.response.get("error", "unknown_error"))
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            error, outcome = type(exc).__name__, "connection_failed"
        # Counted, not logged: the caller says what it means (stop start-up, or retry in the background).
        self.metrics.slack_errors.labels(method="auth.test", error=error).inc()
        return Sent(False, outcome)

    async def post_ephemeral(self, channel: str, user: str, text: str, blocks: list | None = None, thread_ts: str | None = None) -> Sent:
        return await self.call("chat.postEphemeral", channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts)

    async def post_message(self, channel: str, text: str, blocks: list | None = None, thread_ts: str | None = None, **extra: Any) -> Sent:
        return await self.call("chat.postMessage", channel=channel, text=text, blocks=blocks, thread_ts=thread_ts, **extra)

    async def update(self, channel: str, ts: str, text: str, blocks: list | None = None) -> Sent:
        return await self.call("chat.update", channel=channel, ts=ts, text=text, blocks=blocks)

    async def permalink(self, channel: str, ts: str) -> str | None:
        sent = await self.call("chat.getPermalink", channel=channel, message_ts=ts)
        return sent.data.get("permalink") if sent.ok else None

    async def open_view(self, trigger_id: str, view: dict) -> Sent:
        return await self.call("views.open", trigger_id=trigger_id, view=view)

    async def publish_home(self, user: str, view: dict) -> Sent:
        return await self.call("views.publish", user_id=user, view=view)

    async def dm(self, user: str, text: str, blocks: list | None = None) -> Sent:
        opened = await self.call("conversations.open", users=user)
        if not opened.ok:
            return opened
        return await self.post_message(opened.data["channel"]["id"], text, blocks)

    async def usergroup_members(self, group: str) -> set[str] | None:
        sent = await self.call("usergroups.users.list", usergroup=group)
        return set(sent.data.get("users", [])) if sent.ok else None

    async def respond(self, response_url: str, payload: dict) -> Sent:
        """Answer through an interaction's response_url (the only way to replace an ephemeral message)."""
        hook = AsyncWebhookClient(response_url, timeout=10, retry_handlers=retry_handlers())
        try:
            response = await hook.send_dict(payload)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self._failed("response_url", type(exc).__name__)
            return Sent(False, "connection_failed")
        if response.status_code >= 400:
            self._failed("response_url", str(response.status_code))
            return Sent(False, str(response.status_code))
        return Sent(True)


def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}
