"""DEESCALATE_LOG_FORMAT=json: one JSON object per line, with the Slack request's team, channel and
event id, and secrets still masked."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.config import ConfigError, from_env
from shell import logs
from tests.support.harness import ServeProcess, bot_env
from tests.support.signing import message_event

CHANNEL, CUSTOMER, AGENT = "CSUPPORT", "UCUST", "UAGENT"
HEATED = "This is UNACCEPTABLE!!! I have been waiting for weeks, the worst service ever!!!"


def test_serve_writes_json_lines_carrying_team_channel_and_event_id(standin, redis_url: str) -> None:  # noqa: ANN001
    process = ServeProcess(bot_env(standin, redis_url, DEESCALATE_LOG_FORMAT="json"))
    try:
        standin.fail("chat.postEphemeral", "channel_not_found")  # makes the whisper's work log a line
        root = "1700200000.000100"
        process.sender.event(message_event(CHANNEL, CUSTOMER, "Hello, my parcel has not arrived.", ts=root))
        process.sender.event(message_event(CHANNEL, AGENT, "Looking into it.", ts=f"{root}1", thread_ts=root, parent_user_id=CUSTOMER))
        sent = process.sender.event(
            message_event(CHANNEL, CUSTOMER, HEATED, ts=f"{root}2", thread_ts=root, parent_user_id=CUSTOMER), event_id="EvJSONLOG1"
        )
        assert sent.status == 200
        standin.wait_for("chat.postEphemeral")
    finally:
        assert process.stop() == 0
    lines = [json.loads(line) for line in process.log.splitlines() if line.strip()]  # every line is JSON
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    failed = [line for line in lines if "chat.postEphemeral failed: channel_not_found" in line["message"]]
    assert failed, process.log
    assert failed[0]["team"] == "T1" and failed[0]["channel"] == CHANNEL and failed[0]["event_id"] == "EvJSONLOG1"
    assert failed[0]["level"] == "WARNING" and failed[0]["logger"] == "deescalate.slack"
    startup = next(line for line in lines if "listening for Slack" in line["message"])
    assert "event_id" not in startup  # no request, no request fields
    assert standin.bot_token not in process.log


def test_json_lines_mask_secrets_in_messages_and_errors() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.SecretFilter())
    logger = logging.getLogger("deescalate.test-json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logs.bind({"team_id": "T9", "event": {"channel": "C9"}, "event_id": "Ev9"})
        logger.warning("calling with xoxb-123-secret-token and redis://:hunter2@redis:6379/0")
        try:
            raise RuntimeError("Bearer abc.def-secret")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logs.REQUEST.set(None)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{"))
    assert first["message"] == "calling with xoxb-*** and redis://:***@redis:6379/0"
    assert (first["team"], first["channel"], first["event_id"]) == ("T9", "C9", "Ev9")
    assert "secret-token" not in stream.getvalue() and "def-secret" not in stream.getvalue() and "hunter2" not in stream.getvalue()
    assert "RuntimeError: Bearer ***" in second["error"]


def test_the_log_format_is_checked() -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DEESCALATE_SUPERVISOR_CHANNEL": "C0A", "DEESCALATE_SUPERVISORS": "U0A"}
    assert from_env(base).log_format == "text"
    assert from_env({**base, "DEESCALATE_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(ConfigError, match="DEESCALATE_LOG_FORMAT: must be text or json, got 'logfmt'"):
        from_env({**base, "DEESCALATE_LOG_FORMAT": "logfmt"})


@pytest.mark.parametrize("secret", ["xoxb-1234-abcd", "xoxp-1-2-3", "xoxe-1-refreshtoken", "xapp-1-A0-abc"])
def test_every_slack_token_kind_is_masked(secret: str) -> None:
    # xoxe-: the refresh token of rotating tokens, as sensitive as the token it renews.
    assert secret not in logs.mask(f"calling with {secret} now")
