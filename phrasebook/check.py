"""`deescalate phrasebook check [PATH] [--language LANG]`: validate a phrasebook and list every problem."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TextIO

from phrasebook.loader import check_phrasebook, load_phrasebook, shipped_languages
from phrasebook.model import KINDS


def main_check(argv: list[str], out: TextIO, *, run_language: str = "en") -> int:
    """Print every problem (file: entry: reason) and return 1, or print an OK summary and return 0.

    The built-in book is checked in every shipped language; a team folder in the language the bot
    will run with (`run_language`, from DEESCALATE_LANGUAGE) and in any language it has a subfolder for,
    since its files are merged over that language's book only."""
    parser = argparse.ArgumentParser(
        prog="deescalate phrasebook check",
        description="Validate a phrasebook folder merged over the default (or the default itself).",
    )
    parser.add_argument("path", nargs="?", help="a team phrasebook folder (default: the built-in phrasebook)")
    parser.add_argument("--language", help="check one language only (default: a team folder in DEESCALATE_LANGUAGE "
                        "and its language subfolders; the built-in book in every language)")
    args = parser.parse_args(argv)
    if args.language:
        languages = [args.language.lower()]
    elif args.path:
        languages = [run_language, *team_languages(Path(args.path))]
    else:
        languages = list(shipped_languages())
    languages = list(dict.fromkeys(languages))
    failed = 0
    for language in languages:
        problems = check_phrasebook(args.path, language)
        for problem in problems:
            print(problem, file=out)
        if problems:
            failed += len(problems)
            continue
        book = load_phrasebook(args.path, language)
        where = args.path or "built-in"
        print(
            f"OK: {where} [{language}]: {len(book)} phrases in {len(KINDS)} kinds, {len(book.rules)} coach rules",
            file=out,
        )
    if failed:
        print(f"{failed} problem{'s' if failed != 1 else ''} found", file=out)
        return 1
    return 0


def team_languages(folder: Path) -> list[str]:
    """Languages a team folder has its own `<language>/` subfolder of TOML files for."""
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir()
        if p.is_dir() and re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", p.name) and any(p.glob("*.toml"))
    )
