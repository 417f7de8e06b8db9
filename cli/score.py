"""`deescalate score`: JSONL messages on stdin, one JSON reading per line on stdout, in order.

Input lines: {"text": str, "thread": str (optional), "speaker": "customer"|"agent" (optional)}.
Lines sharing a thread are read as one conversation, in order. A bad line gets {"error": ...}
on its output line and the stream goes on. Text is read in one workspace language (`--language`,
else DEESCALATE_LANGUAGE; see bot.detector.LANGUAGES).
"""

from __future__ import annotations

import json
import os
import sys
from collections import OrderedDict
from typing import TextIO

from bot.detector import Reading, ThreadTension, observe, score

# Threads kept in memory while streaming; the oldest is forgotten past this (bounded memory).
MAX_THREADS = 10_000
SPEAKERS = ("customer", "agent")


def read_line(line: str, threads: "OrderedDict[str, ThreadTension]", language: str = "en") -> dict:
    """Score one input line, updating the thread it belongs to; bad input becomes an error object."""
    out = _read_item(line, threads, language)
    return out if isinstance(out, dict) else out.to_dict()


def _read_item(line: str, threads: "OrderedDict[str, ThreadTension]", language: str) -> "Reading | dict":
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
            return score(text, language=language)
        return observe(None, text, speaker, language=language)[0]
    if not isinstance(thread, str):
        return {"error": '"thread" must be a string'}
    reading, state = observe(threads.pop(thread, None), text, speaker, language=language)
    threads[thread] = state
    if len(threads) > MAX_THREADS:
        threads.popitem(last=False)
    return reading


def encode(out: dict) -> str:
    """One output line's JSON, the same text json.dumps(out, ensure_ascii=False) gives, built directly."""
    if "error" in out:
        return json.dumps(out, ensure_ascii=False)
    flags = ", ".join(f'"{f}"' for f in out["flags"])  # flag and kind names are plain ASCII words
    signals = ", ".join(
        f'{{"kind": "{s["kind"]}", "evidence": {_string(s["evidence"])}, "weight": {s["weight"]!r}}}' for s in out["signals"]
    )
    return f'{{"tension": {out["tension"]!r}, "level": "{out["level"]}", "abuse": {out["abuse"]!r}, "flags": [{flags}], "signals": [{signals}]}}'


_string = json.encoder.encode_basestring  # C-level, and what json.dumps uses with ensure_ascii=False


def encode_reading(r: Reading) -> str:
    """encode(r.to_dict()) without building the dict."""
    flags = ", ".join(f'"{f}"' for f in r.flags)
    signals = ", ".join(f'{{"kind": "{s.kind}", "evidence": {_string(s.evidence)}, "weight": {s.weight!r}}}' for s in r.signals)
    return f'{{"tension": {r.tension!r}, "level": "{r.level}", "abuse": {r.abuse!r}, "flags": [{flags}], "signals": [{signals}]}}'


def _answer(line: str, threads: "OrderedDict[str, ThreadTension]", language: str = "en") -> str:
    try:
        out = _read_item(line, threads, language)
        return encode(out) if isinstance(out, dict) else encode_reading(out)
    except Exception as exc:  # a detector bug must not end the stream for every later line
        return json.dumps({"error": f"could not score this line: {type(exc).__name__}"})


def run(stdin: TextIO, stdout: TextIO, language: str = "en") -> int:
    """The `deescalate score` contract; returns the exit code (0)."""
    threads: OrderedDict[str, ThreadTension] = OrderedDict()
    try:
        fd_in, fd_out = stdin.fileno(), stdout.fileno()
    except (AttributeError, OSError, ValueError):
        fd_in = fd_out = None
    if fd_in is not None and fd_out is not None:
        return _run_fd(fd_in, stdout, threads, language)
    for line in stdin:
        if line.endswith("\n"):
            line = line[:-1]
        stdout.write(_answer(line, threads, language) + "\n")
        stdout.flush()
    return 0


_CHUNK = 1 << 16


def _run_fd(fd_in: int, stdout: TextIO, threads: "OrderedDict[str, ThreadTension]", language: str = "en") -> int:
    """Real files and pipes: read what has arrived, answer every complete line of it in one write.

    A client that sends one line and waits still gets its answer at once (os.read returns what is
    there), and a big batch costs one read and one write per 64 KB instead of per line."""
    out = stdout.buffer if hasattr(stdout, "buffer") else None
    stdout.flush()
    pending = b""
    while True:
        chunk = os.read(fd_in, _CHUNK)
        if not chunk:
            break
        pending += chunk
        if b"\n" not in chunk:
            continue
        *lines, pending = pending.split(b"\n")
        answers = "\n".join([_answer(_decode(line), threads, language) for line in lines]) + "\n"
        if out is not None:
            out.write(answers.encode("utf-8", "surrogateescape"))
            out.flush()
        else:
            stdout.write(answers)
            stdout.flush()
    if pending:
        answer = _answer(_decode(pending), threads, language) + "\n"
        if out is not None:
            out.write(answer.encode("utf-8", "surrogateescape"))
            out.flush()
        else:
            stdout.write(answer)
            stdout.flush()
    return 0


def _decode(line: bytes) -> str:
    # Same as text-mode stdin: UTF-8, with a Windows line end tolerated; undecodable bytes become an error line.
    if line.endswith(b"\r"):
        line = line[:-1]
    return line.decode("utf-8", "surrogateescape")


if __name__ == "__main__":
    raise SystemExit(run(sys.stdin, sys.stdout))
