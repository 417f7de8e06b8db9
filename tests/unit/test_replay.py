"""`deescalate replay`: past threads through the real bot (embedded store, in-process Slack), printed per message."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.vocabulary import level_index
from cli.main import main
from cli.replay.main import run

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "export_small"


def replay(path: Path, *args: str, **kwargs) -> tuple[int, str, str]:  # noqa: ANN003
    out, err = io.StringIO(), io.StringIO()
    code = run(str(path), out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def replay_json(path: Path, **kwargs) -> dict:  # noqa: ANN003
    code, out, err = replay(path, fmt="json", **kwargs)
    assert code == 0, err
    return json.loads(out)


def test_abusive_thread_escalates_and_whispers_boundaries() -> None:
    result = replay_json(EXAMPLES / "abusive.jsonl")
    thread = result["threads"][0]
    messages = thread["messages"]
    assert len(messages) == 7 and all(m["level"] in ("calm", "uneasy", "tense", "heated") for m in messages)
    assert level_index(messages[0]["level"]) < level_index("heated")
    insult = next(m for m in messages if "idiot" in m["text"])
    assert level_index(insult["level"]) >= level_index("tense")
    assert insult["abuse_events"] >= 1
    kinds = [w["kind"] for w in insult["whispers"] if not w["tip"]]
    assert "boundary" in kinds and insult["whispers"][0]["to"] == "Sam"
    assert thread["flagged"] and result["totals"]["abuse_events"] >= 2
    agent_lines = [m for m in messages if m["role"] == "agent"]
    # An agent's own lines bring tips, not suggestions. Their first reply gets early words only when the
    # thread already reads tense with evidence (bot/gate.py); Riley's opener ("Why was I charged twice?
    # I want my money back.") is a refund request with no warning sign, so Sam's first reply gets none.
    assert all(w["tip"] for m in agent_lines for w in m["whispers"])


def test_abusive_thread_climbs_the_boundary_ladder_as_the_agent_sets_boundaries() -> None:
    # Sam asks for respect in his own words after the second insult: the third insult brings step 2, with a handoff.
    from phrasebook import fill, load_phrasebook

    step_of = {fill(p.text): p.step for p in load_phrasebook().phrases("boundary")}
    thread = replay_json(EXAMPLES / "abusive.jsonl")["threads"][0]
    messages = thread["messages"]
    boundary = [(i, w) for i, m in enumerate(messages) for w in m["whispers"] if w["kind"] == "boundary"]
    assert [sorted({step_of[line] for line in w["lines"]}) for _, w in boundary] == [[1], [1], [2]]
    assert len({line for _, w in boundary[:2] for line in w["lines"]}) == 6  # step 1 twice, never the same phrasing
    assert thread["boundary_step"] == 2
    last_index, last = boundary[-1]
    assert last["offers_handoff"] and messages[last_index]["handoff_suggested"]
    assert not boundary[0][1]["offers_handoff"]


def test_authority_demand_suggests_a_handoff_where_it_happens() -> None:
    thread = replay_json(EXAMPLES / "authority.jsonl")["threads"][0]
    flagged = [i for i, m in enumerate(thread["messages"]) if m["handoff_suggested"]]
    assert flagged and "manager" in thread["messages"][flagged[0]]["text"]
    assert "authority" in thread["flags"]


def test_calm_thread_stays_quiet() -> None:
    result = replay_json(EXAMPLES / "calm.jsonl")
    assert result["totals"]["whispers"] == 0 and result["totals"]["flagged"] == 0
    assert not any(m["handoff_suggested"] for m in result["threads"][0]["messages"])


def test_text_output_shows_levels_whispers_and_totals() -> None:
    code, out, err = replay(EXAMPLES / "delay-turns-angry.jsonl")
    assert code == 0 and err == ""
    assert "── Thread 1/1: order-20418" in out
    assert "customer Marco" in out and "agent Lena" in out
    assert "↳ whisper to Lena" in out
    # The tip is labelled once, by the printer.
    assert "↳ wording tip to Lena: instead of “As I said”" in out and "Wording tip: instead" not in out
    # Totals, then (issue 12) what came of the suggestions.
    assert out.rstrip().splitlines()[-2].startswith("Totals: 1 thread, 8 messages · 1 flagged")
    # The agent's "I'm sorry, Marco. You shouldn't have had to chase this…" makes the suggested apology in own words.
    assert out.rstrip().splitlines()[-1].startswith("Suggestions: 1 of 2 answered were used (adoption 50%)")


def test_cooldown_follows_message_time() -> None:
    # Two heated lines a minute apart: the second falls inside the 120 s cooldown in message time.
    rows = [
        {"thread": "t", "user": "Kim", "role": "customer", "text": "Where is my order?", "ts": 1717405200},
        {"thread": "t", "user": "Ana", "role": "agent", "text": "Checking now.", "ts": 1717405230},
        {"thread": "t", "user": "Kim", "role": "customer", "text": "This is UNACCEPTABLE!!! Weeks of waiting, worst service ever!!!", "ts": 1717405800},
        {"thread": "t", "user": "Kim", "role": "customer", "text": "I am FURIOUS!!! Nobody EVER answers, this is a disgrace!!!", "ts": 1717405830},
    ]
    return_rows = _replay_rows(rows)
    assert len(return_rows[2]["whispers"]) == 1
    assert return_rows[3]["whispers"] == []


def test_posts_name_channels_and_people_as_the_replay_reader_knows_them() -> None:
    rows = [
        {"thread": "t", "user": "Kim", "role": "customer", "text": "This is UNACCEPTABLE!!! Weeks of waiting, worst service ever!!!", "ts": 1717405200},
        {"thread": "t", "user": "Ana", "role": "agent", "text": "I'm on it.", "ts": 1717405500},
    ]
    posts = _replay_rows(rows)[0]["posts"]  # nobody answered within the 3-minute grace: the alert went out
    assert posts and "<#" not in posts[0] and "the replayed channel" in posts[0]
    export = replay_json(EXAMPLES / "export")
    alerts = [p for t in export["threads"] for m in t["messages"] for p in m["posts"]]
    assert alerts and all("#help-desk" in p and "<#" not in p for p in alerts)


def _replay_rows(rows: list[dict]) -> list[dict]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
        return replay_json(path)["threads"][0]["messages"]


def test_export_folder_and_zip(tmp_path: Path) -> None:
    folder = replay_json(FIXTURE)
    thread = folder["threads"][0]
    assert thread["channel"] == "support"
    assert [m["role"] for m in thread["messages"]] == ["customer", "agent", "customer"]
    assert thread["messages"][0]["user"] == "Casey Customer"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in FIXTURE.rglob("*.json"):
            zf.write(file, file.relative_to(FIXTURE).as_posix())
    zipped = replay_json(archive)
    assert [m["level"] for m in zipped["threads"][0]["messages"]] == [m["level"] for m in thread["messages"]]


def test_channel_and_since_options() -> None:
    assert replay_json(FIXTURE, channel="random")["totals"]["threads"] == 0
    assert replay_json(FIXTURE, since="2024-06-04")["totals"]["threads"] == 0
    assert replay_json(FIXTURE, since="2024-06-03")["totals"]["threads"] == 1


@pytest.mark.parametrize(
    "content, line",
    [
        ('{"thread": "a", "user": "Kim", "role": "customer", "text": "hi", "ts": 1}\n{"thread": "a", oops}\n', 2),
        ('{"thread": "a", "user": "Kim", "role": "customer", "text": "hi", "ts": 1}\n\n{"thread": "a", "user": "Kim"}\n', 3),
    ],
)
def test_malformed_file_one_line_error_exit_1(tmp_path: Path, content: str, line: int) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    code, out, err = replay(path)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"{path}:{line}:" in err


def test_cli_entry_runs_replay(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(EXAMPLES / "calm.jsonl"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["threads"] == 1
