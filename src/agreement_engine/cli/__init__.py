"""The command line: the typer app and the command functions.

The only package that knows about argv, exit codes and terminals. It calls the public API
(:mod:`agreement_engine.api`) and renders results with :mod:`agreement_engine.render`; nothing
imports it. The console script is :func:`.console.main`, which handles Ctrl-C from the first
moment and then imports the app (:mod:`.app`); this package imports nothing itself, so that
nothing is imported before that.
"""
