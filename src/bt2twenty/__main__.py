"""Run the command-line interface with ``python -m bt2twenty``."""

from __future__ import annotations

from bt2twenty.cli.app import main

main()
