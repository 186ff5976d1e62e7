"""Run the repository's Meltano project (meltano.yml) from tests and the demo.

Meltano comes with the ``test`` extra (``pip install -e '.[test]'``, which ``make test`` and
``make demo`` do), so its console script sits next to this interpreter. Meltano builds each
plugin's virtual environment with uv under ``.meltano/`` in the repository (gitignored), so
only the first run pays for the installs. Tests point ``MELTANO_DATABASE_URI`` at a
temporary SQLite file so that their state never meets a user's.
"""

from __future__ import annotations

import os

from trello_emulator.meltano import (  # noqa: F401 (the tests import them from here)
    REPO_ROOT,
    MeltanoError,
    meltano_env,
    meltano_executable,
    plugin_python,
    record_counts,
    run_meltano,
    setting_env,
)

MELTANO_YML = REPO_ROOT / "meltano.yml"
PROD = ("--env-file", os.devnull, "--environment=prod")
"""``meltano`` options of a run in ``prod`` that takes everything from variables (no .env)."""
