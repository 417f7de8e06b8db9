"""`deescalate serve` as a process: starts against the Slack stand-in, answers signed requests, logs no secrets, stops cleanly."""

from __future__ import annotations

import json
import urllib.request

from tests.harness import ServeProcess, bot_env


def test_serve_runs_answers_and_stops_cleanly(standin, redis_url: str) -> None:  # noqa: ANN001
    env = bot_env(standin, redis_url, LOG_LEVEL="DEBUG")
    process = ServeProcess(env)
    try:
        with urllib.request.urlopen(process.url + "/healthz", timeout=5) as answer:
            health = json.loads(answer.read())
        assert health == {"ok": True, "ready": True, "store": "up", "slack": "ok", "persistent": True, "mode": "http"}
        assert process.sender.url_verification("from-a-process").json()["challenge"] == "from-a-process"
        # the token was checked once at start-up, with the token itself; requests do not check it again
        [check] = standin.calls_to("auth.test")
        assert check.headers["Authorization"] == f"Bearer {standin.bot_token}"
        assert process.sender.event({"type": "reaction_added", "user": "U1", "reaction": "x", "item": {}}).status == 200
        assert len(standin.calls_to("auth.test")) == 1
    finally:
        code = process.stop()
    assert code == 0
    log = process.log
    assert "listening for Slack" in log and "authorized as UBOT in workspace T1" in log
    assert "will be unused" not in log and "will be ignored" not in log  # Bolt's misleading start-up notes
    assert standin.bot_token not in log and env["SLACK_SIGNING_SECRET"] not in log
    assert "Traceback" not in log


def test_serve_without_redis_says_state_is_not_persistent(standin) -> None:  # noqa: ANN001
    process = ServeProcess(bot_env(standin, None))
    try:
        with urllib.request.urlopen(process.url + "/healthz", timeout=5) as answer:
            assert json.loads(answer.read())["persistent"] is False
    finally:
        process.stop()
    assert "state is not persistent" in process.log
