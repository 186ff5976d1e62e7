"""What the tests, the benchmark and the demo share: a dev package, not part of the tap.

The Meltano runner (``meltano.py``) and the throwaway PostgreSQL server (``postgres.py``).
It imports neither ``tests`` nor ``bench``: both import it.
"""
