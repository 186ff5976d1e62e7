"""Benchmark: this tap against singer-io's tap-trello on the Trello emulator.

``python -m bench`` (or ``make bench``); ``python -m bench --help`` for the options and
``bench/README.md`` for what it measures and the latest figures.
"""
