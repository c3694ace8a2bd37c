"""Checks over submissions: validation, originality evidence, Hub metadata, pull-request scope."""
