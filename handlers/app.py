"""Assemble the Bolt app: one runtime (config, store, gateway, metrics, phrasebook) shared by the listeners."""

from __future__ import annotations

import asyncio
import contextvars
import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.config import Config
from bot.store import Store, StoreUnavailable
from handlers import logs
from handlers.gateway import SlackGateway, make_client
from handlers.metrics import Metrics
from handlers.slack_auth import SlackAuth, keep_checking

log = logging.getLogger("deescalate")

# One module per Slack surface, each with register(app, runtime).
SURFACES = ("events", "actions", "handoffs", "commands", "shortcuts", "views", "home", "timers")

T = TypeVar("T")

# The longest a Redis call may delay an acknowledgement (Slack gives up, and retries, after 3 s).
ACK_STORE_TIMEOUT = 0.5
# Daily counters and App Home entries are written behind, at most this late (see bot/store.py).
FLUSH_SECONDS = 1.0
# The HTTP answer to a message event waits for that message's work (commit and whispers) this long at
# most, then the work carries on after the ack. Holding the answer while the work is quick is back-
# pressure: a burst queues at the sender, not inside the bot, so every whisper goes out in about the
# time it takes, and an event whose work did not finish before a crash is one Slack redelivers.
ACK_WAIT_SECONDS = 0.25
# Set by the HTTP endpoint around one dispatch; the message listener hands it the task it spawned.
WORK_STARTED: contextvars.ContextVar[asyncio.Future | None] = contextvars.ContextVar("work_started", default=None)


@dataclass
class Runtime:
    config: Config
    store: Store
    gateway: SlackGateway
    metrics: Metrics
    book: Any  # phrasebook.Phrasebook
    app: AsyncApp
    auth: SlackAuth = field(default_factory=lambda: SlackAuth(""))
    clock: Callable[[], float] = time.time
    background: set[asyncio.Task] = field(default_factory=set)
    loops: list[Callable[["Runtime"], Awaitable[None]]] = field(default_factory=list)
    ready: bool = False

    def spawn(self, work: Awaitable[Any], name: str) -> asyncio.Task:
        """Run slow work after the ack, keeping a reference so it is not garbage-collected mid-flight."""
        task = asyncio.ensure_future(self._guarded(work, name))
        task.set_name(name)  # so tests and debuggers can tell the long-lived "loop:" tasks apart
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    def spawn_for_ack(self, work: Awaitable[Any], name: str) -> asyncio.Task:
        """Like spawn; the HTTP answer to the request being handled waits for it (ACK_WAIT_SECONDS at most)."""
        task = self.spawn(work, name)
        started = WORK_STARTED.get()
        if started is not None and not started.done():
            started.set_result(task)
        return task

    async def _guarded(self, work: Awaitable[Any], name: str) -> None:
        started = time.perf_counter()
        try:
            await work
        except Exception as exc:
            self.metrics.errors.labels(handler=name).inc()
            if _is_store_error():
                # While Redis is away every message fails the same way: one line each, no traceback.
                self.metrics.store_errors.inc()
                log.error("%s failed: store unavailable (%s: %s)", name, type(exc).__name__, exc)
            else:
                log.exception("%s failed", name)
        finally:
            self.metrics.latency.labels(handler=name).observe(time.perf_counter() - started)

    async def update_thread(
        self,
        channel: str,
        root_ts: str,
        change: Callable[[dict[str, Any] | None], tuple[dict[str, Any] | None, T]],
        *,
        event_id: str | None = None,
        attempts: int = 8,
    ) -> tuple[dict[str, Any] | None, T] | None:
        """Apply a pure change to a thread record and commit it; None when the event was a repeat.

        `change` gets the current record (None for a thread never stored, or expired) and returns
        (new record, result); a new record of None means "nothing to write" (a button on an expired
        thread, a timer with nothing left to do). It may run more than once when another replica
        wrote the thread meanwhile, so it must be pure.
        """
        # Not in this process's cache: assume a new thread rather than read first. For a new thread
        # that saves a round trip; for one another replica wrote, the commit reports the conflict
        # with the fresh record (still two round trips, as reading first would be).
        cached = self.store.cached_thread(channel, root_ts)
        known = cached is not None
        version, record = cached if cached is not None else (0, None)
        for _ in range(attempts):
            new_record, result = change(record)
            if new_record is None:
                if known:
                    return record, result
                # "Nothing to write" on a guess is not an answer: read, then decide again.
                version, record = await self.store.load_thread(channel, root_ts)
                known = True
                continue
            commit = await self.store.commit_thread(channel, root_ts, version, new_record, event_id=event_id)
            if commit.status == "ok":
                return new_record, result
            if commit.status == "duplicate":
                self.metrics.duplicates.inc()
                return None
            version, record, known = commit.version, commit.record, True
        raise StoreUnavailable(f"thread {channel}/{root_ts} kept changing under {attempts} attempts")


def _is_store_error() -> bool:
    import sys

    from redis.exceptions import RedisError

    exc = sys.exc_info()[1]
    return isinstance(exc, (RedisError, StoreUnavailable, ConnectionError, OSError))


def build_runtime(config: Config, *, store: Store | None = None, book: Any = None) -> Runtime:
    """Create the app and register every surface; nothing talks to Slack yet (start-up's auth.test is check_slack)."""
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_QUIET_BOLT)
    metrics = Metrics()
    client = make_client(config.bot_token, config.api_url)
    auth = SlackAuth(config.bot_token)
    app = AsyncApp(
        signing_secret=config.signing_secret or "unused-in-socket-mode",
        client=client,
        # auth.test is asked once at start-up (handlers/slack_auth.py) and this hook hands Bolt the
        # cached answer, so no acknowledgement waits on the Web API.
        authorize=auth,
        raise_error_for_unhandled_request=False,
    )
    metrics.slack_auth_up.set_function(lambda: 1.0 if auth.ok else 0.0)
    runtime = Runtime(
        config=config,
        store=store or Store.connect(config.redis_url, thread_ttl_days=config.thread_ttl_days, retention_days=config.retention_days),
        gateway=SlackGateway(client, metrics, on_error=auth.saw_error),
        metrics=metrics,
        book=book if book is not None else _load_book(config),
        app=app,
        auth=auth,
    )
    app.use(_CountAndDedupe(runtime))
    runtime.loops.append(flush_loop)

    @app.error
    async def on_error(error: Exception, body: dict, logger: logging.Logger) -> None:
        runtime.metrics.errors.labels(handler=_kind(body)).inc()
        log.error("listener failed on %s: %s: %s", _kind(body), type(error).__name__, error)

    for surface in SURFACES:
        module = importlib.import_module(f"handlers.{surface}")
        module.register(app, runtime)
    return runtime


class _QuietBolt(logging.Filter):
    """Drop Bolt's start-up notes that the token "will be unused"/"ignored": the client given to Bolt
    carries it and every Web API call uses it; the notes only say Bolt does not call auth.test itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        from slack_bolt.logger import messages

        return record.getMessage() not in {messages.warning_client_prioritized_and_token_skipped(), messages.warning_token_skipped()}


_QUIET_BOLT = _QuietBolt()


async def check_slack(runtime: Runtime) -> None:
    """At start-up: auth.test once; raises SlackAuthRejected for a refused token. Unreachable: retry in the background."""
    identity = await runtime.auth.check(runtime.gateway)
    if identity is None:
        log.warning("Slack's Web API did not answer auth.test (%s): serving, not ready, asking again in the background", runtime.auth.unreachable)
        runtime.spawn(keep_checking(runtime), name="loop:slack_auth")
    else:
        log.info("authorized as %s in workspace %s", identity.bot_user_id, identity.team_id)


async def flush_loop(runtime: Runtime) -> None:
    """Write the buffered counters every second in one pipeline, keeping each message at one round trip."""
    while True:
        await asyncio.sleep(FLUSH_SECONDS)
        try:
            await runtime.store.flush()
        except Exception as exc:  # Redis away: the counts stay buffered for the next try
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from exc  # the embedded store may turn a cancel into an error
            runtime.metrics.store_errors.inc()
            log.warning("counter flush failed: %s", type(exc).__name__)


def _load_book(config: Config) -> Any:
    from phrasebook import load_phrasebook

    return load_phrasebook(config.phrasebook, language=config.language)


def _kind(body: dict) -> str:
    if body.get("type") == "event_callback":
        return f"event:{body.get('event', {}).get('type', '?')}"
    if "command" in body:
        return "command"
    return str(body.get("type") or "unknown")


class _CountAndDedupe(AsyncMiddleware):
    """Count every request; de-duplicate non-message events (message events do it in their commit).

    A middleware class rather than a function: Bolt calls it directly instead of building keyword
    arguments for it by inspection on every request.
    """

    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        runtime, body = self.runtime, req.body
        # Team, channel and event id on every log line this request causes (its listener's work
        # included: Bolt runs listeners after the middleware chain, in this task's context).
        logs.bind(body)
        kind = _kind(body)
        runtime.metrics.events.labels(kind=kind).inc()
        event = body.get("event") if body.get("type") == "event_callback" else None
        if event is not None and event.get("type") == "message":
            # Past Bolt's own filters (its own messages are dropped before this): the message
            # listener will start work, and the HTTP answer may wait for it (ACK_WAIT_SECONDS).
            req.context["work_follows"] = True
        # Message events de-duplicate inside their thread's commit (one round trip); the rest here.
        elif event is not None and body.get("event_id"):
            try:
                # Bounded: this runs before the ack, and a hung Redis must not hold Slack past 3 s.
                first = await asyncio.wait_for(runtime.store.first_delivery(str(body["event_id"])), ACK_STORE_TIMEOUT)
            except Exception:
                runtime.metrics.store_errors.inc()
                first = True  # better to risk a repeat than to drop work while Redis is away
            if not first:
                runtime.metrics.duplicates.inc()
                return BoltResponse(status=200, body="")
        return await next()

    @property
    def name(self) -> str:
        return "CountAndDedupe"
