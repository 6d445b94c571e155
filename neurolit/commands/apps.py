"""The typer application and its command groups; stage modules register commands on these."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="neurolit",
    help="PubMed to a reviewed variant–drug–response evidence table for precision oncology.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
corpus_app = typer.Typer(help="List, show, search and export corpus stores.", no_args_is_help=True)
eval_app = typer.Typer(
    help="Measure precision, recall and F1 against annotated corpora.", no_args_is_help=True
)
train_app = typer.Typer(help="Train statistical models from the annotated corpora.", no_args_is_help=True)
mirror_app = typer.Typer(
    help="Keep a local mirror of the PubMed baseline and update files.", no_args_is_help=True
)

app.add_typer(corpus_app, name="corpus")
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
app.add_typer(mirror_app, name="mirror")
