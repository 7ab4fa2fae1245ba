"""Entry point for ``python -m netpoldiff``."""

from netpoldiff.cli import run

run()
