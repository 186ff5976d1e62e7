"""Every failure the tap names, in one place.

``main()`` turns a :class:`TrelloError` into one line and exit code 1; the others are
signals between the tap's parts (a smaller answer wanted, a run that stopped).
"""

from __future__ import annotations


class TrelloError(Exception):
    """A failure the user can act on; its message is one self-explanatory line."""


class SettingsError(TrelloError):
    """The settings or input files are wrong: nothing was requested."""


class BoardUnavailableError(TrelloError):
    """A board vanished or became invisible to the token while the sync ran."""


class WorkspaceUnavailableError(TrelloError):
    """A workspace vanished or became invisible to the token while the sync ran."""


class AnswerTooLargeError(Exception):
    """Trello refused a page as too large (its nested objects): ask for fewer rows."""


class RunStoppedError(Exception):
    """The run failed elsewhere: a request still waiting to be sent is not sent."""
