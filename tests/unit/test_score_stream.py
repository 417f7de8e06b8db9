"""`deescalate score`: one JSON object per input line, in order; bad lines get an error and the stream goes on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from cli.score import run

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["tension", "level", "abuse", "flags", "signals"]


def stream(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = run(io.StringIO("".join(line + "\n" for line in lines)), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_line_gets_a_reading_in_order():
    code, out = stream([json.dumps({"text": "hello"}), json.dumps({"text": "you useless idiot"})])
    assert code == 0 and len(out) == 2
    assert all(list(o) == KEYS for o in out)
    assert out[0]["level"] == "calm" and "abusive" in out[1]["flags"]
    assert all(s.keys() == {"kind", "evidence", "weight"} for s in out[1]["signals"])


def test_bad_lines_get_errors_and_the_stream_goes_on():
    lines = ["not json", "[1, 2]", json.dumps({"text": 5}), json.dumps({"nope": "x"}), "",
             json.dumps({"text": "hi", "speaker": "robot"}), json.dumps({"text": "hi", "thread": 7}), json.dumps({"text": "still here"})]
    code, out = stream(lines)
    assert code == 0 and len(out) == len(lines)
    assert all(set(o) == {"error"} and o["error"] for o in out[:-1])
    assert list(out[-1]) == KEYS


def test_lines_sharing_a_thread_are_one_conversation():
    ask = "When will my refund arrive?"
    lines = [json.dumps({"text": ask, "thread": "t1"}), json.dumps({"text": "I sent the receipt", "thread": "t1"}),
             json.dumps({"text": ask, "thread": "t2"}), json.dumps({"text": "So when will my refund arrive?", "thread": "t1"}),
             json.dumps({"text": "So when will my refund arrive?"})]
    _, out = stream(lines)
    kinds = [{s["kind"] for s in o["signals"]} for o in out]
    assert "repeat_question" in kinds[3]  # same thread, asked again
    assert "repeat_question" not in kinds[2]  # other thread
    assert "repeat_question" not in kinds[4]  # no thread, no memory


def test_agent_lines_are_scored_without_moving_the_customer_thread():
    lines = [json.dumps({"text": "where is my parcel?", "thread": "t"}),
             json.dumps({"text": "Sorry about that, let me check", "thread": "t", "speaker": "agent"}),
             json.dumps({"text": "where is my parcel?", "thread": "t"})]
    _, out = stream(lines)
    assert len(out) == 3 and "repeat_question" in {s["kind"] for s in out[2]["signals"]}


def test_unicode_and_long_lines():
    _, out = stream([json.dumps({"text": "¿Dónde está? 😡😡"}, ensure_ascii=False), json.dumps({"text": "a" * 40000})])
    assert [list(o) for o in out] == [KEYS, KEYS]


def test_module_runs_as_a_program():
    feed = json.dumps({"text": "I want to speak to your manager!!!"}) + "\nbroken\n"
    done = subprocess.run([sys.executable, "-m", "cli.score"], input=feed, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert "authority" in out[0]["flags"] and "error" in out[1]


def test_each_answer_is_the_json_the_contract_documents():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bot.detector import score
    from cli.score import encode, encode_reading

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=200) | st.sampled_from(["you idiot!!!", 'he said "FIX IT NOW"', "\\ \" \u2028 😡 é", "third time!!"]))
    def same(text: str) -> None:
        reading = score(text)
        out = reading.to_dict()
        assert encode(out) == json.dumps(out, ensure_ascii=False) == encode_reading(reading)

    same()


def test_a_client_that_waits_for_each_answer_gets_it_at_once():
    # Batched writes must not hold an answer back while the client waits before sending more.
    proc = subprocess.Popen([sys.executable, "-m", "cli.score"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    try:
        for text in ("where is my parcel?", "where is my parcel???"):
            proc.stdin.write((json.dumps({"text": text, "thread": "t"}) + "\n").encode())
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline())
            assert list(answer) == KEYS
        assert "repeat_question" in {s["kind"] for s in answer["signals"]}
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
