"""Curator review: a local web app, a decision store kept apart from machine output, sheets and exports.

Modules: model (decision records, validation), store (SQLite decisions, append-only log), service (evidence
table joined with decisions, filters), highlight (escaped highlighting), context (article lookup), app
(Flask), server (serving, host/token rules), sheets (CSV round trip), exports (curated CSV, CIViC-style TSV),
agreement (Cohen's kappa between curators).
"""
