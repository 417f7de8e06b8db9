"""Data deletion: `deescalate forget` and a supervisor's `/deescalate forget` remove thread records, handoff
text and quoted audit lines from a real Redis, keep the anonymous counts, and log the deletion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import ids
from bot.store import ForgetScope, forget_log
from tests.harness import SUPERVISOR, BotHandle
from tests.signing import message_event, new_ts
from tests.test_handoff_flow import AGENT, SUPPORT, click, open_modal, submit, is_case

ROOT = Path(__file__).resolve().parent.parent
SECRET_WORD = "Quokkaberry"  # in every customer line, so any copy left anywhere in Redis is found
DECLINE_WORD = "Wombatfinch"  # in the supervisor's decline reason (an audit entry quotes it)
CUSTOMER, OTHER = "UFORGETME", "UKEEPME"


def customer_thread(bot: BotHandle, customer: str, channel: str = SUPPORT) -> str:
    """A tense thread of `customer` with an agent reply; returns its root ts once the record shows it."""
    root = new_ts()
    lines = [f"My {SECRET_WORD} refund still hasn't arrived after three weeks.",
             f"This is the THIRD time I'm asking about my {SECRET_WORD} order!!! Nobody answers."]
    bot.sender.event(message_event(channel, customer, lines[0], ts=root))
    wait_record(bot, channel, root, lambda r: len(r.get("lines", [])) == 1)
    bot.sender.event(message_event(channel, AGENT, "I'm sorry, let me look into it.", thread_ts=root))
    wait_record(bot, channel, root, lambda r: AGENT in r.get("agents", []))
    bot.sender.event(message_event(channel, customer, lines[1], thread_ts=root))
    wait_record(bot, channel, root, lambda r: len(r.get("lines", [])) == 2)
    bot.settle()
    return root


def wait_record(bot: BotHandle, channel: str, root: str, landed) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 5
    while not landed(bot.run(bot.store.load_thread(channel, root))[1] or {}):
        assert time.monotonic() < deadline, "the thread record never showed the message"
        time.sleep(0.01)


def declined_handoff(bot: BotHandle, standin, root: str) -> str:  # noqa: ANN001
    """Agent hands the thread off, a supervisor declines it with a reason; returns the handoff id."""
    view = open_modal(bot, standin, root)
    posts = len(standin.calls_to("chat.postMessage", where=is_case))
    assert submit(bot, view).status == 200
    standin.wait_for("chat.postMessage", count=posts + 1, where=is_case)
    bot.settle()
    handoff_id = bot.run(bot.store.thread_handoff(SUPPORT, root))
    click(bot, ids.HANDOFF_DECLINE, handoff_id, SUPERVISOR)
    modal = standin.wait_for("views.open", where=lambda c: c.params["view"]["callback_id"] == ids.DECLINE_MODAL)[-1]
    done = bot.sender.view_submission(ids.DECLINE_MODAL, {"reason": {"value": f"Ask {SECRET_WORD} billing, {DECLINE_WORD}"}},
                                      user_id=SUPERVISOR, private_metadata=modal.params["view"]["private_metadata"])
    assert done.status == 200
    bot.settle()
    assert any(e.get("reason") for e in bot.run(bot.store.audit_trail(handoff_id)))
    return handoff_id


def everything_in(redis_server) -> str:  # noqa: ANN001
    """Every key and value in the Redis, as one string (to look for customer text anywhere)."""
    client = redis_server.client(decode_responses=True)
    parts = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        value = {"string": client.get, "hash": client.hgetall, "list": lambda k: client.lrange(k, 0, -1),
                 "zset": lambda k: client.zrange(k, 0, -1), "set": client.smembers}[kind](key)
        parts.append(f"{key}={value}")
    return "\n".join(parts)


def forget_cli(*args: str, redis_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run([sys.executable, "-m", "handlers.cli", "forget", *args], env=env, cwd=ROOT / "tests",
                          capture_output=True, text=True, timeout=60)


def test_forget_a_user_through_the_cli_on_real_redis(make_bot, standin, redis_url, redis_server) -> None:  # noqa: ANN001
    bot = make_bot(redis_url)
    root = customer_thread(bot, CUSTOMER)
    handoff_id = declined_handoff(bot, standin, root)
    kept_root = customer_thread(bot, OTHER)
    bot.run(bot.store.flush())
    before = everything_in(redis_server)
    assert SECRET_WORD in before and DECLINE_WORD in before
    counters_before = bot.run(bot.store.daily_counters(2))

    done = forget_cli("--user", CUSTOMER, "--by", "dpo@acme", redis_url=redis_url)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Forgot user {CUSTOMER}: 1 thread record deleted, text removed from 1 handoff")
    assert "1 audit quote removed" in done.stdout
    client = redis_server.client(decode_responses=True)
    assert not client.exists(f"dx:{{t:{SUPPORT}:{root}}}:rec")
    assert client.exists(f"dx:{{t:{SUPPORT}:{kept_root}}}:rec")  # another customer's thread stays
    after = everything_in(redis_server)
    assert DECLINE_WORD not in after and CUSTOMER not in after.replace(f"target\": \"{CUSTOMER}", "")
    quoting = [line.split("=", 1)[0] for line in after.splitlines() if SECRET_WORD in line]
    assert quoting == [f"dx:{{t:{SUPPORT}:{kept_root}}}:rec"]  # only the other customer's record still quotes it
    # the handoff stays countable: state, severity and times, without its text
    handoff = bot.run(bot.store.handoff(handoff_id))
    assert handoff["state"] == "declined" and handoff["requested_at"] and handoff["severity"]
    assert not {"issue", "wanted", "steps", "note", "triggers", "decline_reason", "customer"} & handoff.keys()
    trail = bot.run(bot.store.audit_trail(handoff_id))
    assert [e["what"] for e in trail] == ["opened", "declined"] and trail[1]["forgotten"] is True
    assert bot.run(bot.store.daily_counters(2)) == counters_before
    log = bot.run(forget_log(bot.store))
    assert log[-1] == {"at": log[-1]["at"], "who": "cli:dpo@acme", "what": "forget", "scope": "user", "target": CUSTOMER,
                       "threads": 1, "handoffs": 1, "audit_entries": 1}
    # the bot, whose cache held the record, neither prefills a new handoff from it nor shows the thread
    # (the record named the thread's agents, so after forget only a supervisor may open a handoff on it)
    assert SECRET_WORD not in json.dumps(open_modal(bot, standin, root, user=SUPERVISOR))
    status = bot.sender.command(f"status https://x.slack.com/archives/{SUPPORT}/p{root.replace('.', '')}", user_id=SUPERVISOR,
                                response_url=standin.response_url("status"))
    assert status.status == 200
    assert "no record of that thread" in json.dumps(standin.wait_for("response_url", where=lambda c: c.tag == "status")[-1].params)


def test_a_supervisor_forgets_a_thread_with_the_slash_command(make_bot, standin, redis_url, redis_server) -> None:  # noqa: ANN001
    bot = make_bot(redis_url)
    root = customer_thread(bot, CUSTOMER)
    kept = customer_thread(bot, CUSTOMER)
    link = f"<https://acme.slack.com/archives/{SUPPORT}/p{root.replace('.', '')}|thread>"

    refused = bot.sender.command(f"forget --thread {link}", user_id=AGENT, response_url=standin.response_url("agent"))
    assert refused.status == 200
    answer = standin.wait_for("response_url", where=lambda c: c.tag == "agent")[-1].params
    assert answer["response_type"] == "ephemeral" and "Only supervisors" in answer["text"]
    assert bot.run(bot.store.load_thread(SUPPORT, root))[1] is not None
    assert bot.run(forget_log(bot.store)) == []

    bot.sender.command(f"forget --thread {link}", user_id=SUPERVISOR, response_url=standin.response_url("super"))
    answer = standin.wait_for("response_url", where=lambda c: c.tag == "super")[-1].params
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith(f"Forgot thread {SUPPORT}/{root}: 1 thread record deleted")
    client = redis_server.client(decode_responses=True)
    assert not client.exists(f"dx:{{t:{SUPPORT}:{root}}}:rec")
    assert client.exists(f"dx:{{t:{SUPPORT}:{kept}}}:rec")  # the same customer's other thread stays
    assert not [t for t in client.zrange("dx:timers", 0, -1) if t.endswith(f"|{SUPPORT}|{root}")]
    assert bot.run(forget_log(bot.store))[-1]["who"] == SUPERVISOR
    assert SECRET_WORD not in json.dumps(bot.run(forget_log(bot.store)))


def test_forget_a_channel_on_the_embedded_store(make_bot) -> None:  # noqa: ANN001
    bot = make_bot()
    gone = [customer_thread(bot, CUSTOMER, "CGONE"), customer_thread(bot, OTHER, "CGONE")]
    kept = customer_thread(bot, CUSTOMER)
    result = bot.run(bot.store.forget(ForgetScope(channel="CGONE"), who=SUPERVISOR))
    assert result.threads == 2
    for root in gone:
        assert bot.run(bot.store.load_thread("CGONE", root))[1] is None
    assert bot.run(bot.store.load_thread(SUPPORT, kept))[1] is not None


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--user", "alice"), 2, "--user takes a user id like U0123ABCD, got 'alice'"),
        (("--thread", "https://example.com/x"), 2, "--thread takes a Slack message link"),
        (("--user", "U1AAA"), 1, "REDIS_URL is not set"),
    ],
)
def test_forget_cli_refuses_bad_targets_and_a_missing_store(args, status, message) -> None:  # noqa: ANN001
    done = forget_cli(*args, redis_url=None)
    assert done.returncode == status and message in done.stderr and "Traceback" not in done.stderr


def test_bad_forget_commands_are_answered_with_usage(make_bot) -> None:  # noqa: ANN001
    bot = make_bot()
    body = bot.sender.command("forget alice", user_id=SUPERVISOR).json()
    assert body["response_type"] == "ephemeral" and "forget --user U… | --channel C… | --thread" in body["text"]


def test_forget_keeps_every_command_in_one_cluster_slot() -> None:
    """On a Redis Cluster node, a command naming keys of two slots fails with CROSSSLOT: forget must not."""
    import asyncio

    from bot.store import Store
    from tests.conftest import require_redis
    from tests.redis_server import RedisServer, _free_port

    require_redis()
    cluster = ("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", str(_free_port()))
    with RedisServer(extra_args=cluster) as server:
        admin = server.client(decode_responses=True)
        admin.execute_command("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
        deadline = time.monotonic() + 10
        while "cluster_state:ok" not in admin.execute_command("CLUSTER", "INFO"):
            assert time.monotonic() < deadline, "the one-node cluster never became ready"
            time.sleep(0.05)

        async def scenario() -> tuple[object, list[str]]:
            store = Store.connect(server.url)
            try:
                now = time.time()
                for root in ("1700000000.000100", "1700000000.000200"):
                    record = {"channel": "CGONE", "root_ts": root, "customer": CUSTOMER, "agents": [AGENT],
                              "lines": [{"ts": root, "text": f"{SECRET_WORD} is late", "level": "tense", "at": now}]}
                    assert (await store.commit_thread("CGONE", root, 0, record, event_id=f"Ev{root}")).status == "ok"
                    fields = {"channel": "CGONE", "root_ts": root, "customer": CUSTOMER, "agent": AGENT, "requested_by": AGENT,
                              "requested_at": f"{now:.3f}", "issue": f"{SECRET_WORD} refund"}
                    handoff_id, _ = await store.create_handoff("CGONE", root, fields, {"at": now, "who": AGENT, "what": "opened"})
                    moved = await store.transition(handoff_id, ["open"], "declined", {"decline_reason": SECRET_WORD},
                                                   {"at": now, "who": SUPERVISOR, "what": "declined", "reason": SECRET_WORD})
                    assert moved.status == "ok"
                    await store.schedule(f"unattended|CGONE|{root}", now + 60)
                    await store.note_agent_thread(AGENT, "CGONE", root, now)
                result = await store.forget(ForgetScope(user=CUSTOMER), who=SUPERVISOR, now=now)
                return result, [k async for k in store.redis.scan_iter(count=1000)]
            finally:
                await store.close()

        result, keys = asyncio.run(scenario())
        assert (result.threads, result.handoffs, result.audit_entries, result.timers) == (2, 2, 2, 2)
        assert not [k for k in keys if k.endswith(":rec")]
        assert keys and SECRET_WORD not in everything_in(server)
