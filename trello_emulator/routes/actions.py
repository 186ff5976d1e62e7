"""The action feeds, a board's and a workspace's: newest first, paged alike.

``limit`` (50 by default, 1000 at most), ``before``/``since``, ``page`` and ``filter``. An
id given to ``before``/``since`` bounds by its creation second (Trello compares the first 4
bytes only); a date bounds to the millisecond, or to the second like an id when the
server's ``date_bounds`` is ``"second"``. Every feed is paged by the same code
(:func:`feed_page`), so that a workspace's feed follows the board feed's rules exactly.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from .params import ApiError, dumps, given, parse_fields, parse_limit, project

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

    from .api import TrelloApi


def actions_page(  # noqa: PLR0913, PLR0917
    api: TrelloApi,
    bid: str,
    types: tuple[str, ...] | None,
    a: Any,
    limit_key: str = "limit",
    fields_arg: str | None = None,
    prefix: str = "",
) -> list[dict[str, Any]]:
    """One page of a board's actions of ``types`` (None: every type), newest first.

    ``prefix`` is ``actions_`` when the actions are nested in ``/boards/{id}?actions=...``.
    """
    feed = api.ws.actions_index(bid, types)
    return feed_page(api, feed, a, limit_key, fields_arg, prefix)


def feed_page(  # noqa: PLR0913, PLR0917
    api: TrelloApi,
    feed: tuple[list[dict[str, Any]], list[int], list[int]],
    a: Any,
    limit_key: str = "limit",
    fields_arg: str | None = None,
    prefix: str = "",
) -> list[dict[str, Any]]:
    """One page of a feed given as (actions by (date, id) asc, date ms, id seconds)."""
    limit = parse_limit(a.get(limit_key), 50, limit_key)
    acts, ms_arr, secs = feed
    lo, hi = 0, len(acts)
    before = a.get(prefix + "before")
    since = a.get(prefix + "since")
    if given(before):
        kind, val = api.parse_bound(before)
        hi = bisect.bisect_left(secs, val) if kind == "id" else bisect.bisect_left(ms_arr, val)
    if given(since):
        kind, val = api.parse_bound(since)
        lo = bisect.bisect_right(secs, val) if kind == "id" else bisect.bisect_right(ms_arr, val)
    try:
        page_no = int(a.get(prefix + "page", "0"))
    except ValueError:
        raise ApiError(400, "invalid value for page") from None
    if page_no < 0:
        raise ApiError(400, "invalid value for page")
    end = hi - page_no * limit
    start = max(lo, end - limit)
    page = acts[start:end][::-1] if end > start else []
    fields = parse_fields(fields_arg, None)
    out = [project(x, fields) for x in page] if fields is not None else page
    if a.get(prefix + "memberCreator", "true") == "false":
        out = [{k: v for k, v in x.items() if k != "memberCreator"} for x in out]
    return out


def action_types(filt: str) -> tuple[str, ...] | None:
    """The types an actions ``filter`` keeps: ``all`` (None) or a comma list."""
    if filt in ("all", ""):
        return None
    return tuple(sorted(t.strip() for t in filt.split(",") if t.strip()))


def get_board_actions(api: TrelloApi, req: Request, bid: str) -> bytes:
    """``/boards/{id}/actions``: ``filter`` is ``all`` or a comma list of types."""
    bid = api.board_id(bid)
    types = action_types(req.args.get("filter", "all"))
    return dumps(actions_page(api, bid, types, req.args, fields_arg=req.args.get("fields")))


def get_organization_actions(api: TrelloApi, req: Request, oid: str) -> bytes:
    """``/organizations/{id}/actions``: the workspace's own feed, paged as a board's.

    Only workspace actions (``createOrganization``, ``addMemberToOrganization``...): the
    recorded answer of a workspace whose boards were busy held its ``createOrganization``
    alone, not its boards' actions.
    """
    org_id = api.org_id(oid)
    types = action_types(req.args.get("filter", "all"))
    feed = api.ws.organization_actions_index(org_id, types)
    return dumps(feed_page(api, feed, req.args, fields_arg=req.args.get("fields")))
