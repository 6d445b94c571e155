"""CLI command modules, one per stage. Each module adds its commands to the apps in `neurolit.commands.apps`.

Command modules import only typer/rich at module level; the library (spaCy, pandas, ...) is imported inside the
command functions so that `neurolit --help` stays instant.
"""
