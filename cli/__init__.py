"""The command line: `deescalate serve | score | replay | report | forget | phrasebook check`."""
