"""The Meltano runner the tests use, from the dev package (devtools/meltano.py).

Meltano comes with the ``test`` extra (``pip install -e '.[test]'``, which ``make test`` and
``make demo`` do). Tests point ``MELTANO_DATABASE_URI`` at a temporary SQLite file so that
their state never meets a user's.
"""

from __future__ import annotations

from devtools.meltano import (  # noqa: F401 (the tests import them from here)
    MELTANO_YML,
    PROD,
    REPO_ROOT,
    MeltanoError,
    meltano_env,
    meltano_executable,
    plugin_python,
    record_counts,
    run_meltano,
    setting_env,
)
