"""`python3 -m cli …` is `deescalate …`."""

import sys

from cli.main import main

sys.exit(main())
