"""`deescalate score`: JSONL messages on stdin, one JSON reading per line on stdout, in order.

Input lines: {"text": str, "thread": str (optional), "speaker": "customer"|"agent" (optional)}.
Lines sharing a thread are read as one conversation, in order. A bad line gets {"error": ...}
on its output line and the stream goes on. Text is read in one workspace language (`--language`,
else DEESCALATE_LANGUAGE; see bot.detector.LANGUAGES).
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from typing import TextIO

from bot.detector import ThreadTension, observe, score

# Threads kept in memory while streaming; the oldest is forgotten past this (bounded memory).
MAX_THREADS = 10_000
SPEAKERS = ("customer", "agent")


def read_line(line: str, threads: "OrderedDict[str, ThreadTension]", language: str = "en") -> dict:
    """Score one input line, updating the thread it belongs to; bad input becomes an error object."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        return {"error": f"not valid JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"error": "each line must be a JSON object"}
    text = item.get("text")
    if not isinstance(text, str):
        return {"error": '"text" must be a string'}
    speaker = item.get("speaker", "customer")
    if speaker not in SPEAKERS:
        return {"error": '"speaker" must be "customer" or "agent"'}
    thread = item.get("thread")
    if thread is None:
        if speaker == "customer":
            return score(text, language=language).to_dict()
        return observe(None, text, speaker, language=language)[0].to_dict()
    if not isinstance(thread, str):
        return {"error": '"thread" must be a string'}
    reading, state = observe(threads.pop(thread, None), text, speaker, language=language)
    threads[thread] = state
    if len(threads) > MAX_THREADS:
        threads.popitem(last=False)
    return reading.to_dict()


def run(stdin: TextIO, stdout: TextIO, language: str = "en") -> int:
    """The `deescalate score` contract; returns the exit code (0)."""
    threads: OrderedDict[str, ThreadTension] = OrderedDict()
    for line in stdin:
        if line.endswith("\n"):
            line = line[:-1]
        try:
            out = read_line(line, threads, language)
        except Exception as exc:  # a detector bug must not end the stream for every later line
            out = {"error": f"could not score this line: {type(exc).__name__}"}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.stdin, sys.stdout))
