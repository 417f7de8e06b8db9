"""Issue 15, items 3 and 4: one live handoff per thread across replicas, and a store that does not answer is
never a silent loss (the request form says so; a failed Accept tells the clicker)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot import ids
from shell.store import Store
from tests.support.harness import SUPERVISOR, SUPERVISOR_2, SUPERVISOR_CHANNEL, BotHandle
from tests.support.redis_server import RedisServer
from tests.support.standin import SlackStandIn
from tests.e2e.test_faults import own_redis  # noqa: F401 - fixture
from tests.e2e.test_replicas import _on_store, replicas  # noqa: F401 - fixture
from tests.e2e.test_security import SUPPORT, _request_values, _thread_with_agent, AGENT
from tests.e2e.test_handoff_flow import is_case
from tests.support.signing import new_ts

TRIALS = 50


def _closed_handoff(store: Store, root: str):  # noqa: ANN202
    async def work() -> None:
        now = time.time()
        fields = {"channel": SUPPORT, "root_ts": root, "requested_at": str(now), "issue": "earlier case", "severity": "low"}
        handoff_id, created = await store.create_handoff(SUPPORT, root, fields, {"what": "opened"})
        assert created
        moved = await store.transition(handoff_id, ["open"], "declined", {}, {"what": "declined"})
        assert moved.status == "ok"

    return work()


def test_simultaneous_requests_on_two_replicas_make_one_handoff_and_one_post(
    replicas: list, standin: SlackStandIn, redis_url: str  # noqa: F811
) -> None:
    a, b = replicas
    roots = [new_ts() for _ in range(TRIALS)]

    async def prepare(store: Store) -> None:
        for n, root in enumerate(roots):
            if n % 2 == 0:  # half the threads had a handoff before, now closed: the replace path
                await _closed_handoff(store, root)

    _on_store(redis_url, prepare)
    for root in roots:
        requests = [
            (a, a.sender.view_submission_request(ids.HANDOFF_MODAL, _request_values(), user_id=SUPERVISOR, private_metadata=f"{SUPPORT}|{root}|{SUPERVISOR}")),
            (b, b.sender.view_submission_request(ids.HANDOFF_MODAL, _request_values(), user_id=SUPERVISOR_2, private_metadata=f"{SUPPORT}|{root}|{SUPERVISOR_2}")),
        ]
        statuses: list[int] = []
        senders = [threading.Thread(target=lambda p=p, r=r: statuses.append(p.sender.send(r).status)) for p, r in requests]
        for t in senders:
            t.start()
        for t in senders:
            t.join(10)
        assert statuses == [200, 200]

    async def live(store: Store) -> dict[str, int]:
        rows = await store.open_handoffs(limit=10 * TRIALS)
        return {root: sum(1 for h in rows if h.get("root_ts") == root and h.get("state") == "open") for root in roots}

    assert _on_store(redis_url, live) == {root: 1 for root in roots}
    posts = standin.wait_for("chat.postMessage", count=TRIALS, timeout=30, where=is_case)
    standin.assert_no_call("chat.postMessage", within=1.0, where=lambda c: is_case(c) and c not in posts)
    per_root = {root: sum(1 for c in posts if root.replace(".", "") in str(c.params)) for root in roots}
    assert per_root == {root: 1 for root in roots}


def test_a_request_submitted_while_redis_is_down_is_a_form_error_not_a_silent_close(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, own_redis: RedisServer  # noqa: F811
) -> None:
    bot = make_bot(own_redis.url)
    root = _thread_with_agent(bot)
    own_redis.stop()
    try:
        started = time.monotonic()
        answer = bot.sender.view_submission(ids.HANDOFF_MODAL, _request_values(), user_id=AGENT, private_metadata=f"{SUPPORT}|{root}|{AGENT}")
        assert time.monotonic() - started < 3.0  # Slack's limit for a view_submission answer
        assert answer.status == 200 and answer.json().get("response_action") == "errors", answer.body
        assert "could not save" in answer.json()["errors"]["issue"]
    finally:
        own_redis.start()
    standin.assert_no_call("chat.postMessage", within=0.5, where=is_case)
    # Back up: submitting again works.
    deadline = time.monotonic() + 15
    while True:
        answer = bot.sender.view_submission(ids.HANDOFF_MODAL, _request_values(), user_id=AGENT, private_metadata=f"{SUPPORT}|{root}|{AGENT}")
        if answer.body in ("", "{}") or answer.status == 200 and not answer.body.strip():
            break
        assert time.monotonic() < deadline, answer.body
        time.sleep(0.2)
    standin.wait_for("chat.postMessage", where=is_case, timeout=10)


def _open_handoff_then_stop_redis(make_bot: Callable[..., BotHandle], own_redis: RedisServer) -> tuple[BotHandle, str]:
    """A bot with one open handoff in the store, and then the store gone."""
    bot = make_bot(own_redis.url)
    fields = {"channel": SUPPORT, "root_ts": "1700000000.000100", "requested_at": str(time.time()), "issue": "refund", "severity": "high"}
    handoff_id, _ = bot.run(bot.store.create_handoff(SUPPORT, "1700000000.000100", fields, {"what": "opened"}))
    own_redis.stop()
    return bot, handoff_id


def test_an_accept_clicked_while_redis_is_down_tells_the_supervisor(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, own_redis: RedisServer  # noqa: F811
) -> None:
    bot, handoff_id = _open_handoff_then_stop_redis(make_bot, own_redis)
    try:
        bot.sender.block_action(ids.HANDOFF_ACCEPT, handoff_id, user_id=SUPERVISOR, channel_id=SUPERVISOR_CHANNEL, message={"ts": "1.1"})
        told = standin.wait_for("chat.postEphemeral", timeout=10, where=lambda c: c.params["user"] == SUPERVISOR)[0]
        assert "couldn't save your accept" in told.params["text"]
    finally:
        own_redis.start()


def test_supervisor_steps_while_redis_is_down_say_so_instead_of_failing_silently(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, own_redis: RedisServer  # noqa: F811
) -> None:
    bot, handoff_id = _open_handoff_then_stop_redis(make_bot, own_redis)
    try:
        # The Decline button (its modal needs the handoff) and a Decline submission (its transition).
        bot.sender.block_action(ids.HANDOFF_DECLINE, handoff_id, user_id=SUPERVISOR, channel_id=SUPERVISOR_CHANNEL, message={"ts": "1.1"})
        told = standin.wait_for("chat.postEphemeral", timeout=10, where=lambda c: c.params["user"] == SUPERVISOR)[0]
        assert "couldn't save your decline" in told.params["text"]
        reason = {"reason": {"value": {"type": "plain_text_input", "value": "Not a supervisor matter"}}}
        answer = bot.sender.view_submission(ids.DECLINE_MODAL, reason, user_id=SUPERVISOR, private_metadata=handoff_id)
        assert answer.status == 200 and "could not save" in answer.json()["errors"]["reason"], answer.body
    finally:
        own_redis.start()


def test_a_request_submitted_while_redis_hangs_is_answered_in_time_and_announced_once_it_saves(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, own_redis: RedisServer  # noqa: F811
) -> None:
    import os
    import signal

    bot = make_bot(own_redis.url)
    root = _thread_with_agent(bot)
    os.kill(own_redis._proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = bot.sender.view_submission(ids.HANDOFF_MODAL, _request_values(), user_id=AGENT, private_metadata=f"{SUPPORT}|{root}|{AGENT}")
        assert time.monotonic() - started < 3.0
        assert answer.json().get("response_action") == "errors" and "slow to answer" in answer.json()["errors"]["issue"]
    finally:
        os.kill(own_redis._proc.pid, signal.SIGCONT)
    # The save went through once Redis woke up: the case is posted and the agent told, not lost half-way.
    standin.wait_for("chat.postMessage", where=is_case, timeout=15)
    told = standin.wait_for("chat.postEphemeral", timeout=10, where=lambda c: c.params["user"] == AGENT and "Handoff sent" in c.params["text"])
    assert told
    bot.settle(timeout=15)
    live = bot.run(bot.store.open_handoffs())
    assert [h["root_ts"] for h in live] == [root]
