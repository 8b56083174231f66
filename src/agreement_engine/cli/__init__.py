"""The command line: the typer app and the command functions.

The only package that knows about argv, exit codes and terminals. It calls the public API
(:mod:`agreement_engine.api`) and renders results with :mod:`agreement_engine.render`; nothing
imports it.
"""

from agreement_engine.cli.app import app, main

__all__ = ["app", "main"]
