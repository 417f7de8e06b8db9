"""The imperative shell: Slack listeners (one module per surface), the HTTP server and the CLI."""
