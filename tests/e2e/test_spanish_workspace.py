"""The language reaches every place the bot reads text offline: `deescalate score` and `replay`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.vocabulary import level_index
from tests.unit.test_replay import replay_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "es-soporte.jsonl"
INSULT = json.dumps({"text": "Eres un idiota inútil…"}, ensure_ascii=False)


def score_cli(*args: str, env: dict[str, str] | None = None, feed: str = INSULT + "\n") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEESCALATE_")}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "score", *args], input=feed, capture_output=True, text=True,
        cwd=ROOT, timeout=60, env={**clean, **(env or {})},
    )


def test_score_reads_spanish_with_the_option_or_the_workspace_language():
    by_option = score_cli("--language", "es")
    by_config = score_cli(env={"DEESCALATE_LANGUAGE": "es"})
    english = score_cli()
    for done in (by_option, by_config, english):
        assert done.returncode == 0, done.stderr
    spanish = json.loads(by_option.stdout)
    assert spanish == json.loads(by_config.stdout)
    assert spanish["level"] == "heated" and "abusive" in spanish["flags"]
    assert spanish["signals"][0]["evidence"] == "eres un idiota, inútil"
    assert json.loads(english.stdout)["level"] == "calm"
    # The option wins over the workspace setting.
    assert json.loads(score_cli("--language", "en", env={"DEESCALATE_LANGUAGE": "es"}).stdout)["level"] == "calm"


def test_score_threads_in_spanish_notice_the_repeated_question():
    feed = "".join(json.dumps({"text": t, "thread": "t1"}, ensure_ascii=False) + "\n" for t in (
        "¿Cuándo se envía mi reemplazo?", "Vale, pero ¿cuándo se envía el reemplazo?"))
    out = [json.loads(line) for line in score_cli("--language", "es", feed=feed).stdout.splitlines()]
    assert any(s["kind"] == "repeat_question" for s in out[1]["signals"])


@pytest.mark.parametrize("args,env,named", [
    (("--language", "español"), {}, "--language"),
    ((), {"DEESCALATE_LANGUAGE": "espanol"}, "DEESCALATE_LANGUAGE"),
])
def test_a_bad_language_is_refused_naming_where_it_came_from(args, env, named):
    done = score_cli(*args, env=env)
    assert done.returncode == 2 and named in done.stderr and done.stdout == ""


def test_replaying_the_spanish_example_reads_as_an_agent_would(monkeypatch):
    monkeypatch.setenv("DEESCALATE_LANGUAGE", "es")
    result = replay_json(EXAMPLE)
    delay, abuse, calm = result["threads"]

    # Waiting turns into a supervisor demand, then a consumer-office and review threat: a handoff each time.
    assert level_index(delay["messages"][0]["level"]) <= level_index("uneasy")
    demand = next(m for m in delay["messages"] if "supervisor" in m["text"])
    assert demand["handoff_suggested"] and {"authority", "churn"} <= set(delay["flags"])
    assert [w["kind"] for w in demand["whispers"] if not w["tip"]] == ["escalation"]

    # Insults climb the ladder once the agent sets a boundary in her own words; sustained abuse brings a handoff.
    boundary = [w for m in abuse["messages"] for w in m["whispers"] if w["kind"] == "boundary"]
    assert len(boundary) >= 2 and abuse["boundary_step"] == 2
    assert all(w["to"] == "Marta" for w in boundary)
    assert abuse["messages"][-1]["handoff_suggested"] and "abusive" in abuse["flags"]
    assert result["totals"]["abuse_events"] == 3

    # A plain change of address stays quiet.
    assert calm["flags"] == [] and not any(m["whispers"] for m in calm["messages"])
    assert all(m["level"] == "calm" for m in calm["messages"])


def test_the_spanish_example_read_as_english_misses_the_abuse(monkeypatch):
    monkeypatch.delenv("DEESCALATE_LANGUAGE", raising=False)
    result = replay_json(EXAMPLE)
    assert result["totals"]["abuse_events"] == 0
