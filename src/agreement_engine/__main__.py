"""``python -m agreement_engine``."""

from agreement_engine.cli import main

main()
