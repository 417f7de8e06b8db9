"""The bot token: checked once at start-up, cached for every request, and any refusal since reported by /readyz.

Through the real process (`deescalate serve`, `serve --check`) and the real app on a real port, with
the Slack stand-in answering auth errors, refusing connections, or not answering at all.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from handlers import slack_auth
from tests.harness import ROOT, BotHandle, bot_env
from tests.signing import message_event

CHANNEL, CUSTOMER, AGENT = "CSUPPORT", "UCUST", "UAGENT"
HEATED = "This is UNACCEPTABLE!!! I have been waiting for weeks, the worst service ever!!!"
ACK_LIMIT = 1.0  # seconds; Slack gives up (and retries) after 3


def _get(url: str) -> tuple[int, dict | str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            body = answer.read().decode()
            status = answer.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    try:
        return status, json.loads(body)
    except json.JSONDecodeError:
        return status, body


def _metric(bot: BotHandle, line_start: str) -> str | None:
    _, text = _get(bot.url + "/metrics")
    assert isinstance(text, str)
    return next((line for line in text.splitlines() if line.startswith(line_start)), None)


def _cli(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "handlers.cli", "serve", *args], env=full, cwd="/tmp", capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def dead_port() -> Iterator[str]:
    """A Web API URL on a loopback port that refuses connections (bound, never listening)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/"
    sock.close()


# ---- start-up ---------------------------------------------------------------------------------


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "account_inactive"])
def test_serve_refuses_to_start_with_a_token_slack_refuses(standin, error: str) -> None:  # noqa: ANN001
    standin.fail("auth.test", error)
    done = _cli(bot_env(standin, None))
    assert done.returncode == 2
    named = [line for line in done.stderr.splitlines() if "SLACK_BOT_TOKEN" in line]
    assert len(named) == 1 and named == done.stderr.strip().splitlines()[-1:], done.stderr  # one line, the last
    assert named[0].startswith("deescalate: SLACK_BOT_TOKEN:") and error in named[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert standin.bot_token not in done.stderr + done.stdout


def test_serve_refuses_a_token_the_workspace_does_not_know(standin) -> None:  # noqa: ANN001
    done = _cli(bot_env(standin, None, SLACK_BOT_TOKEN="xoxb-typo-in-the-token"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "deescalate: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth); "
        "copy the Bot User OAuth Token (xoxb-…) again from the app's settings"
    )


def test_check_prints_a_table_of_what_it_checked_and_exits_0(standin, redis_url: str) -> None:  # noqa: ANN001
    done = _cli(bot_env(standin, redis_url), "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    checks, values = done.stdout.split("configuration (secrets masked)")
    rows = {line.split("│")[1].strip(): line for line in checks.splitlines() if line.count("│") >= 3}
    for check in ("configuration", "phrasebook", "store", "slack auth"):
        assert "OK" in rows[check], done.stdout
    assert "UBOT" in rows["slack auth"] and "T1" in rows["slack auth"]
    assert "answers PING" in rows["store"]
    assert "ready to serve" in done.stdout
    assert standin.calls_to("auth.test"), "the token was checked with Slack"
    assert standin.bot_token not in done.stdout  # the configuration table masks it
    assert "supervisor_channel" in values and "CSUPERVISE" in values and "USUPER1, USUPER2" in values


def test_check_fails_with_exit_2_on_a_refused_token_or_unreachable_slack(standin, dead_port: str) -> None:  # noqa: ANN001
    standin.fail("auth.test", "token_revoked")
    refused = _cli(bot_env(standin, None), "--check")
    assert refused.returncode == 2
    assert "FAIL" in refused.stdout and "SLACK_BOT_TOKEN: Slack refused the token (token_revoked)" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr

    unreachable = _cli(bot_env(standin, None, SLACK_API_URL=dead_port), "--check")
    assert unreachable.returncode == 2
    assert "auth.test got no answer" in unreachable.stdout and "not ready: slack auth" in unreachable.stdout


# ---- the cached authorization -------------------------------------------------------------------


def _thread(bot: BotHandle, root: str) -> None:
    assert bot.sender.event(message_event(CHANNEL, CUSTOMER, "Hello, my parcel has not arrived.", ts=root)).status == 200
    reply = message_event(CHANNEL, AGENT, "Hi, looking into it now.", ts=f"{root}1", thread_ts=root, parent_user_id=CUSTOMER)
    assert bot.sender.event(reply).status == 200


def _timed_acks(bot: BotHandle, n: int) -> list[float]:
    """Ack times of n angry customer replies (each asks for a whisper), reactions and slash commands."""
    times = []
    for i in range(n):
        root = f"1700000{i:03d}.000100"
        _thread(bot, root)
        angry = message_event(CHANNEL, CUSTOMER, HEATED, ts=f"{root}2", thread_ts=root, parent_user_id=CUSTOMER)
        reaction = {"type": "reaction_added", "user": AGENT, "reaction": "eyes", "item": {"type": "message", "channel": CHANNEL, "ts": root}}
        for send in (lambda: bot.sender.event(angry), lambda: bot.sender.event(reaction), lambda: bot.sender.command("help")):
            started = time.perf_counter()
            assert send().status == 200
            times.append(time.perf_counter() - started)
    return times


def test_auth_test_is_called_once_at_start_and_never_per_request(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    assert len(standin.calls_to("auth.test")) == 1  # at start-up, before the first request
    _timed_acks(bot, 3)
    bot.settle()
    assert len(standin.calls_to("auth.test")) == 1
    assert standin.calls_to("chat.postEphemeral"), "the whispers still went out with the token"


def test_acks_stay_fast_when_slack_goes_away_after_start(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    standin.stop()  # connection refused from now on
    times = _timed_acks(bot, 4)
    assert max(times) < ACK_LIMIT, times
    # the thread records were still committed: the decision does not wait on Slack
    _, record = bot.run(bot.store.load_thread(CHANNEL, "1700000000.000100"))
    assert record is not None and record["level"] != "calm"


def test_slack_unreachable_at_start_serves_not_ready_and_acks_fast(make_bot, dead_port: str) -> None:  # noqa: ANN001
    bot = make_bot(SLACK_API_URL=dead_port)
    status, health = _get(bot.url + "/readyz")
    assert status == 503 and health["slack"] == "unverified" and health["store"] == "up"
    assert _get(bot.url + "/livez") == (200, {"ok": True})
    times = _timed_acks(bot, 4)
    assert max(times) < ACK_LIMIT, times
    assert _metric(bot, "deescalate_slack_auth_up") == "deescalate_slack_auth_up 0.0"


def test_slack_hanging_at_start_and_after_never_holds_an_ack(make_bot, standin, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(slack_auth, "START_TIMEOUT", 0.5)
    standin.delay("auth.test", 30)
    standin.delay("chat.postEphemeral", 30, times=10)
    bot = make_bot()
    assert _get(bot.url + "/readyz")[1]["slack"] == "unverified"
    times = _timed_acks(bot, 3)
    assert max(times) < ACK_LIMIT, times


def test_unreachable_at_start_becomes_ready_once_slack_answers(make_bot, standin) -> None:  # noqa: ANN001
    standin.server_error("auth.test")  # the first answer is a 503; the background retry gets through
    bot = make_bot()
    assert _get(bot.url + "/readyz")[1]["slack"] == "unverified"
    deadline = time.time() + 10
    while _get(bot.url + "/readyz")[0] != 200 and time.time() < deadline:
        time.sleep(0.1)
    status, health = _get(bot.url + "/readyz")
    assert status == 200 and health["slack"] == "ok"
    assert len(standin.calls_to("auth.test")) == 2


def test_a_refusal_found_by_the_background_retry_is_reported(make_bot, standin) -> None:  # noqa: ANN001
    standin.server_error("auth.test")
    standin.fail("auth.test", "token_revoked")  # the retry's answer
    bot = make_bot()
    deadline = time.time() + 10
    while _get(bot.url + "/readyz")[1]["slack"] == "unverified" and time.time() < deadline:
        time.sleep(0.1)
    status, health = _get(bot.url + "/readyz")
    assert status == 503 and health["slack"] == "token_revoked"
    assert bot.sender.command("help").status == 200  # still acknowledging


def test_a_bad_token_stops_the_app_before_it_listens(standin) -> None:  # noqa: ANN001
    standin.fail("auth.test", "invalid_auth")
    with pytest.raises(slack_auth.SlackAuthRejected, match="SLACK_BOT_TOKEN"):
        BotHandle(bot_env(standin, None))


# ---- readiness after start ----------------------------------------------------------------------


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "account_inactive"])
def test_readiness_reports_an_auth_failure_seen_on_any_call(make_bot, standin, error: str) -> None:  # noqa: ANN001
    bot = make_bot()
    assert _get(bot.url + "/readyz")[0] == 200
    assert _metric(bot, "deescalate_slack_auth_up") == "deescalate_slack_auth_up 1.0"
    standin.fail("chat.postEphemeral", error)  # e.g. the token is revoked while the bot runs
    root = "1700000500.000100"
    _thread(bot, root)
    bot.sender.event(message_event(CHANNEL, CUSTOMER, HEATED, ts=f"{root}2", thread_ts=root, parent_user_id=CUSTOMER))
    standin.wait_for("chat.postEphemeral")
    bot.settle()
    for path in ("/readyz", "/healthz"):  # /healthz is readiness under its old name
        status, health = _get(bot.url + path)
        assert status == 503 and health["slack"] == error and health["ok"] is False, (path, health)
    assert _get(bot.url + "/livez")[0] == 200  # alive: restarting would not bring the token back
    assert _metric(bot, "deescalate_slack_auth_up") == "deescalate_slack_auth_up 0.0"


def test_other_slack_errors_leave_readiness_alone(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    standin.fail("chat.postEphemeral", "user_not_in_channel")
    root = "1700000600.000100"
    _thread(bot, root)
    bot.sender.event(message_event(CHANNEL, CUSTOMER, HEATED, ts=f"{root}2", thread_ts=root, parent_user_id=CUSTOMER))
    standin.wait_for("chat.postEphemeral")
    bot.settle()
    assert _get(bot.url + "/readyz")[0] == 200


# ---- metrics right from the start ---------------------------------------------------------------


def test_store_up_and_build_info_are_set_before_any_probe(make_bot, redis_url: str) -> None:  # noqa: ANN001
    bot = make_bot(redis_url)
    assert _metric(bot, "deescalate_store_up") == "deescalate_store_up 1.0"
    info = _metric(bot, "deescalate_build_info")
    assert info is not None and 'version="' in info and f'python="{sys.version.split()[0]}"' in info
