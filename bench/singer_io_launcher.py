"""Run singer-io's tap-trello (PyPI) against another base URL.

Run with the interpreter of the virtual environment that has singer-io's ``tap-trello``
installed (never with this repository's: its ``tap_trello`` is a different package)::

    SINGER_IO_TRELLO_BASE_URL=http://127.0.0.1:PORT/1 \\
        .bench/singer-io-venv/bin/python bench/singer_io_launcher.py --config c.json --discover

Its base URL is fixed in ``tap_trello.client.Client.__init__`` (``self.base_url``): this
launcher wraps that constructor to replace it, then calls ``tap_trello.main()`` with the
command line unchanged. Nothing else of the tap is altered.
"""

import os

import tap_trello
from tap_trello import client

BASE_URL = os.environ["SINGER_IO_TRELLO_BASE_URL"].rstrip("/")
_original_init = client.Client.__init__


def _init(self, config):
    _original_init(self, config)
    self.base_url = BASE_URL


client.Client.__init__ = _init

if __name__ == "__main__":
    tap_trello.main()
