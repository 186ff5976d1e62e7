"""The emulator's model: a Trello workspace's state and the generators of each object.

No HTTP here (that is :mod:`trello_emulator.server` and :mod:`trello_emulator.routes`).
``state.py`` holds the records and answers queries, ``workspace.py`` adds the generator
entry point and the mutations, ``generate.py`` plans a whole workspace, and one module per
Trello object builds that object: ``members``, ``boards`` (with lists and labels),
``custom_fields``, ``cards``, ``checklists``, ``attachments``, ``actions``; ``ids`` mints
Mongo ObjectIds and Trello dates.
"""

from .workspace import Workspace

__all__ = ["Workspace"]
