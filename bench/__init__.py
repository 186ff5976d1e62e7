"""Benchmark: this tap against singer-io's tap-trello on the Trello emulator.

A sized workspace (``bench.cli``), then the many-boards scenarios (``bench.scale``).

``python -m bench`` (or ``make bench``); ``python -m bench --help`` for the options and
``bench/README.md`` for what it measures and the latest figures.
"""
