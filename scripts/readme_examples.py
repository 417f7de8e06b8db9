"""Regenerate README.md's example outputs by running the real commands; `--check` only reports stale ones.

Each generated block sits under a marker line naming its example:

    <!-- readme-example: score -->
    ```console
    …replaced by what the command prints…
    ```

Run it after anything changes what a command prints (detector weights, phrasings, replay layout):

    python3 scripts/readme_examples.py          # rewrite the blocks in README.md
    python3 scripts/readme_examples.py --check  # exit 1 and show a diff when README.md is out of date

The commands run from a scratch folder with a clean environment (no DEESCALATE_* variables, no .env),
so the output is what a new user sees.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKER = re.compile(r"^<!-- readme-example: ([a-z0-9-]+) -->\n(```[a-z]*\n)(.*?)^```$", re.M | re.S)

SCORE_INPUT = (
    '{"text": "Where is my refund?", "thread": "t1"}',
    '{"text": "Where is my refund??? This is the third time I ask", "thread": "t1"}',
    '{"text": 5}',
)
BROKEN_REPLAY = (
    '{"thread": "t1", "user": "Jordan", "role": "customer", "text": "Where is my order?", "ts": "2024-06-03T09:00:00Z"}\n'
    '{"thread": "t1", "user": "Ana", "role": "agent", "text": "Let me check for you.", "ts": "2024-06-03T09:02:00Z"}\n'
    '{"thread": "t1", "user": "Sam", "role": "boss", "text": "I will take this one.", "ts": "2024-06-03T09:03:00Z"}\n'
)
BAD_CONFIG = {
    "SLACK_BOT_TOKEN": "xoxb-1234-5678-abcdef",
    "SLACK_SIGNING_SECRET": "0123456789abcdef",
    "DEESCALATE_SUPERVISOR_CHANNEL": "#support-leads",
    "DEESCALATE_SUPERVISORS": "U0123ABCD",
    "DEESCALATE_WHISPER_CAP": "six",
    "DEESCALATE_WISPER_COOLDOWN_SECONDS": "60",
}


class Scratch:
    """A scratch folder holding copies of what the examples read, and a way to run `deescalate` there."""

    def __init__(self, readme: str) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="deescalate-readme-")
        self.dir = Path(self._tmp.name)
        shutil.copytree(ROOT / "examples", self.dir / "examples")
        for name, body in team_phrasebook(readme).items():
            path = self.dir / "acme-phrasebook" / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(body, encoding="utf-8")
        (self.dir / "broken.jsonl").write_text(BROKEN_REPLAY, encoding="utf-8")

    def run(self, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "COLUMNS": "120", **(env or {})}
        done = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=self.dir, env=environ, input=stdin,
                              capture_output=True, text=True, timeout=300)
        if "Traceback (most recent call last)" in done.stderr:
            # A crash is never an example worth showing: stop instead of writing it into README.
            raise SystemExit(f"deescalate {' '.join(args)} crashed:\n{done.stderr}")
        return done

    def close(self) -> None:
        self._tmp.cleanup()


def team_phrasebook(readme: str) -> dict[str, str]:
    """The README's example team folder: `acme-phrasebook/<file>.toml` blocks, by file name."""
    found = re.findall(r"`acme-phrasebook/(\w+\.toml)`:?\s*\n\n```toml\n(.*?)```", readme, re.S)
    return dict(found)


def _shown(command: str, done: subprocess.CompletedProcess[str]) -> str:
    return f"$ {command}\n{done.stdout}{done.stderr}"


def replay_authority(s: Scratch) -> str:
    return s.run("replay", "examples/authority.jsonl").stdout


def replay_order_chase(s: Scratch) -> str:
    return s.run("replay", "examples/order-chase.jsonl").stdout


# The example threads the report figures come from (the burst copy of order-chase would count its thread twice).
REPORT_EXAMPLES = ("abusive.jsonl", "authority.jsonl", "calm.jsonl", "delay-turns-angry.jsonl", "order-chase.jsonl",
                   "order-chase-coached.jsonl")


@functools.lru_cache(maxsize=1)
def _example_stats():  # noqa: ANN202
    """The figures `deescalate report` and `/deescalate stats` show after the example threads went through the bot."""
    import asyncio

    sys.path.insert(0, str(ROOT))
    from bot.config import load_config
    from cli.replay.input import load_threads
    from cli.replay.run import Replayer
    from cli.report import _read

    async def run():  # noqa: ANN202
        config = load_config(mode="offline", env_file=None, environ={})
        threads = [t for name in REPORT_EXAMPLES for t in load_threads(ROOT / "examples" / name)]
        async with Replayer(config, threads) as replayer:
            for thread in threads:
                await replayer.replay(thread)
            return (await _read(replayer.runtime.store, 365 * 86400, replayer.now + 60))[0]

    return asyncio.run(run())


def report_phrases(s: Scratch) -> str:
    import io

    from cli.report import render_phrases

    stats = _example_stats()
    os.environ["COLUMNS"] = "120"  # rich sizes tables to the terminal; README's blocks are 120 wide like the others
    table, csv = io.StringIO(), io.StringIO()
    render_phrases(stats, "table", table)
    render_phrases(stats, "csv", csv)
    lines = table.getvalue().rstrip().splitlines()
    phrases_at = next(i for i, line in enumerate(lines) if "suggestions by phrase" in line)
    shown = lines[: phrases_at + 7] + ["…"]  # the kinds whole, then the first three phrases
    return "\n".join(shown) + "\n$ deescalate report --since 1d --phrases --format csv\n" + "\n".join(csv.getvalue().splitlines()[:4]) + "\n…"


def stats_answer(s: Scratch) -> str:
    from bot.commands import stats_message

    blocks = stats_message(_example_stats(), supervisor=False)["blocks"]
    texts = [b.get("text", {}).get("text") or " ".join(e["text"] for e in b.get("elements", ())) for b in blocks]
    return next(t for t in texts if t.startswith("*Did suggestions help?*")) + "\n" + next(t for t in texts if t.startswith("*Phrases*"))


def replay_broken(s: Scratch) -> str:
    return _shown("deescalate replay broken.jsonl", s.run("replay", "broken.jsonl"))


def score(s: Scratch) -> str:
    quoted = " \\\n    ".join(f"'{line}'" for line in SCORE_INPUT)
    done = s.run("score", stdin="".join(f"{line}\n" for line in SCORE_INPUT))
    return f"$ printf '%s\\n' {quoted} | deescalate score\n{done.stdout}"


def phrasebook_ok(s: Scratch) -> str:
    return _shown("deescalate phrasebook check acme-phrasebook", s.run("phrasebook", "check", "acme-phrasebook"))


def phrasebook_typo(s: Scratch) -> str:
    path = s.dir / "acme-phrasebook" / "apology.toml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace('triggers = ["delay"]', 'triggers = ["dealy"]'), encoding="utf-8")
    try:
        return _shown("deescalate phrasebook check acme-phrasebook", s.run("phrasebook", "check", "acme-phrasebook"))
    finally:
        path.write_text(good, encoding="utf-8")


def config_errors(s: Scratch) -> str:
    return _shown("deescalate serve --check", s.run("serve", "--check", env=BAD_CONFIG))


EXAMPLES: dict[str, Callable[[Scratch], str]] = {
    "replay-authority": replay_authority,
    "replay-order-chase": replay_order_chase,
    "replay-broken": replay_broken,
    "report-phrases": report_phrases,
    "stats-adoption": stats_answer,
    "score": score,
    "phrasebook-check-ok": phrasebook_ok,
    "phrasebook-check-typo": phrasebook_typo,
    "config-errors": config_errors,
}


def render(readme: str) -> str:
    """README text with every marked block replaced by its example's fresh output."""
    scratch = Scratch(readme)
    try:
        def fill(found: re.Match[str]) -> str:
            name, fence = found.group(1), found.group(2)
            if name not in EXAMPLES:
                raise SystemExit(f"README.md names an unknown example {name!r} (known: {', '.join(EXAMPLES)})")
            body = EXAMPLES[name](scratch)
            return f"<!-- readme-example: {name} -->\n{fence}{body.rstrip()}\n```"

        return MARKER.sub(fill, readme)
    finally:
        scratch.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report (exit 1) when README.md is out of date")
    args = parser.parse_args(argv)
    before = README.read_text(encoding="utf-8")
    after = render(before)
    if after == before:
        print("README.md examples are up to date")
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "README.md", "README.md (fresh)"))
        print("README.md examples are out of date: run python3 scripts/readme_examples.py", file=sys.stderr)
        return 1
    README.write_text(after, encoding="utf-8")
    print("README.md examples regenerated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
