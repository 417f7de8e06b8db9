"""Reading replay input: JSONL transcripts and Slack exports (folder and zip), and clear errors."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from cli.replay.input import ReplayInputError, load_threads

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export_small"
EXAMPLES = Path(__file__).parents[2] / "examples"


def test_export_folder_threads_roles_and_names() -> None:
    threads = load_threads(FIXTURE)
    assert len(threads) == 1  # joins and bot posts are not conversation
    thread = threads[0]
    assert thread.channel == "support"
    assert [m.role for m in thread.messages] == ["customer", "agent", "customer"]
    assert thread.messages[0].user == "Casey Customer"
    assert "third time" in thread.messages[-1].text  # the reply from the next day's file joined its thread


def test_export_zip_reads_the_same(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in FIXTURE.rglob("*.json"):
            zf.write(file, file.relative_to(FIXTURE).as_posix())
    assert load_threads(archive) == [t.__class__(str(archive), t.channel, t.key, t.messages) for t in load_threads(FIXTURE)]


def test_agents_option_decides_roles() -> None:
    thread = load_threads(FIXTURE, agents=frozenset({"U0CUSTA"}))[0]
    assert [m.role for m in thread.messages] == ["agent", "customer", "agent"]


def test_channel_filter_and_unknown_channel() -> None:
    assert len(load_threads(FIXTURE, channel="#support")) == 1
    assert load_threads(FIXTURE, channel="random") == []
    with pytest.raises(ReplayInputError, match="no channel named 'nope'"):
        load_threads(FIXTURE, channel="nope")


def test_since_drops_older_threads() -> None:
    assert load_threads(FIXTURE, since=1717405200 + 1) == []
    assert len(load_threads(FIXTURE, since=1717405200)) == 1


def test_shipped_examples_load() -> None:
    for name in ("calm", "delay-turns-angry", "abusive", "authority"):
        threads = load_threads(EXAMPLES / f"{name}.jsonl")
        assert len(threads) == 1 and {m.role for m in threads[0].messages} == {"customer", "agent"}
    export = load_threads(EXAMPLES / "export")
    assert len(export) == 2 and all(t.messages[0].role == "customer" for t in export)


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"thread": "a", "user": "Kim", "role": "customer", "text": "hi", "ts": 1717405200})


@pytest.mark.parametrize(
    "bad, problem",
    [
        ('{"thread": "a", "user": "Kim"', "not valid JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"thread": "a", "user": "Kim", "role": "customer", "ts": 1}', "missing text"),
        ('{"thread": "a", "user": "Kim", "role": "boss", "text": "x", "ts": 1}', "role must be customer or agent"),
        ('{"thread": "a", "user": "Kim", "role": "agent", "text": "x", "ts": "soon"}', "ts must be"),
        # no moment a message was sent (these used to end the replay in a traceback)
        ('{"thread": "a", "user": "Kim", "role": "agent", "text": "x", "ts": "inf"}', "ts must be"),
        ('{"thread": "a", "user": "Kim", "role": "agent", "text": "x", "ts": "nan"}', "ts must be"),
        ('{"thread": "a", "user": "Kim", "role": "agent", "text": "x", "ts": "-5"}', "ts must be"),
        ('{"thread": "a", "user": "Kim", "role": "agent", "text": "x", "ts": 1e400}', "ts must be"),
    ],
)
def test_malformed_jsonl_names_file_and_line(tmp_path: Path, bad: str, problem: str) -> None:
    path = _jsonl(tmp_path, [GOOD, "", bad])
    with pytest.raises(ReplayInputError) as caught:
        load_threads(path)
    assert str(caught.value).startswith(f"{path}:3: ")
    assert problem in str(caught.value)


def test_jsonl_timestamps_in_three_spellings(tmp_path: Path) -> None:
    rows = [
        {"thread": "a", "user": "Kim", "role": "customer", "text": "one", "ts": "2024-06-03T09:00:00Z"},
        {"thread": "a", "user": "Lee", "role": "agent", "text": "two", "ts": "1717405260.000200"},
        {"thread": "a", "user": "Kim", "role": "customer", "text": "three", "ts": 1717405320},
    ]
    thread = load_threads(_jsonl(tmp_path, [json.dumps(r) for r in reversed(rows)]))[0]
    assert [m.text for m in thread.messages] == ["one", "two", "three"]
    assert thread.messages[0].ts == 1717405200.0


def test_malformed_export_day_file_names_file_and_line(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(FIXTURE, export)
    day = export / "support" / "2024-06-04.json"
    day.write_text('[\n  {"type": "message", "user": "U0CUSTA", "text": "ok", "ts": "1717491600.000100"},\n  {"type": "message", "user": "U0CUSTA", "text": "x"}\n]\n')
    with pytest.raises(ReplayInputError) as caught:
        load_threads(export)
    assert str(caught.value) == f"{day}:3: message without a valid ts"
    day.write_text('[\n  {"type": "message",\n   "text": "broken" "oops"}\n]')
    with pytest.raises(ReplayInputError, match=rf"{day}:3: not valid JSON"):
        load_threads(export)


def test_not_an_export_or_missing(tmp_path: Path) -> None:
    with pytest.raises(ReplayInputError, match="channels.json is missing"):
        load_threads(tmp_path)
    with pytest.raises(ReplayInputError, match="no such file"):
        load_threads(tmp_path / "nothing.jsonl")
