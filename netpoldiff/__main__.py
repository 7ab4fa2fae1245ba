"""Entry point for ``python -m netpoldiff``."""

from netpoldiff.cli import main

main()
