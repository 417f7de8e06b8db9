"""The operator papercuts of the `deescalate` command line: --version, replay of several paths or stdin,
replay --full, and `report --since` taking a date."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from handlers.replay_cli import run as replay
from tests.test_report import _report, _seed

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "handlers.cli", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_version_prints_the_package_version() -> None:
    done = cli("--version")
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert done.returncode == 0 and done.stdout.strip() == f"deescalate {expected}"


def test_replay_takes_several_paths_and_stdin() -> None:
    done = cli("replay", "examples/calm.jsonl", "-", "examples/export", stdin=(EXAMPLES / "abusive.jsonl").read_text())
    assert done.returncode == 0, done.stderr
    headers = [line for line in done.stdout.splitlines() if line.startswith("── Thread ")]
    assert len(headers) == 4  # calm, abusive from stdin, two threads of the export
    assert all(f"/{len(headers)}:" in h for h in headers)
    assert any("(examples/calm.jsonl)" in h for h in headers) and any("(<stdin>)" in h for h in headers)
    assert sum("(examples/export)" in h for h in headers) == 2
    assert done.stdout.rstrip().splitlines()[-1].startswith("Totals: 4 threads")


def test_stdin_only_once_and_its_errors_name_stdin() -> None:
    twice = cli("replay", "-", "-", stdin="")
    assert twice.returncode == 2 and "only once" in twice.stderr
    broken = cli("replay", "-", stdin='{"thread": "t", "user": "A", "role": "boss", "text": "x", "ts": 1}\n')
    assert broken.returncode == 1
    assert broken.stderr.strip() == "deescalate replay: <stdin>:1: role must be customer or agent, got 'boss'"


def test_full_shows_whole_lines_and_why() -> None:
    long_line = ("I have been waiting for my refund for three weeks now and every time I ask I am told it is on its way "
                 "but nothing ever arrives, this is ridiculous")
    transcript = "\n".join(json.dumps(m) for m in [
        {"thread": "t", "user": "Dana", "role": "customer", "text": long_line, "ts": 1717405200},
        {"thread": "t", "user": "Ana", "role": "agent", "text": "Let me check.", "ts": 1717405260},
        {"thread": "t", "user": "Dana", "role": "customer", "text": "This is the THIRD time I ask!!! Where is it???", "ts": 1717405320},
    ]) + "\n"
    short, full = io.StringIO(), io.StringIO()
    assert replay(["-"], out=short, err=io.StringIO(), stdin=io.StringIO(transcript)) == 0
    assert replay(["-"], full=True, out=full, err=io.StringIO(), stdin=io.StringIO(transcript)) == 0
    assert long_line not in short.getvalue() and "…" in short.getvalue()
    assert long_line in full.getvalue()
    assert "Why:" not in short.getvalue()
    why = [line.strip() for line in full.getvalue().splitlines() if line.strip().startswith("Why:")]
    assert why and all("the customer reads" in line for line in why)
    assert "*" not in why[0] and "&quot;" not in why[0]  # markup taken off for the terminal


def test_report_since_takes_a_date_like_replay(redis_url: str) -> None:
    _seed(redis_url)  # handoffs requested 1 to 5 hours ago
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 6 * 3600))
    code, out, err = _report(redis_url, today, "json")
    assert code == 0, err
    assert len(json.loads(out)["handoffs"]) == 5
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
    code, _, err = _report(redis_url, tomorrow, "json")
    assert code == 2 and "in the future" in err
    code, _, err = _report(redis_url, "2024-02-30", "json")
    assert code == 2 and "not a real date" in err
