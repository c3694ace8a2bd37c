"""The GitHub side: REST client, the pull-request check, comments, record intake, re-runs, records PRs."""
