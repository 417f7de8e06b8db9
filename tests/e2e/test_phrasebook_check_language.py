"""`phrasebook check` on a team folder checks it in the language the bot will run with, not in every shipped one."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from phrasebook import check_phrasebook, main_check

ROOT = Path(__file__).resolve().parents[2]
# Disables an English id: valid over the English book, a problem over any other.
ENGLISH_OVERRIDE = '[[phrase]]\nid = "apology.bill-confusion"\ndisabled = true\n'


def write(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")


def check_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "cli.main", "phrasebook", "check", *args],
                          cwd=cwd, env=environ, capture_output=True, text=True, timeout=60)


def test_a_team_folder_is_checked_only_in_the_run_language(tmp_path: Path) -> None:
    write(tmp_path, "apology.toml", ENGLISH_OVERRIDE)
    out = io.StringIO()
    assert main_check([str(tmp_path)], out, run_language="en") == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"OK: {tmp_path} [en]: ")
    out = io.StringIO()
    assert main_check([str(tmp_path)], out, run_language="es") == 1
    assert "apology.bill-confusion: disables an id that is not in the default phrasebook" in out.getvalue()
    assert "[en]" not in out.getvalue()


def test_the_command_reads_the_run_language_from_deescalate_language(tmp_path: Path) -> None:
    write(tmp_path / "acme", "apology.toml", ENGLISH_OVERRIDE)
    english = check_cli("acme", cwd=tmp_path)
    assert english.returncode == 0, english.stdout + english.stderr
    assert english.stdout.startswith("OK: acme [en]: ")
    spanish = check_cli("acme", cwd=tmp_path, DEESCALATE_LANGUAGE="es")
    assert spanish.returncode == 1
    assert spanish.stdout.splitlines() == [
        "acme/apology.toml: apology.bill-confusion: disables an id that is not in the default phrasebook",
        "1 problem found",
    ]
    # --language wins over the variable
    forced = check_cli("acme", "--language", "en", cwd=tmp_path, DEESCALATE_LANGUAGE="es")
    assert forced.returncode == 0 and "[en]" in forced.stdout


def test_language_subfolders_of_a_team_folder_are_checked_too(tmp_path: Path) -> None:
    write(tmp_path, "apology.toml", ENGLISH_OVERRIDE)
    write(tmp_path / "es", "closing.toml", '[[phrase]]\nid = "closing.x"\ntext = ""\n')
    out = io.StringIO()
    assert main_check([str(tmp_path)], out, run_language="en") == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"OK: {tmp_path} [en]: ")
    assert lines[1] == f"{tmp_path / 'es' / 'closing.toml'}: closing.x: empty text"
    assert lines[-1] == "1 problem found"


def test_an_unknown_language_is_named_once_under_its_variable(tmp_path: Path) -> None:
    problems = check_phrasebook(None, "fr")
    assert [str(p) for p in problems] == [
        "DEESCALATE_LANGUAGE: no phrasebook for language 'fr': the package ships en, es; "
        "for another, put a complete fr/ folder in DEESCALATE_PHRASEBOOK"
    ]
    done = check_cli("--language", "fr", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout.splitlines()[0].startswith("DEESCALATE_LANGUAGE: no phrasebook for language 'fr'")
