"""`deescalate phrasebook check [PATH] [--language LANG]`: validate a phrasebook and list every problem."""

from __future__ import annotations

import argparse
from typing import TextIO

from phrasebook.loader import check_phrasebook, load_phrasebook, shipped_languages
from phrasebook.model import KINDS


def main_check(argv: list[str], out: TextIO) -> int:
    """Print every problem (file: entry: reason) and return 1, or print an OK summary and return 0."""
    parser = argparse.ArgumentParser(
        prog="deescalate phrasebook check",
        description="Validate a phrasebook folder merged over the default (or the default itself).",
    )
    parser.add_argument("path", nargs="?", help="a team phrasebook folder (default: the built-in phrasebook)")
    parser.add_argument("--language", help="check one language only (default: every built-in language)")
    args = parser.parse_args(argv)
    languages = [args.language] if args.language else list(shipped_languages())
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
            f"OK: {where} [{language}]: {len(book)} phrases in {len(KINDS)} kinds, {len(book.rules)} coach rules, "
            f"{len(book.moves)} move entries",
            file=out,
        )
    if failed:
        print(f"{failed} problem{'s' if failed != 1 else ''} found", file=out)
        return 1
    return 0
