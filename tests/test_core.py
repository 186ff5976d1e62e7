"""The Singer SDK's standard tap tests, run against the emulator."""

from __future__ import annotations

import atexit

from singer_sdk.testing import get_tap_test_class

from tap_trello.tap import TapTrello
from tests.helpers import catalog_selecting_all
from trello_emulator import EmulatorServer, Workspace

# get_tap_test_class reads its config when this module is imported, so the emulator
# for these tests starts here rather than in a fixture.
_WORKSPACE = Workspace.generate(seed=11, boards=2, cards=150, actions=200, bulk=False)
_SERVER = EmulatorServer(_WORKSPACE)
_SERVER.start()
atexit.register(_SERVER.stop)

SAMPLE_CONFIG = {
    "api_key": _WORKSPACE.api_key,
    "token": _WORKSPACE.token,
    "api_url": _SERVER.url,
    "start_date": "2023-01-01T00:00:00Z",
}

# Every stream, the opt-in workspace-level ones too.
TestTapTrello = get_tap_test_class(
    tap_class=TapTrello, config=SAMPLE_CONFIG, catalog=catalog_selecting_all(SAMPLE_CONFIG)
)
