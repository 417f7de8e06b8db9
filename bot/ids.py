"""Every Slack action id, callback id and view id in one place (listeners and Block Kit builders share them)."""

# whisper buttons
WHISPER_ANOTHER = "whisper_another"
WHISPER_HELPFUL = "whisper_helpful"
WHISPER_NOT_HELPFUL = "whisper_not_helpful"
START_HANDOFF = "start_handoff"  # on a whisper; value = "<channel>|<root_ts>"

# phrasebook command answers
PHRASES_ANOTHER = "phrases_another"

# the message shortcut in manifest.yml
HANDOFF_SHORTCUT = "handoff_thread"

# handoff modal and the case post in the supervisor channel
HANDOFF_MODAL = "handoff_modal"
HANDOFF_ACCEPT = "handoff_accept"
HANDOFF_DECLINE = "handoff_decline"
HANDOFF_REASSIGN = "handoff_reassign"
HANDOFF_RESOLVE = "handoff_resolve"
DECLINE_MODAL = "handoff_decline_modal"
REASSIGN_MODAL = "handoff_reassign_modal"
RESOLVE_MODAL = "handoff_resolve_modal"
