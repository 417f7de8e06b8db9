"""Faults a production bot meets: Redis going away or hanging, Slack rate-limiting, erroring or stalling,
and retried deliveries. Each test runs the real bot against a real redis-server and the Slack stand-in,
and checks what Slack sees: fast acknowledgements, whispers that still arrive, and nothing twice."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from tests.harness import BotHandle
from tests.redis_server import RedisServer
from tests.signing import message_event, new_ts
from tests.standin import Call, SlackStandIn

SUPPORT = "C_SUPPORT"
CUSTOMER = "U_CUSTOMER"
AGENT = "U_AGENT"
ANGRY = "This is RIDICULOUS. Third time I'm asking and nobody helps, I want a refund NOW or I'm cancelling!!!"
ACK_BUDGET = 1.5  # seconds; Slack's limit is 3 s, and a loaded CI machine needs headroom


# ---- helpers shared with the replica and hostile-input tests -------------------------------------------


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def metric(url: str, name: str, **labels: str) -> float:
    """Sum of a Prometheus series (all label sets unless `labels` narrows it)."""
    total = 0.0
    for line in get(url + "/metrics")[1].splitlines():
        if line.startswith("#") or not (line.startswith(name + " ") or line.startswith(name + "{")):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def wait_until(condition: Callable[[], bool], timeout: float = 10, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(0.02)


def open_thread(bot, channel: str = SUPPORT, customer: str = CUSTOMER, agent: str = AGENT) -> str:  # noqa: ANN001
    """A customer starts a thread and an agent answers; returns the thread's root ts.

    Waits until the bot has recorded both (events are handled after the ack, so a quick next
    message could otherwise overtake them, as it can in Slack too).
    """
    root = new_ts()
    assert bot.sender.event(message_event(channel, customer, "Hi, my order 4411 has not arrived yet.", ts=root)).status == 200
    bot.settle(timeout=15)
    reply = message_event(channel, agent, "Thanks for reaching out, let me check that for you.", thread_ts=root)
    assert bot.sender.event(reply).status == 200
    bot.settle(timeout=15)
    return root


def angry(channel: str, root: str, text: str = ANGRY, customer: str = CUSTOMER) -> dict:
    return message_event(channel, customer, text, thread_ts=root)


def whispers_to(standin: SlackStandIn, user: str = AGENT, root: str | None = None) -> Callable[[Call], bool]:
    """Delivered whispers (HTTP 200, ok) to `user`, in thread `root` if given."""

    def match(call: Call) -> bool:
        delivered = call.status == 200 and isinstance(call.response, dict) and call.response.get("ok")
        return bool(delivered) and call.params["user"] == user and (root is None or call.params.get("thread_ts") == root)

    return match


def timed_event(sender, event: dict, **kwargs) -> float:  # noqa: ANN001, ANN003
    started = time.monotonic()
    answer = sender.event(event, **kwargs)
    elapsed = time.monotonic() - started
    assert 200 <= answer.status < 300, answer
    assert "Traceback" not in answer.body
    return elapsed


# ---- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, with AOF on, that the test may stop, hang or crash."""
    from tests.conftest import require_redis

    require_redis()  # a failure on CI, a skip elsewhere
    server = RedisServer(appendonly=True).start()
    yield server
    if server._proc is not None:  # a hung server must be resumed to stop cleanly
        os.kill(server._proc.pid, signal.SIGCONT)
    server.close()


# ---- Redis faults --------------------------------------------------------------------------------------


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_redis_outage_acks_fast_reports_unhealthy_counts_errors_and_recovers(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, own_redis: RedisServer, outage: str
) -> None:
    bot = make_bot(own_redis.url)
    root = open_thread(bot)
    assert get(bot.url + "/healthz")[0] == 200

    if outage == "stopped":
        own_redis.stop()
    else:  # a partition or a frozen host: connections open but nothing answers
        os.kill(own_redis._proc.pid, signal.SIGSTOP)
    try:
        # Every kind of request is still acknowledged within Slack's limit, so Slack does not retry.
        slowest = max(
            timed_event(bot.sender, angry(SUPPORT, root)),
            timed_event(bot.sender, {"type": "reaction_added", "user": AGENT, "reaction": "eyes", "item": {}}),
            timed_event(bot.sender, message_event(SUPPORT, CUSTOMER, "Anyone there?", thread_ts=root)),
        )
        assert slowest < ACK_BUDGET, f"an ack took {slowest:.2f}s while Redis was {outage}"
        status, body = get(bot.url + "/healthz")
        assert status == 503 and json.loads(body)["store"] == "down"
        wait_until(lambda: metric(bot.url, "deescalate_store_errors_total") >= 1, timeout=30, what="store errors counted")
    finally:
        if outage == "stopped":
            own_redis.start()
        else:
            os.kill(own_redis._proc.pid, signal.SIGCONT)

    # Back by itself: healthy again, and the next angry message is whispered about.
    wait_until(lambda: get(bot.url + "/healthz")[0] == 200, timeout=15, what="healthy after Redis returned")
    bot.settle(timeout=30)
    fresh = open_thread(bot)
    assert bot.sender.event(angry(SUPPORT, fresh)).status == 200
    standin.wait_for("chat.postEphemeral", timeout=10, where=whispers_to(standin, root=fresh))


def test_stored_handoff_thread_and_timer_survive_a_redis_crash(
    make_bot: Callable[..., BotHandle], own_redis: RedisServer
) -> None:
    bot = make_bot(own_redis.url)
    now = time.time()
    handoff_id, created = bot.run(
        bot.store.create_handoff(
            SUPPORT, "1700000000.000100", {"channel": SUPPORT, "root_ts": "1700000000.000100", "requested_at": str(now),
                                           "severity": "high", "issue": "refund over limit"},
            {"at": now, "who": AGENT, "what": "requested"},
        )
    )
    assert created
    record = {"channel": SUPPORT, "root_ts": "1700000000.000100", "level": "heated", "whisper_count": 2}
    assert bot.run(bot.store.commit_thread(SUPPORT, "1700000000.000100", 0, record)).status == "ok"
    bot.run(bot.store.schedule(f"sla|{handoff_id}|1", now + 3600))

    own_redis.kill()  # SIGKILL: no shutdown save; only the AOF (fsync always) brings the data back
    own_redis.start()

    def readable() -> bool:
        try:
            return bot.run(bot.store.handoff(handoff_id)) is not None
        except Exception:
            return False

    wait_until(readable, timeout=15, what="the bot's pool reconnecting")
    stored = bot.run(bot.store.handoff(handoff_id))
    assert stored["state"] == "open" and stored["issue"] == "refund over limit" and stored["severity"] == "high"
    assert [e["what"] for e in bot.run(bot.store.audit_trail(handoff_id))] == ["requested"]
    assert [h["id"] for h in bot.run(bot.store.open_handoffs())] == [handoff_id]
    bot.store._cache.clear()  # read from Redis, not from the process's cache
    version, again = bot.run(bot.store.load_thread(SUPPORT, "1700000000.000100"))
    assert version == 1 and again == record
    assert bot.run(bot.store.claim_due(now + 7200)) == [f"sla|{handoff_id}|1"]


# ---- Slack faults --------------------------------------------------------------------------------------


def test_rate_limited_whisper_arrives_later_exactly_once(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, redis_url: str
) -> None:
    bot = make_bot(redis_url)
    root = open_thread(bot)
    standin.rate_limit("chat.postEphemeral", retry_after=1, times=2)
    started = time.monotonic()
    assert timed_event(bot.sender, angry(SUPPORT, root)) < ACK_BUDGET
    delivered = standin.wait_for("chat.postEphemeral", timeout=15, where=whispers_to(standin, root=root))
    waited = delivered[0].at - started
    assert waited >= 1.5, f"Retry-After was not honoured: delivered after {waited:.2f}s"
    bot.settle(timeout=15)
    attempts = standin.calls_to("chat.postEphemeral", where=lambda c: c.params["user"] == AGENT)
    assert [c.status for c in attempts] == [429, 429, 200]
    assert len(standin.calls_to("chat.postEphemeral", where=whispers_to(standin))) == 1


def test_server_errors_are_retried_with_backoff_and_bounded(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, redis_url: str
) -> None:
    bot = make_bot(redis_url)
    # Two 5xx answers, then Slack recovers: the whisper arrives once.
    root = open_thread(bot)
    standin.server_error("chat.postEphemeral", status=503, times=2)
    assert timed_event(bot.sender, angry(SUPPORT, root)) < ACK_BUDGET
    standin.wait_for("chat.postEphemeral", timeout=15, where=whispers_to(standin, root=root))
    bot.settle(timeout=15)
    tries = standin.calls_to("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == root)
    assert [c.status for c in tries] == [503, 503, 200]
    gaps = [tries[1].at - tries[0].at, tries[2].at - tries[1].at]
    assert min(gaps) > 0.3, f"retries were not spaced out: {gaps}"  # backoff 0.5 s, then 1 s (plus jitter)

    # Slack keeps failing: a bounded number of attempts, the failure counted, and acks stay fast.
    other = open_thread(bot)
    standin.server_error("chat.postEphemeral", status=500, times=50)
    assert timed_event(bot.sender, angry(SUPPORT, other)) < ACK_BUDGET
    bot.settle(timeout=30)
    failing = standin.calls_to("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == other)
    assert 2 <= len(failing) <= 4 and all(c.status == 500 for c in failing)
    assert metric(bot.url, "deescalate_slack_errors_total", method="chat.postEphemeral") >= 1


def test_slack_timeout_never_holds_the_ack_and_a_whisper_is_not_sent_twice(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, redis_url: str
) -> None:
    bot = make_bot(redis_url)
    bot.run(_shorter_slack_timeout(bot, 1))  # the production default is 10 s; the behaviour is the same
    root, other = open_thread(bot), open_thread(bot)
    # Slack applies the whisper but answers after the client's timeout: resending it would show it twice.
    standin.delay("chat.postEphemeral", seconds=3, times=1)
    assert timed_event(bot.sender, angry(SUPPORT, root)) < ACK_BUDGET
    first = standin.wait_for("chat.postEphemeral", timeout=10, where=lambda c: c.params.get("thread_ts") == root)
    # While that attempt hangs, other threads are acknowledged and served.
    assert timed_event(bot.sender, angry(SUPPORT, other)) < ACK_BUDGET
    standin.wait_for("chat.postEphemeral", timeout=10, where=whispers_to(standin, root=other))
    standin.assert_no_call("chat.postEphemeral", within=4.0, where=lambda c: c.params.get("thread_ts") == root and c not in first)
    bot.settle(timeout=15)
    assert len(standin.calls_to("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == root)) == 1
    assert metric(bot.url, "deescalate_slack_errors_total", method="chat.postEphemeral") >= 1
    # An idempotent call that timed out is still retried (a case post's update, App Home, a permalink).
    standin.delay("chat.update", seconds=3, times=1)
    assert bot.run(bot.runtime.gateway.update(SUPPORT, root, "again")).ok
    assert len(standin.calls_to("chat.update")) == 2


async def _shorter_slack_timeout(bot: BotHandle, seconds: float) -> None:
    import aiohttp

    client = bot.runtime.gateway.client
    client.timeout = seconds
    if client.session is not None:
        await client.session.close()
    client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=seconds))


def test_event_retried_after_a_slow_ack_is_processed_once(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, redis_url: str
) -> None:
    bot = make_bot(redis_url)
    root = open_thread(bot)
    event = angry(SUPPORT, root)
    # Slack's retry can overlap the first delivery's work, or come after it; both must be absorbed.
    request = bot.sender.event_request(event, event_id="EvSLOWACK1")
    retry = bot.sender.event_request(event, event_id="EvSLOWACK1", retry_num=1, retry_reason="http_timeout")
    answers: list[int] = []
    senders = [threading.Thread(target=lambda r=r: answers.append(bot.sender.send(r).status)) for r in (request, retry)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(10)
    late = bot.sender.event(event, event_id="EvSLOWACK1", retry_num=2, retry_reason="http_timeout")
    assert answers == [200, 200] and late.status == 200
    standin.wait_for("chat.postEphemeral", timeout=10, where=whispers_to(standin, root=root))
    bot.settle(timeout=10)
    assert len(standin.calls_to("chat.postEphemeral", where=whispers_to(standin, root=root))) == 1
    assert metric(bot.url, "deescalate_duplicate_events_total") == 2


# ---- the bot process dies ------------------------------------------------------------------------------


def test_killed_bot_restarts_with_threads_handoffs_and_sla_timers_intact(standin: SlackStandIn, redis_url: str) -> None:
    from tests.harness import SUPERVISOR_CHANNEL, ServeProcess, bot_env
    from tests.test_replicas import _on_store, _open_handoff, _wait_version

    env = bot_env(standin, redis_url)
    first = ServeProcess(env)
    try:
        root = new_ts()
        first.sender.event(message_event(SUPPORT, CUSTOMER, "My order 4411 has not arrived yet.", ts=root))
        _wait_version(redis_url, SUPPORT, root, 1)
        first.sender.event(message_event(SUPPORT, AGENT, "Checking that for you now.", thread_ts=root))
        _wait_version(redis_url, SUPPORT, root, 2)
        handoff_id = _open_handoff(redis_url, due=time.time() + 2)  # SLA runs out while the bot is down
    finally:
        first.kill()  # SIGKILL: no clean shutdown

    second = ServeProcess(env)
    try:
        # The SLA timer stored before the crash fires from the new process, once.
        reposts = standin.wait_for("chat.postMessage", timeout=15, where=lambda c: c.params["channel"] == SUPERVISOR_CHANNEL)
        # the repost is sent first and recorded just after: wait for the record, don't race it
        deadline = time.time() + 10
        while _on_store(redis_url, lambda s: s.handoff(handoff_id)).get("renotified") != "1" and time.time() < deadline:
            time.sleep(0.05)
        assert _on_store(redis_url, lambda s: s.handoff(handoff_id))["renotified"] == "1"
        # The thread goes on where it was: the agent recorded before the crash gets the whisper.
        second.sender.event(angry(SUPPORT, root))
        standin.wait_for("chat.postEphemeral", timeout=15, where=whispers_to(standin, root=root))
        _wait_version(redis_url, SUPPORT, root, 3)
        assert len(standin.calls_to("chat.postMessage", where=lambda c: c.params["channel"] == SUPERVISOR_CHANNEL)) == len(reposts) == 1
    finally:
        second.stop()
    assert "Traceback" not in second.log
