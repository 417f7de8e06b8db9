"""deescalate's domain: detector, thread state, handoffs, summaries, Block Kit builders, config.

Pure code: nothing in this package imports Slack, Redis, aiohttp, the process's streams or files
(bot/config.py reads the environment, bot/detector.py its packaged weights); tests/unit/test_layers.py
checks it by reading the imports.
"""
