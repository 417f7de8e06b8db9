"""The imperative shell: the app and its runtime, the HTTP server, the one Slack gateway, the one Redis
store, user-group lookups, metrics and logs. Everything here does I/O; the decisions are bot/'s."""
