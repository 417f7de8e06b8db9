"""Two `deescalate serve` processes on one Redis, with signed traffic spread across them as a load balancer
would (and Slack's retries landing on the other one): one whisper per angry message, one accept winner,
and each SLA timer fires once."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator

import pytest

from bot import ids
from shell.store import Store
from tests.support.harness import SUPERVISOR, SUPERVISOR_2, SUPERVISOR_CHANNEL, ServeProcess, bot_env
from tests.support.signing import message_event, new_ts
from tests.support.standin import SlackStandIn
from tests.e2e.test_faults import AGENT, ANGRY, CUSTOMER, SUPPORT, whispers_to

THREADS = 6


@pytest.fixture
def replicas(standin: SlackStandIn, redis_url: str) -> Iterator[list[ServeProcess]]:
    env = bot_env(standin, redis_url)
    started: list[ServeProcess] = []
    try:
        for _ in range(2):
            started.append(ServeProcess(env))
        yield started
    finally:
        for process in started:
            process.stop()
        for process in started:
            assert "Traceback" not in process.log, process.log


def _on_store(redis_url: str, work):  # noqa: ANN001, ANN202
    """Run `work(store)` against the shared Redis from the test, as another client would."""

    async def run():  # noqa: ANN202
        store = Store.connect(redis_url)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def _wait_version(redis_url: str, channel: str, root: str, version: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while _on_store(redis_url, lambda s: s.load_thread(channel, root))[0] < version:
        assert time.monotonic() < deadline, f"thread {root} never reached version {version}"
        time.sleep(0.02)


def test_spread_traffic_whispers_once_per_angry_message(
    replicas: list[ServeProcess], standin: SlackStandIn, redis_url: str
) -> None:
    a, b = replicas
    roots = [new_ts() for _ in range(THREADS)]
    for n, root in enumerate(roots):
        first, second = (a, b) if n % 2 == 0 else (b, a)
        assert first.sender.event(message_event(SUPPORT, CUSTOMER, "Where is my parcel? Order 88.", ts=root)).status == 200
        _wait_version(redis_url, SUPPORT, root, 1)
        reply = message_event(SUPPORT, AGENT, "Let me look into it right away.", thread_ts=root)
        assert second.sender.event(reply).status == 200
        _wait_version(redis_url, SUPPORT, root, 2)

    # Each angry message goes to one replica; Slack's retry of it (same event_id) to the other,
    # at the same moment, as happens when the first ack was slow.
    def deliver(n: int, root: str) -> None:
        first, second = (a, b) if n % 2 == 0 else (b, a)
        event = message_event(SUPPORT, CUSTOMER, ANGRY, thread_ts=root)
        request = first.sender.event_request(event, event_id=f"EvREPLICA{n}")
        retry = second.sender.event_request(event, event_id=f"EvREPLICA{n}", retry_num=1)
        senders = [threading.Thread(target=first.sender.send, args=(request,)), threading.Thread(target=second.sender.send, args=(retry,))]
        for t in senders:
            t.start()
        for t in senders:
            t.join(10)

    for n, root in enumerate(roots):
        deliver(n, root)
    delivered = standin.wait_for("chat.postEphemeral", count=THREADS, timeout=20, where=whispers_to(standin))
    standin.assert_no_call("chat.postEphemeral", within=1.0, where=lambda c: c not in delivered and whispers_to(standin)(c))
    per_thread = {root: len(standin.calls_to("chat.postEphemeral", where=whispers_to(standin, root=root))) for root in roots}
    assert per_thread == {root: 1 for root in roots}


def _open_handoff(redis_url: str, due: float | None = None) -> str:
    now = time.time()
    root = new_ts()
    fields = {
        "channel": SUPPORT, "root_ts": root, "customer": CUSTOMER, "agent": AGENT, "requested_by": AGENT,
        "requested_at": str(now), "severity": "high", "issue": "Refund above the agent's limit",
        "post_channel": SUPERVISOR_CHANNEL,
    }  # fmt: skip

    async def work(store: Store) -> str:
        handoff_id, created = await store.create_handoff(SUPPORT, root, fields, {"at": now, "who": AGENT, "what": "requested"})
        assert created
        if due is not None:
            await store.schedule(f"sla|{handoff_id}|1", due)
        return handoff_id

    return _on_store(redis_url, work)


def test_two_supervisors_accepting_on_two_replicas_one_wins(
    replicas: list[ServeProcess], standin: SlackStandIn, redis_url: str
) -> None:
    a, b = replicas
    handoff_id = _open_handoff(redis_url)
    clicks = [
        (a, a.sender.block_action_request(ids.HANDOFF_ACCEPT, handoff_id, user_id=SUPERVISOR, channel_id=SUPERVISOR_CHANNEL)),
        (b, b.sender.block_action_request(ids.HANDOFF_ACCEPT, handoff_id, user_id=SUPERVISOR_2, channel_id=SUPERVISOR_CHANNEL)),
    ]
    statuses: list[int] = []
    senders = [threading.Thread(target=lambda p=p, r=r: statuses.append(p.sender.send(r).status)) for p, r in clicks]
    for t in senders:
        t.start()
    for t in senders:
        t.join(10)
    assert statuses == [200, 200]

    def accepted() -> dict | None:
        stored = _on_store(redis_url, lambda s: s.handoff(handoff_id))
        return stored if stored and stored.get("state") == "accepted" else None

    deadline = time.monotonic() + 15
    while not accepted():
        assert time.monotonic() < deadline, "nobody won the handoff"
        time.sleep(0.05)
    time.sleep(0.5)  # let the loser's attempt finish too
    stored = accepted()
    assert stored is not None and stored["accepted_by"] in {SUPERVISOR, SUPERVISOR_2}
    trail = _on_store(redis_url, lambda s: s.audit_trail(handoff_id))
    assert [e.get("what") or e.get("action") for e in trail].count("accepted") == 1, json.dumps(trail)


def test_sla_timer_fires_once_across_replicas(replicas: list[ServeProcess], standin: SlackStandIn, redis_url: str) -> None:
    handoff_id = _open_handoff(redis_url, due=time.time() - 1)  # overdue: both replicas see it on their next poll
    reposts = standin.wait_for(
        "chat.postMessage", timeout=15, where=lambda c: c.params["channel"] == SUPERVISOR_CHANNEL
    )
    standin.assert_no_call(
        "chat.postMessage", within=1.5, where=lambda c: c.params["channel"] == SUPERVISOR_CHANNEL and c not in reposts
    )
    assert len(reposts) == 1
    trail = _on_store(redis_url, lambda s: s.audit_trail(handoff_id))
    assert [e.get("what") or e.get("action") for e in trail].count("renotified") == 1, json.dumps(trail)
    assert _on_store(redis_url, lambda s: s.claim_due(time.time() + 1)) == []
