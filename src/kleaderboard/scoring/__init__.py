"""Scoring: normalisation and indices, the joined leaderboard table, GPU prices."""
