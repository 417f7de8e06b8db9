"""deescalate's domain: detector, thread state, handoffs, summaries, Block Kit builders, config.

Pure code: nothing in this package imports slack_bolt.
"""
