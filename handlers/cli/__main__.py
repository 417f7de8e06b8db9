"""`python3 -m handlers.cli …` is `deescalate …` (the CLI lives in cli/main.py)."""

import sys

from cli.main import main

sys.exit(main())
