"""What the tests, the benchmark and the demo share: a dev package, not part of the tap.

The Meltano runner (``meltano.py``), the throwaway PostgreSQL server (``postgres.py``), the
analytics oracle and the marts' comparison (``analytics_*.py``), and the demo itself
(``demo.py`` and ``demo_analytics.py``: ``python -m devtools.demo``, what ``make demo`` runs).
It imports neither ``tests`` nor ``bench``: both import it. The emulator (``trello_emulator``)
imports nothing of it, nor Meltano.
"""
