"""The framework's floor: the least a Bolt bot can do per message, served the same way deescalate is.

Bolt AsyncApp behind aiohttp on the same signed endpoint; per message event one Redis pipeline
(de-duplicate the event id, count the message, remember the thread) and, when the message looks
angry, one `chat.postEphemeral` to the agent in the thread. No detector, no phrasebook, no record.

    REDIS_URL=… SLACK_API_URL=… SLACK_SIGNING_SECRET=… PORT=… python bench/reference_bot.py
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re

from aiohttp import web
from redis.asyncio import Redis
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from slack_bolt.adapter.aiohttp import to_aiohttp_response

AGENT = os.environ.get("REFERENCE_AGENT", "U_AGENT")
ACK_WAIT_SECONDS = 0.25  # the same acknowledgement policy as deescalate (shell/app.py)
WORK_STARTED: contextvars.ContextVar[asyncio.Future | None] = contextvars.ContextVar("work_started", default=None)
ANGRY = re.compile(r"!!|\b[A-Z]{4,}\b|refund|ridiculous|scam", re.IGNORECASE)


def build() -> web.Application:
    redis = Redis.from_url(os.environ["REDIS_URL"], decode_responses=True, max_connections=64)
    client = AsyncWebClient(token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-reference"), base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client, raise_error_for_unhandled_request=False)
    background: set[asyncio.Task] = set()

    async def handle(body: dict) -> None:
        event = body["event"]
        root = event.get("thread_ts") or event["ts"]
        async with redis.pipeline(transaction=False) as pipe:
            pipe.set(f"ref:ev:{body.get('event_id')}", "1", nx=True, ex=3600)
            pipe.hincrby(f"ref:{{{event['channel']}:{root}}}", "messages", 1)
            pipe.expire(f"ref:{{{event['channel']}:{root}}}", 14 * 86400)
            first, _, _ = await pipe.execute()
        if first and event.get("user") != AGENT and event.get("thread_ts") and ANGRY.search(event.get("text", "")):
            await client.chat_postEphemeral(channel=event["channel"], user=AGENT, thread_ts=root, text="Try: I hear you.")

    @app.event("message")
    async def on_message(body: dict) -> None:
        # Same shape as deescalate: the work runs as a tracked task; the HTTP answer waits for it
        # (ACK_WAIT_SECONDS at most).
        task = asyncio.ensure_future(handle(body))
        background.add(task)
        task.add_done_callback(background.discard)
        started = WORK_STARTED.get()
        if started is not None and not started.done():
            started.set_result(task)

    async def events(request: web.Request) -> web.Response:
        raw = (await request.read()).decode()
        started = asyncio.get_running_loop().create_future()
        token = WORK_STARTED.set(started)
        try:
            response = await app.async_dispatch(AsyncBoltRequest(body=raw, query=request.query_string, headers=dict(request.headers)))
        finally:
            WORK_STARTED.reset(token)
        if response.status == 200:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + ACK_WAIT_SECONDS
            done, _ = await asyncio.wait({started}, timeout=ACK_WAIT_SECONDS)
            if done and not started.cancelled() and deadline > loop.time():
                await asyncio.wait({started.result()}, timeout=deadline - loop.time())
        started.cancel()
        return await to_aiohttp_response(response)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": bool(await redis.ping())})

    async def keep_session(_: web.Application) -> None:
        # One kept HTTP session to Slack, as deescalate keeps one (slack_sdk opens one per call otherwise).
        import aiohttp

        client.session = aiohttp.ClientSession()

    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.on_startup.append(keep_session)
    web_app.add_routes([web.post("/slack/events", events), web.get("/healthz", healthz)])
    return web_app


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    web.run_app(build(), host="127.0.0.1", port=int(os.environ["PORT"]), access_log=None, print=None)
