"""The HTTP face of the bot: POST /slack/events (Bolt), GET /livez, /readyz (= /healthz), /metrics; and Socket Mode."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from contextlib import suppress

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from handlers import logs
from handlers.app import ACK_WAIT_SECONDS, WORK_STARTED, Runtime, check_slack
from handlers.slack_auth import SlackAuthRejected

log = logging.getLogger("deescalate.server")

FAILED_COMMAND = "Sorry, that didn't work on my side. It has been logged; please try again in a moment."
RUNTIME = web.AppKey("runtime", Runtime)
HEALTH_PING_TIMEOUT = 1.0
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused with 413


def make_web_app(runtime: Runtime) -> web.Application:
    web_app = web.Application(client_max_size=MAX_BODY)
    web_app[RUNTIME] = runtime
    web_app.add_routes(
        [
            web.post("/slack/events", _slack_events),
            web.get("/livez", _livez),
            web.get("/readyz", _readyz),
            web.get("/healthz", _readyz),  # the readiness check under its old name, for existing deployments
            web.get("/metrics", _metrics),
        ]
    )
    web_app.on_startup.append(_start_loops)
    web_app.on_cleanup.append(_stop)
    return web_app


async def _slack_events(request: web.Request) -> web.Response:
    runtime: Runtime = request.app[RUNTIME]
    try:
        raw = await request.read()
        body = raw.decode("utf-8")
    except web.HTTPRequestEntityTooLarge:
        return _refuse(413, "request body too large")
    except UnicodeDecodeError:
        return _refuse(400, "request body is not UTF-8")
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    if not timestamp.isdigit() or not request.headers.get("X-Slack-Signature"):
        return _refuse(401, "missing or malformed Slack signature headers")
    started = asyncio.get_running_loop().create_future()
    token = WORK_STARTED.set(started)  # the listener's task inherits it (see Runtime.spawn_for_ack)
    fields = logs.REQUEST.set(None)  # set by the app's middleware; not carried to the connection's next request
    try:
        bolt_request = await _bolt_request(request, body)
        response = await runtime.app.async_dispatch(bolt_request)
    except Exception as exc:  # a malformed payload must never become a 500 with a traceback
        runtime.metrics.errors.labels(handler="dispatch").inc()
        log.warning("refused a malformed request: %s", type(exc).__name__)
        return _refuse(400, "malformed request")
    finally:
        WORK_STARTED.reset(token)
        logs.REQUEST.reset(fields)
    if response.status == 200 and bolt_request.context.get("work_follows"):
        await _until_done(started, ACK_WAIT_SECONDS)
    started.cancel()
    return await to_aiohttp_response(_acknowledged(response, bolt_request.body))


async def _until_done(started: asyncio.Future, limit: float) -> None:
    """Wait for the work the listener started, `limit` seconds at most in all; the work itself goes on."""
    if started.done():
        # The usual case: the listener spawned its work during dispatch; one wait, not two.
        if not started.cancelled():
            await asyncio.wait({started.result()}, timeout=limit)
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    done, _ = await asyncio.wait({started}, timeout=limit)
    if not done or started.cancelled():
        return  # no listener took it (filtered out before it ran), or it has not started in time
    left = deadline - loop.time()
    if left > 0:
        await asyncio.wait({started.result()}, timeout=left)


def _acknowledged(response: BoltResponse, body: dict) -> BoltResponse:
    """What Slack gets back: always an acknowledgement, over HTTP and over Socket Mode alike."""
    if response.status == 404:
        # No listener for this event or action type: ignore it quietly. A 404 would make Slack
        # retry the event three times and show the person an error for an unknown button.
        return BoltResponse(status=200, body="")
    if response.status >= 500:
        # Bolt answers 500 when a listener failed before acknowledging. Slack would retry an event
        # and run the same failure again, so acknowledge (the error is counted in /metrics); a
        # person who ran a command gets a short private apology instead of Slack's generic error.
        if "command" in body:
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": FAILED_COMMAND})
        return BoltResponse(status=200, body="")
    return response


async def _bolt_request(request: web.Request, body: str) -> AsyncBoltRequest:
    # Bolt parses by content type; refuse what Slack never sends before Bolt guesses at it.
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in {"application/json", "application/x-www-form-urlencoded"}:
        raise ValueError(f"unsupported content type {content_type!r}")
    if content_type == "application/json" and not body.startswith("{"):
        # Bolt parses a body starting with "{" as JSON itself (and raises on a broken one, a 400
        # here); anything else labelled JSON would be read as a form, so refuse it now.
        json.loads(body)
    return AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))


def _refuse(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


async def _livez(request: web.Request) -> web.Response:
    """Liveness: the process answers. Restart on failure; Redis or Slack being away is not a reason to."""
    return web.json_response({"ok": True})


async def _readyz(request: web.Request) -> web.Response:
    """Readiness: started, Redis answers, and Slack accepted the token (and has refused it on no call since)."""
    runtime: Runtime = request.app[RUNTIME]
    store_up = await _ping_store(runtime)
    slack = runtime.auth.state
    ready = runtime.ready and store_up and slack == "ok"
    payload = {
        "ok": ready,
        "ready": runtime.ready,
        "store": "up" if store_up else "down",
        "slack": slack,
        "persistent": runtime.store.persistent,
        "mode": "socket" if runtime.config.socket_mode else "http",
    }
    return web.json_response(payload, status=200 if ready else 503)


async def _ping_store(runtime: Runtime) -> bool:
    try:
        # Short: a load balancer's probe must get an answer even when Redis hangs instead of refusing.
        store_up = bool(await asyncio.wait_for(runtime.store.ping(), timeout=HEALTH_PING_TIMEOUT))
    except (asyncio.TimeoutError, OSError):
        store_up = False
    runtime.metrics.store_up.set(1 if store_up else 0)
    return store_up


async def _metrics(request: web.Request) -> web.Response:
    runtime: Runtime = request.app[RUNTIME]
    body, content_type = runtime.metrics.render()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def _start_loops(web_app: web.Application) -> None:
    runtime: Runtime = web_app[RUNTIME]
    client = runtime.gateway.client
    if client.session is None:
        # slack_sdk opens a new HTTP session (and TCP connection) per call unless given one to keep;
        # a shared one reuses connections to Slack. Created here, inside the running loop.
        # slack_sdk applies its timeout only to sessions it makes itself, so the kept one carries it.
        client.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64, keepalive_timeout=30),
            timeout=aiohttp.ClientTimeout(total=client.timeout),
        )
    # A token Slack refuses stops start-up here (SlackAuthRejected), before the port is bound.
    await check_slack(runtime)
    await _ping_store(runtime)  # so deescalate_store_up is right before the first probe
    for loop in runtime.loops:
        runtime.spawn(loop(runtime), name=f"loop:{getattr(loop, '__name__', 'loop')}")
    runtime.ready = True


async def _stop(web_app: web.Application) -> None:
    runtime: Runtime = web_app[RUNTIME]
    runtime.ready = False
    tasks = list(runtime.background)
    for task in tasks:
        task.cancel()
    if tasks:
        # Bounded: a task stuck inside a client library (seen with the embedded store) must not
        # hold the process open; whatever has not finished in 2 s is abandoned.
        await asyncio.wait(tasks, timeout=2)
    await runtime.store.close()
    if runtime.gateway.client.session is not None:
        await runtime.gateway.client.session.close()


async def start(runtime: Runtime, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start serving; returns the runner and the port actually bound (port 0 picks a free one)."""
    runner = web.AppRunner(make_web_app(runtime), access_log=None)
    try:
        await runner.setup()
    except SlackAuthRejected:
        await runner.cleanup()  # close the store and the Slack session before the caller exits
        raise
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return runner, bound


def _socket_mode_handler(runtime: Runtime):  # noqa: ANN202 - Bolt's handler class is imported lazily
    """Bolt's Socket Mode handler, acknowledging every envelope the way the HTTP endpoint does.

    Bolt leaves an envelope unacknowledged when no listener matched (404) or a listener failed
    (500); Slack would then redeliver it again and again. Here those are acknowledged too.
    """
    from time import time

    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response

    class AcknowledgingHandler(AsyncSocketModeHandler):
        async def handle(self, client, req) -> None:  # noqa: ANN001
            start = time()
            try:
                response = await run_async_bolt_app(self.app, req)
            except Exception as exc:  # a malformed envelope must not leave Slack redelivering it
                runtime.metrics.errors.labels(handler="dispatch").inc()
                log.warning("refused a malformed Socket Mode envelope: %s", type(exc).__name__)
                response = BoltResponse(status=200, body="")
            body = req.payload if isinstance(req.payload, dict) else {}
            await send_async_response(client, req, _acknowledged(response, body), start)

    return AcknowledgingHandler(runtime.app, runtime.config.app_token, web_client=runtime.gateway.client)


async def serve_forever(runtime: Runtime) -> None:
    """`deescalate serve`: HTTP on $PORT, plus a Socket Mode connection when SLACK_APP_TOKEN is set."""
    config = runtime.config
    runner, port = await start(runtime, config.host, config.port)
    socket_handler = None
    if config.socket_mode:
        socket_handler = _socket_mode_handler(runtime)
        await socket_handler.connect_async()
        log.info("connected to Slack in Socket Mode; /healthz and /metrics on port %s", port)
    else:
        log.info("listening for Slack on http://%s:%s/slack/events", config.host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        if socket_handler is not None:
            await socket_handler.close_async()
        await runner.cleanup()
