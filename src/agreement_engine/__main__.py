"""``python -m agreement_engine``: the same program as the console script."""

from agreement_engine.console import main

main()
