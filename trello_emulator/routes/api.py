"""What every route handler reaches: the workspace, and how Trello resolves what a URL names.

A board is named by id or shortLink, a member by id, username or ``me``, an organization by
id or name. Unknown objects answer 404 (400 when the reference is not even an id), objects
on boards the token's member is not on answer 401, as Trello does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trello_emulator.model.ids import is_object_id, is_short_link

from .params import NOT_FOUND, ApiError

if TYPE_CHECKING:
    from trello_emulator.model import Workspace


class TrelloApi:
    """The workspace behind the routes, plus the serialised-card cache they share."""

    def __init__(self, workspace: Workspace) -> None:
        """Answer from ``workspace``."""
        self.ws = workspace
        self.card_json: dict[str, tuple[dict[str, Any], bytes]] = {}
        """Card id -> (the card record, its JSON): reused while the record is unchanged."""
        self.card_json_label_version = 0

    def board_id(self, ref: str) -> str:
        """The id of a visible board named by id or shortLink."""
        if not (is_object_id(ref) or is_short_link(ref)):
            raise ApiError(400, "invalid id")
        bid = self.ws.resolve_board(ref)
        if bid is None:
            raise ApiError(404, NOT_FOUND)
        if not self.ws.is_visible(bid):
            raise ApiError(401, "unauthorized permission requested")
        return bid

    def member_id(self, ref: str) -> str:
        """The id of a member named by id, username or ``me``."""
        ws = self.ws
        if ref == "me":
            return ws.me_id
        if ref in ws.members:
            return ref
        for member_id, member in ws.members.items():
            if member["username"] == ref:
                return member_id
        if not is_object_id(ref):
            raise ApiError(400, "invalid id")
        raise ApiError(404, NOT_FOUND)

    def org_id(self, ref: str) -> str:
        """The id of an organization named by id or name."""
        ws = self.ws
        org_id = next((o for o, rec in ws.organizations.items() if ref in (o, rec["name"])), None)
        if org_id is None:
            if not is_object_id(ref):
                raise ApiError(400, "invalid id")
            raise ApiError(404, NOT_FOUND)
        return org_id

    def on_visible_board(self, records: dict[str, dict[str, Any]], ref: str) -> dict[str, Any]:
        """A list or card by id, with Trello's 400 / 404 / 401 answers."""
        if not is_object_id(ref):
            raise ApiError(400, "invalid id")
        record = records.get(ref)
        if record is None:
            raise ApiError(404, NOT_FOUND)
        if not self.ws.is_visible(record["idBoard"]):
            raise ApiError(401, "unauthorized permission requested")
        return record
