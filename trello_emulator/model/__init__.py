"""The emulator's model: a Trello workspace's state and the generators of each object.

No HTTP here (that is :mod:`trello_emulator.server` and :mod:`trello_emulator.routes`).
``state.py`` holds the records and answers queries, ``workspace.py`` adds the generator
entry point and the mutations, ``generate.py`` plans a whole workspace, and one module per
Trello object builds that object: ``members``, ``boards`` (with lists and labels),
``custom_fields``, ``cards``, ``checklists``, ``attachments``, ``actions``; ``ids`` mints
Mongo ObjectIds and Trello dates. The workspace level comes after, from a random stream of
its own: ``organization_level`` (who is in each workspace, its own feed), ``plugin_data``
(Power-Up data of boards and cards) and their edits, ``workspace_level_edits``.
"""

from .workspace import Workspace

__all__ = ["Workspace"]
