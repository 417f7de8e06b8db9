"""README.md's examples are what the program prints: the generated blocks are current, the phrasebook
example passes verbatim, and the fresh-machine commands are the ones CI runs."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _script():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("readme_examples", ROOT / "scripts" / "readme_examples.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _block(name: str) -> str:
    found = re.search(rf"<!-- readme-example: {name} -->\n```[a-z]*\n(.*?)```", README, re.S)
    assert found, f"README.md has no {name} example"
    return found.group(1)


def test_every_generated_example_matches_what_the_program_prints_now() -> None:
    script = _script()
    names = re.findall(r"<!-- readme-example: ([a-z0-9-]+) -->", README)
    assert sorted(names) == sorted(script.EXAMPLES), "every example the script knows is in README.md, once"
    fresh = script.render(README)
    stale = [name for name in names if _block_of(fresh, name) != _block(name)]
    assert not stale, f"README.md examples out of date: {stale}; run `python3 scripts/readme_examples.py`"


def _block_of(text: str, name: str) -> str:
    return re.search(rf"<!-- readme-example: {name} -->\n```[a-z]*\n(.*?)```", text, re.S).group(1)


def test_the_phrasebook_example_passes_phrasebook_check_verbatim(tmp_path: Path) -> None:
    files = re.findall(r"`acme-phrasebook/(\w+\.toml)`:?\s*\n\n```toml\n(.*?)```", README, re.S)
    assert [name for name, _ in files] == ["apology.toml", "coach.toml"]
    for name, body in files:
        (tmp_path / "acme-phrasebook").mkdir(exist_ok=True)
        (tmp_path / "acme-phrasebook" / name).write_text(body, encoding="utf-8")
    command, *shown = _block("phrasebook-check-ok").splitlines()
    assert command == "$ deescalate phrasebook check acme-phrasebook"
    done = subprocess.run([sys.executable, "-m", "handlers.cli", *command.split()[2:]], cwd=tmp_path,
                          env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == shown


def _fresh_machine_commands() -> tuple[str, str]:
    commands = re.findall(r"on a fresh machine[^\n]*\n\n```bash\n(.*?)\n```", README)
    assert len(commands) == 2, "README.md opens with the try-it command and the test command"
    return commands[0], commands[1]


def test_the_first_commands_use_a_venv_and_ci_runs_the_readme_test_command() -> None:
    try_it, tests = _fresh_machine_commands()
    assert try_it.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . && deescalate replay ")
    assert (ROOT / try_it.rsplit(" ", 1)[1]).is_file()
    assert "Python ≥ 3.11" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # each step of the README's test command is a line of CI's script (CI adds only quiet flags)
    steps = [step.strip() for step in tests.split("&&")]
    assert steps[0] == "apt-get update" and steps[-1] == "python3 -m pytest -q -p no:cacheprovider"
    ci_lines = [re.sub(r" --?(quiet|qq|disable-pip-version-check)\b| >/dev/null", "", line).strip() for line in ci.splitlines()]
    for step in steps:
        assert step in ci_lines, f".ci/run does not run {step!r}"
