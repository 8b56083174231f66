"""``python -m agreement_engine``."""

from agreement_engine.cli.app import main

main()
