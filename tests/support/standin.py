"""A local stand-in for Slack's Web API, so integration tests can watch every call the bot makes.

The real Slack is unreachable from tests. `SlackStandIn` serves the methods deescalate uses on
127.0.0.1, answers with the shapes Slack documents, records each call, and can be told to fail,
rate-limit, error or stall the next N calls of a method. It runs its own event loop in a background
thread, so sync tests, async tests and a bot running in either style can all talk to it.

Unknown ids are answered as ordinary members of workspace T1 (a user, a channel, an empty user
group); use the `set_*` methods for specifics and `fail()` for error paths.

Socket Mode: `apps.connections.open` (app-level token only) answers a `ws://…/socket-mode` URL; each
connection gets Slack's `hello`, then whatever envelopes a test pushes (`socket_event`,
`socket_command`, `socket_interactive`, or `send_envelope` for any type). Envelopes are spread over
the open connections in turn, as Slack does with several connections, and every acknowledgement the
app sends back (`{"envelope_id": …, "payload": …}`) is recorded as a `SocketAck`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
TEAM_DOMAIN = "standin"
APP_ID = "A1"
DEFAULT_TOKEN = "xoxb-standin-bot-token"
DEFAULT_APP_TOKEN = "xapp-1-A1-standin-app-token"

# Fields Slack accepts as JSON-encoded strings inside form posts; decoded so tests compare objects.
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "user_auth_blocks"})
# Slack's documented ceilings; going past them is a bug in our Block Kit builders.
_MAX_MESSAGE_BLOCKS = 50
_MAX_VIEW_BLOCKS = 100


@dataclass(frozen=True)
class Call:
    """One request the stand-in received, with what it answered."""

    method: str  # Web API method, or "response_url"
    params: dict[str, Any]
    headers: Mapping[str, str]  # case-insensitive
    at: float  # time.monotonic() on arrival
    status: int = 200
    response: Any = None
    path: str = ""

    @property
    def tag(self) -> str | None:
        """The tag of a response_url call (see `SlackStandIn.response_url`)."""
        prefix = "/response/"
        return self.path[len(prefix) :] if self.path.startswith(prefix) else None

    def brief(self) -> str:
        text = json.dumps(self.params, default=str, ensure_ascii=False)
        text = text if len(text) <= 160 else text[:157] + "..."
        tag = f" <{self.tag}>" if self.tag else ""
        return f"{self.method}{tag} [{self.status}] {text}"


@dataclass(frozen=True)
class SocketAck:
    """An acknowledgement the app sent back over a Socket Mode connection."""

    envelope_id: str
    payload: Any  # the response payload (a command's reply), or None for a bare ack
    connection: int  # which connection carried it (1, 2, … in order of connecting)
    at: float  # time.monotonic() on arrival


@dataclass
class _Rule:
    """An injected outcome for the next `times` calls of one method."""

    times: int
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class _Answer:
    status: int
    body: Any
    headers: dict[str, str]


class SlackStandIn:
    """Slack Web API stand-in on a free loopback port; `api_url` is the bot's SLACK_API_URL."""

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_TOKEN,
        extra_tokens: tuple[str, ...] = (),
        clock: Callable[[], float] = time.time,
        app_token: str = DEFAULT_APP_TOKEN,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self._clock = clock  # wall clock for message ts; tests may freeze it
        self._tokens = {bot_token, app_token, *extra_tokens}
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._outcomes: dict[str, deque[_Rule]] = {}
        self._delays: dict[str, deque[_Rule]] = {}
        self._canned: dict[str, dict[str, Any]] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._groups: dict[str, list[str]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._dms: dict[str, str] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, str] = {}
        self._last_ts_us = 0
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stalled: set[asyncio.Task[Any]] = set()
        self._sock: socket.socket | None = None
        self.port = 0
        # Socket Mode: open websocket connections by number, the envelopes sent, the acks received.
        self._sockets: dict[int, web.WebSocketResponse] = {}
        self._socket_numbers = itertools.count(1)
        self._socket_turn = 0
        self._envelopes: list[dict[str, Any]] = []
        self._acks: list[SocketAck] = []

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Start serving in a background thread; returns self once the port accepts connections."""
        if self._thread is not None:
            return self
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._open())
            except BaseException as exc:  # surfaced to start()'s caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name=f"slack-standin:{self.port}", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            self.stop()
            raise RuntimeError(f"Slack stand-in failed to start: {failure[:1]}")
        return self

    def stop(self) -> None:
        """Stop serving, cancel stalled answers and join the thread. Safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if thread.is_alive() and loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=5)
            finally:
                loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not loop.is_running():
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.close()
        if self._sock is not None:
            self._sock.close()
        self._loop = self._thread = self._runner = self._sock = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _open(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{tag}", self._handle_response_url)
        app.router.add_get("/socket-mode", self._handle_socket)
        # A stalled answer must not hold up teardown, and a client that gave up cancels it.
        self._runner = web.AppRunner(app, shutdown_timeout=0.2, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        assert self._sock is not None
        await web.SockSite(self._runner, self._sock).start()

    async def _close(self) -> None:
        for task in list(self._stalled):
            task.cancel()
        for ws in list(self._sockets.values()):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        await asyncio.sleep(0.01)  # let the closed connections' transports finish closing

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Base URL for slack_sdk clients (`base_url=`); ends with a slash as slack_sdk expects."""
        return f"{self.base_url}/api/"

    def response_url(self, tag: str) -> str:
        """A response_url whose POSTs are recorded as method "response_url" with this tag."""
        return f"{self.base_url}/response/{tag}"

    # ---- recorded calls --------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method == method and (where is None or _matches(where, c))]

    def clear(self) -> None:
        """Forget recorded calls and pending injections; workspace state (users, messages) stays."""
        with self._cond:
            self._calls.clear()
            self._outcomes.clear()
            self._delays.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until at least `count` matching calls were recorded; return them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self.calls_to(method, where)
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    break
                self._cond.wait(left)
        if len(found) < count:
            raise AssertionError(self._shortfall(method, count, len(found), timeout, where))
        return found

    async def wait_for_async(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Like `wait_for`, but yields to the running loop (use it when the bot shares the test's loop)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method, where)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(self._shortfall(method, count, len(found), timeout, where))
            await asyncio.sleep(0.01)

    def assert_no_call(
        self, method: str, within: float = 0.5, where: Callable[[Call], bool] | None = None
    ) -> None:
        """Fail if a matching call was recorded already or arrives within `within` seconds."""
        deadline = time.monotonic() + within
        with self._cond:
            while True:
                found = self.calls_to(method, where)
                left = deadline - time.monotonic()
                if found or left <= 0:
                    break
                self._cond.wait(left)
        if found:
            raise AssertionError(f"expected no {method} call, got:\n" + "\n".join(c.brief() for c in found))

    async def assert_no_call_async(
        self, method: str, within: float = 0.5, where: Callable[[Call], bool] | None = None
    ) -> None:
        deadline = time.monotonic() + within
        while not (found := self.calls_to(method, where)) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if found:
            raise AssertionError(f"expected no {method} call, got:\n" + "\n".join(c.brief() for c in found))

    def _shortfall(
        self, method: str, count: int, got: int, timeout: float, where: Callable[[Call], bool] | None
    ) -> str:
        seen = "\n".join("  " + c.brief() for c in self.calls) or "  (nothing)"
        condition = " matching the condition" if where else ""
        return f"expected {count} {method} call(s){condition} within {timeout}s, got {got}. Calls seen:\n{seen}"

    # ---- failure injection -----------------------------------------------------------------

    def fail(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 200 `{"ok": false, "error": error}`."""
        self._push(self._outcomes, method, _Rule(times, 200, {"ok": False, "error": error}))

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls answer HTTP 429 with a Retry-After header, as Slack does."""
        body = {"ok": False, "error": "ratelimited"}
        self._push(self._outcomes, method, _Rule(times, 429, body, {"Retry-After": str(retry_after)}))

    def server_error(self, method: str, status: int = 503, times: int = 1) -> None:
        """The next `times` calls answer with an HTTP 5xx."""
        self._push(self._outcomes, method, _Rule(times, status, {"ok": False, "error": "internal_error"}))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls are answered only after `seconds` (to provoke client timeouts)."""
        self._push(self._delays, method, _Rule(times, seconds=seconds))

    def set_response(self, method: str, body: dict[str, Any]) -> None:
        """Answer every call of `method` with `body` (for methods the stand-in does not model)."""
        with self._cond:
            self._canned[method] = body

    def _push(self, rules: dict[str, deque[_Rule]], method: str, rule: _Rule) -> None:
        if rule.times < 1:
            raise ValueError("times must be at least 1")
        with self._cond:
            rules.setdefault(method, deque()).append(rule)

    def _take(self, rules: dict[str, deque[_Rule]], method: str) -> _Rule | None:
        queue = rules.get(method)
        if not queue:
            return None
        rule = queue[0]
        rule.times -= 1
        if rule.times == 0:
            queue.popleft()
        return rule

    # ---- workspace state -------------------------------------------------------------------

    def set_user(
        self,
        user_id: str,
        team_id: str = TEAM_ID,
        is_bot: bool = False,
        name: str | None = None,
        *,
        real_name: str | None = None,
        tz: str = "Europe/Berlin",
        deleted: bool = False,
    ) -> None:
        with self._cond:
            self._users[user_id] = _user(user_id, team_id, is_bot, name, real_name, tz, deleted)

    def set_usergroup(self, group_id: str, user_ids: list[str]) -> None:
        with self._cond:
            self._groups[group_id] = list(user_ids)

    def set_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        members: list[str] | None = None,
        is_private: bool = False,
        is_member: bool = True,
    ) -> None:
        """Describe a channel; with `members`, ephemerals to anyone else fail `user_not_in_channel`."""
        with self._cond:
            self._channels[channel_id] = {
                "info": _channel(channel_id, name, is_private, is_member),
                "members": None if members is None else list(members),
            }

    def add_message(self, channel: str, ts: str, text: str, user: str = "U_CUSTOMER", **extra: Any) -> None:
        """Seed a message that exists in Slack before the test (so updates/permalinks find it)."""
        with self._cond:
            self._messages[(channel, ts)] = {"type": "message", "user": user, "text": text, "ts": ts, **extra}

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The message as Slack holds it now (after updates); None if never posted or deleted."""
        with self._cond:
            found = self._messages.get((channel, ts))
            return None if found is None or found.get("deleted") else dict(found)

    def view(self, view_id: str) -> dict[str, Any] | None:
        """The view as last opened/updated/published."""
        with self._cond:
            return self._views.get(view_id)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._cond:
            view_id = self._home_views.get(user_id)
            return None if view_id is None else self._views.get(view_id)

    def dm_channel(self, user_id: str) -> str:
        """The DM channel id `conversations.open` gives for this user (stable per stand-in)."""
        with self._cond:
            if user_id not in self._dms:
                self._dms[user_id] = f"D{next(self._ids):08d}"
            return self._dms[user_id]

    # ---- Socket Mode -----------------------------------------------------------------------

    @property
    def socket_url(self) -> str:
        """Where `apps.connections.open` sends the app (a ticket query is added per call)."""
        return f"ws://127.0.0.1:{self.port}/socket-mode"

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode connections are open now."""
        with self._cond:
            return len(self._sockets)

    def wait_for_sockets(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until at least `count` Socket Mode connections are open."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._sockets) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} Socket Mode connection(s), have {len(self._sockets)}")
                self._cond.wait(left)

    def send_envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        connection: int | None = None,
    ) -> str:
        """Push one envelope (events_api, slash_commands, interactive) to a connection; returns its id.

        Without `connection`, envelopes go to the open connections in turn. Slack redelivers an
        unacknowledged envelope with a new id and a higher `retry_attempt`.
        """
        envelope_id = envelope_id or f"env-{next(self._ids):06d}-{int(time.time() * 1000) % 1_000_000:06d}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        self._on_loop(self._send_json(envelope, connection))
        with self._cond:
            self._envelopes.append(envelope)
        return envelope_id

    def socket_event(self, body: dict[str, Any], **kwargs: Any) -> str:
        """An Events API `event_callback` body (e.g. `SignedSender.event_request(...).sent`)."""
        return self.send_envelope("events_api", body, **kwargs)

    def socket_command(self, form: dict[str, Any], **kwargs: Any) -> str:
        """A slash command: the same fields as the HTTP form post, as a JSON object."""
        return self.send_envelope("slash_commands", form, **kwargs)

    def socket_interactive(self, payload: dict[str, Any], **kwargs: Any) -> str:
        """A block action, shortcut or view submission payload."""
        return self.send_envelope("interactive", payload, **kwargs)

    def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connection to reconnect, as Slack does before it recycles a socket host."""
        with self._cond:
            numbers = list(self._sockets)
        for number in numbers:
            self._on_loop(self._send_json({"type": "disconnect", "reason": reason}, number))

    @property
    def acks(self) -> list[SocketAck]:
        with self._cond:
            return list(self._acks)

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> SocketAck:
        """Block until the app acknowledged this envelope; return the acknowledgement."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [a for a in self._acks if a.envelope_id == envelope_id]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"envelope {envelope_id} was not acknowledged within {timeout}s")
                self._cond.wait(left)

    def _on_loop(self, coro: Any) -> Any:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the stand-in is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _send_json(self, message: dict[str, Any], connection: int | None) -> None:
        with self._cond:
            numbers = sorted(self._sockets)
            if not numbers:
                raise AssertionError("no Socket Mode connection is open")
            if connection is None:
                connection = numbers[self._socket_turn % len(numbers)]
                self._socket_turn += 1
            ws = self._sockets.get(connection)
        if ws is None:
            raise AssertionError(f"Socket Mode connection {connection} is not open")
        await ws.send_str(json.dumps(message))

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        with self._cond:
            number = next(self._socket_numbers)
            self._sockets[number] = ws
            count = len(self._sockets)
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": count,
                    "connection_info": {"app_id": APP_ID},
                    "debug_info": {"host": f"standin-{self.port}", "approximate_connection_time": 18060},
                }
            )
        )
        with self._cond:
            self._cond.notify_all()
        try:
            async for message in ws:
                if message.type != web.WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(message.data)
                except json.JSONDecodeError:
                    continue
                if isinstance(data, dict) and data.get("envelope_id"):
                    ack = SocketAck(str(data["envelope_id"]), data.get("payload"), number, time.monotonic())
                    with self._cond:
                        self._acks.append(ack)
                        self._cond.notify_all()
        finally:
            with self._cond:
                self._sockets.pop(number, None)
                self._cond.notify_all()
        return ws

    # ---- HTTP ------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = dict(request.query)
        params.update(await _read_body(request))
        token = _bearer(request.headers.get("Authorization")) or params.pop("token", None)
        return await self._serve(request, method, params, lambda: self._answer(method, params, token))

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        params = await _read_body(request)
        ok = _Answer(200, {"ok": True}, {})
        return await self._serve(request, "response_url", params, lambda: self._injected("response_url") or ok)

    async def _serve(
        self, request: web.Request, method: str, params: dict[str, Any], answer_of: Callable[[], _Answer]
    ) -> web.StreamResponse:
        arrived = time.monotonic()
        # Answer, record and notify in one step, so the order of recorded calls is the order of effects.
        with self._cond:
            answer = answer_of()
            stall = self._take(self._delays, method)
            self._calls.append(
                Call(
                    method=method,
                    params=params,
                    headers=CIMultiDictProxy(CIMultiDict(request.headers)),
                    at=arrived,
                    status=answer.status,
                    response=answer.body,
                    path=request.path,
                )
            )
            self._cond.notify_all()
        if stall is not None:
            task = asyncio.current_task()
            assert task is not None
            self._stalled.add(task)  # so stop() can cut it short instead of waiting it out
            try:
                await asyncio.sleep(stall.seconds)
            finally:
                self._stalled.discard(task)
        headers = {"X-Slack-Req-Id": f"standin-{next(self._ids)}", **answer.headers}
        return web.json_response(answer.body, status=answer.status, headers=headers)

    def _injected(self, method: str) -> _Answer | None:
        rule = self._take(self._outcomes, method)
        return None if rule is None else _Answer(rule.status, rule.body, dict(rule.headers))

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> _Answer:
        if not token:
            return _Answer(200, {"ok": False, "error": "not_authed"}, {})
        if token not in self._tokens:
            return _Answer(200, {"ok": False, "error": "invalid_auth"}, {})
        injected = self._injected(method)
        if injected is not None:
            return injected
        if method == "apps.connections.open":
            # Only an app-level token may open a socket; Slack refuses bot tokens with this error.
            if token != self.app_token:
                return _Answer(200, {"ok": False, "error": "not_allowed_token_type"}, {})
            return _Answer(200, {"ok": True, "url": f"{self.socket_url}?ticket={next(self._ids)}"}, {})
        if method in self._canned:
            return _Answer(200, self._canned[method], {})
        handler = _METHODS.get(method)
        if handler is None:
            return _Answer(200, {"ok": False, "error": "unknown_method", "req_method": method}, {})
        return _Answer(200, handler(self, params), {})

    # ---- Web API methods (called with the lock held) ---------------------------------------

    def _next_ts(self) -> str:
        # Slack ts are "seconds.micros", unique and increasing within a channel.
        now_us = int(self._clock() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _user_info(self, user_id: str) -> dict[str, Any]:
        return self._users.get(user_id) or _user(user_id, TEAM_ID, False, None, None, "Europe/Berlin", False)

    def _channel_info(self, channel_id: str) -> dict[str, Any]:
        known = self._channels.get(channel_id)
        if known:
            return known["info"]
        owner = next((u for u, d in self._dms.items() if d == channel_id), None)
        if owner:
            return {"id": channel_id, "is_im": True, "user": owner, "created": 1_700_000_000, "is_open": True}
        return _channel(channel_id, None, channel_id.startswith("G"), True)

    def _resolve_channel(self, channel: str) -> str:
        # Posting to a user id posts to the app's DM with that user, and Slack answers with the D id.
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _check_post(self, channel: str, params: dict[str, Any], max_blocks: int) -> str | None:
        if not channel:
            return "channel_not_found"
        known = self._channels.get(channel)
        if known and not known["info"].get("is_member", True):
            return "not_in_channel"
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            return "no_text"
        return _blocks_error(params.get("blocks"), max_blocks)

    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Stand-in Support",
            "user": "deescalate",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _m_chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(str(params.get("channel", "")))
        error = self._check_post(channel, params, _MAX_MESSAGE_BLOCKS)
        if error:
            return {"ok": False, "error": error}
        ts = self._next_ts()
        message = _bot_message(params, ts)
        self._messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}

    def _m_chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(str(params.get("channel", "")))
        user = str(params.get("user", ""))
        error = self._check_post(channel, params, _MAX_MESSAGE_BLOCKS)
        if error:
            return {"ok": False, "error": error}
        if not user:
            return {"ok": False, "error": "user_not_found"}
        members = (self._channels.get(channel) or {}).get("members")
        if members is not None and user not in members:
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        error = self._check_post(channel, params, _MAX_MESSAGE_BLOCKS)
        if error:
            return {"ok": False, "error": error}
        old = self._messages.get((channel, ts)) or {}
        if old.get("deleted"):
            return {"ok": False, "error": "message_not_found"}
        message = {**old, **_bot_message(params, ts), "edited": {"user": BOT_USER_ID, "ts": self._next_ts()}}
        if "thread_ts" in old:
            message["thread_ts"] = old["thread_ts"]
        self._messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": dict(message)}

    def _m_chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        old = self._messages.get((channel, ts), {})
        if not ts or old.get("deleted"):
            return {"ok": False, "error": "message_not_found"}
        self._messages[(channel, ts)] = {**old, "ts": ts, "deleted": True}
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("message_ts", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        permalink = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        thread_ts = (self._messages.get((channel, ts)) or {}).get("thread_ts")
        if thread_ts and thread_ts != ts:
            permalink += f"?thread_ts={thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _store_view(self, view: Any, view_id: str | None = None, **extra: Any) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view.get("type"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._ids):08x}",
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "external_id": view.get("external_id", ""),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
            **extra,
        }
        self._views[view_id] = stored
        return stored

    def _m_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        error = _view_error(params.get("view")) or (None if params.get("trigger_id") else "invalid_arguments")
        if error:
            return {"ok": False, "error": error}
        return {"ok": True, "view": self._store_view(params["view"])}

    def _m_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        error = _view_error(params.get("view")) or (None if params.get("trigger_id") else "invalid_arguments")
        if error:
            return {"ok": False, "error": error}
        return {"ok": True, "view": self._store_view(params["view"])}

    def _m_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        error = _view_error(params.get("view"))
        if error:
            return {"ok": False, "error": error}
        view_id = params.get("view_id")
        if not view_id and params.get("external_id"):
            view_id = next((v for v, s in self._views.items() if s["external_id"] == params["external_id"]), None)
            if view_id is None:
                return {"ok": False, "error": "not_found"}
        if not view_id:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": self._store_view(params["view"], str(view_id))}

    def _m_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id", ""))
        error = _view_error(params.get("view")) or (None if user_id else "invalid_arguments")
        if error:
            return {"ok": False, "error": error}
        view_id = self._home_views.get(user_id)
        stored = self._store_view(params["view"], view_id)
        self._home_views[user_id] = stored["id"]
        return {"ok": True, "view": stored}

    def _m_usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup", ""))
        if not group:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "users": list(self._groups.get(group, []))}

    def _m_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        if not user_id:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self._user_info(user_id)}

    def _m_conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": self._channel_info(channel)}

    def _m_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if len(users) != 1:
            # Group DMs are outside what the bot does; say so the way Slack would for bad input.
            return {"ok": False, "error": "users_list_not_supplied" if not users else "not_supported"}
        already = users[0] in self._dms
        channel = {"id": self.dm_channel(users[0])}
        return {"ok": True, "no_op": already, "already_open": already, "channel": channel}

    def _m_conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        members = (self._channels.get(channel) or {}).get("members") or []
        return {"ok": True, "members": list(members), "response_metadata": {"next_cursor": ""}}


_METHODS: dict[str, Callable[[SlackStandIn, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": SlackStandIn._m_auth_test,
    "chat.postMessage": SlackStandIn._m_chat_post_message,
    "chat.postEphemeral": SlackStandIn._m_chat_post_ephemeral,
    "chat.update": SlackStandIn._m_chat_update,
    "chat.delete": SlackStandIn._m_chat_delete,
    "chat.getPermalink": SlackStandIn._m_chat_get_permalink,
    "views.open": SlackStandIn._m_views_open,
    "views.update": SlackStandIn._m_views_update,
    "views.push": SlackStandIn._m_views_push,
    "views.publish": SlackStandIn._m_views_publish,
    "usergroups.users.list": SlackStandIn._m_usergroups_users_list,
    "users.info": SlackStandIn._m_users_info,
    "conversations.info": SlackStandIn._m_conversations_info,
    "conversations.open": SlackStandIn._m_conversations_open,
    "conversations.members": SlackStandIn._m_conversations_members,
}


def _matches(where: Callable[[Call], bool], call: Call) -> bool:
    # A predicate like `c.params["text"] == ...` should skip calls without that field, not crash the wait.
    try:
        return bool(where(call))
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


async def _read_body(request: web.Request) -> dict[str, Any]:
    """Decode a JSON or form body (urlencoded or multipart) into a dict, JSON-string fields parsed."""
    if not request.can_read_body:
        return {}
    if request.content_type == "application/json":
        raw = await request.text()
        try:
            decoded = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            return {"_unparsed_body": raw}
        params = decoded if isinstance(decoded, dict) else {"_body": decoded}
    else:
        form = await request.post()
        params = {k: v if isinstance(v, str) else getattr(v, "filename", "") for k, v in form.items()}
    for key in _JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                pass  # left as sent; the method's validation reports it the way Slack would
    return params


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def _blocks_error(blocks: Any, limit: int) -> str | None:
    if blocks is None:
        return None
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        return "invalid_blocks"
    return "invalid_blocks" if len(blocks) > limit else None


def _view_error(view: Any) -> str | None:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return "invalid_arguments"
    return _blocks_error(view.get("blocks", []), _MAX_VIEW_BLOCKS)


def _bot_message(params: dict[str, Any], ts: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": TEAM_ID,
        "text": str(params.get("text", "")),
        "ts": ts,
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if params.get(key) is not None:
            message[key] = params[key]
    return message


def _user(
    user_id: str, team_id: str, is_bot: bool, name: str | None, real_name: str | None, tz: str, deleted: bool
) -> dict[str, Any]:
    name = name or user_id.lower()
    real_name = real_name or name.replace(".", " ").title()
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "deleted": deleted,
        "real_name": real_name,
        "tz": tz,
        "is_admin": False,
        "is_owner": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "is_restricted": False,
        "profile": {"real_name": real_name, "display_name": name, "team": team_id},
    }


def _channel(channel_id: str, name: str | None, is_private: bool, is_member: bool) -> dict[str, Any]:
    return {
        "id": channel_id,
        "name": name or channel_id.lower(),
        "is_channel": not is_private,
        "is_group": is_private,
        "is_im": False,
        "is_private": is_private,
        "is_archived": False,
        "is_general": False,
        "is_member": is_member,
        "is_ext_shared": False,
        "context_team_id": TEAM_ID,
        "created": 1_700_000_000,
    }
