"""``python -m agreement_engine``: the same program as the console script."""

from agreement_engine.cli.console import main

main()
