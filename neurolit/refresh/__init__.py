"""Scheduled refresh: per-corpus lock, incremental fetch, extraction ledger, exit codes, schedule entries."""
