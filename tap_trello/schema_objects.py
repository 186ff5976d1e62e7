"""Reusable JSON-schema pieces for Trello objects.

Built with ``singer_sdk.typing`` the way MeltanoLabs/tap-github's
``schema_objects.py`` is: small objects (member, label, badges, cover, limits,
board prefs, the refs inside action ``data``...) that the stream schemas in
:mod:`tap_trello.schemas` compose.

Conventions:

* Nullability: in singer-sdk 0.54 every ``th.Property`` that is not
  ``required=True`` is emitted as nullable (``"type": [..., "null"]``).
  ``nullable=True`` is still set on the fields Trello is known to send as
  ``null`` so that the intent survives if the SDK ever stops doing that.
  Only ``id`` is required (never null) in the stream schemas.
* Every date Trello sends (``date``, ``due``, ``start``, ``dateLastActivity``,
  ...) is a ``th.DateTimeType`` (``format: date-time``).
* ``pos`` is a number (Trello positions are floats such as ``16383.75``).
* ``additionalProperties`` is left out of objects whose shape is fixed; it is
  ``true`` only where the shape varies (action ``data`` and its refs, ``old``,
  ``limits``, ``prefs``, emoji maps, plugin/agent blobs) so that the SDK's
  type conformance keeps the keys it does not know instead of dropping them.
"""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th

__all__ = [
    "ACTION_DATA",
    "ACTION_DISPLAY",
    "APP_CREATOR",
    "ATTACHMENT",
    "ATTACHMENT_FIELDS",
    "ATTACHMENT_PREVIEW",
    "ATTACHMENT_REF",
    "BACKGROUND_IMAGE",
    "BADGES",
    "BOARD_ID",
    "BOARD_PREFS",
    "BOARD_REF",
    "CARD_ID",
    "CARD_REF",
    "CHECKLIST_ID",
    "CHECKLIST_REF",
    "CHECK_ITEM",
    "CHECK_ITEM_FIELDS",
    "CHECK_ITEM_REF",
    "CHECK_ITEM_STATE",
    "COORDINATES",
    "COVER",
    "CUSTOM_FIELD_DISPLAY",
    "CUSTOM_FIELD_ITEM",
    "CUSTOM_FIELD_ITEM_FIELDS",
    "CUSTOM_FIELD_ITEM_REF",
    "CUSTOM_FIELD_ITEM_VALUE",
    "CUSTOM_FIELD_OPTION",
    "CUSTOM_FIELD_REF",
    "DATASOURCE",
    "DESC_DATA",
    "LABEL",
    "LABEL_FIELDS",
    "LABEL_NAMES",
    "LABEL_REF",
    "LIMIT",
    "LIMITS",
    "LIST_REF",
    "MARKETING_OPT_IN",
    "MEMBERSHIP",
    "MEMBERSHIP_FIELDS",
    "MEMBER_CREATOR",
    "MEMBER_PREFS",
    "MEMBER_REF",
    "MESSAGE_DISMISSED",
    "NON_PUBLIC",
    "ORGANIZATION_ID",
    "ORGANIZATION_PREFS",
    "ORGANIZATION_REF",
    "SWITCHER_VIEW",
    "VISIBILITY_RESTRICT",
    "array_field",
    "bool_field",
    "datetime_field",
    "id_property",
    "int_array_field",
    "int_field",
    "num_field",
    "object_field",
    "open_object",
    "str_array_field",
    "str_field",
    "strict_object",
]


# --------------------------------------------------------------------------- helpers


def strict_object(*properties: th.Property[Any]) -> th.ObjectType:
    """An object of known shape: no ``additionalProperties`` keyword."""
    return th.ObjectType(*properties, additional_properties=None)


def open_object(*properties: th.Property[Any]) -> th.ObjectType:
    """An object whose shape varies: declared keys plus ``additionalProperties``."""
    return th.ObjectType(*properties, additional_properties=True)


def id_property(*, required: bool = False) -> th.Property[Any]:
    """The ``id`` field: a 24-hex Trello id; required (never null) on streams."""
    return th.Property(
        "id",
        th.StringType,
        required=required,
        description="Trello id (24-hex ObjectId)",
    )


def str_field(name: str, description: str | None = None) -> th.Property[Any]:
    """An optional, nullable string."""
    return th.Property(name, th.StringType, nullable=True, description=description)


def int_field(name: str) -> th.Property[Any]:
    """An optional, nullable integer."""
    return th.Property(name, th.IntegerType, nullable=True)


def num_field(name: str) -> th.Property[Any]:
    """An optional, nullable number."""
    return th.Property(name, th.NumberType, nullable=True)


def bool_field(name: str) -> th.Property[Any]:
    """An optional, nullable boolean."""
    return th.Property(name, th.BooleanType, nullable=True)


def datetime_field(name: str, description: str | None = None) -> th.Property[Any]:
    """An optional, nullable ``date-time`` string."""
    return th.Property(
        name,
        th.DateTimeType,
        nullable=True,
        description=description,
    )


def str_array_field(name: str) -> th.Property[Any]:
    """An optional, nullable array of strings."""
    return th.Property(name, th.ArrayType(th.StringType), nullable=True)


def int_array_field(name: str) -> th.Property[Any]:
    """An optional, nullable array of integers."""
    return th.Property(name, th.ArrayType(th.IntegerType), nullable=True)


def object_field(name: str, wrapped: th.ObjectType) -> th.Property[Any]:
    """An optional, nullable object."""
    return th.Property(name, wrapped, nullable=True)


def array_field(name: str, items: th.ObjectType) -> th.Property[Any]:
    """An optional, nullable array of objects."""
    return th.Property(name, th.ArrayType(items), nullable=True)


# --------------------------------------------------------------------------- tap-added

BOARD_ID = th.Property(
    "board_id",
    th.StringType,
    description="Id of the board the record belongs to (added by the tap)",
)
CARD_ID = th.Property(
    "card_id",
    th.StringType,
    description="Id of the card the record belongs to (added by the tap)",
)
ORGANIZATION_ID = th.Property(
    "organization_id",
    th.StringType,
    description="Id of the workspace the record belongs to (added by the tap)",
)
CHECKLIST_ID = th.Property(
    "checklist_id",
    th.StringType,
    description="Id of the checklist the record belongs to (added by the tap)",
)

# --------------------------------------------------------------------------- generic

DESC_DATA = strict_object(
    th.Property(
        "emoji",
        open_object(),
        nullable=True,
        description="Custom emoji used in the text: name -> image",
    ),
)
"""``descData`` / ``nameData`` / ``bioData`` / ``textData``: ``{"emoji": {}}``."""

LIMIT = strict_object(
    str_field("status"),  # ok | warn | warning | maxExceeded ...
    int_field("disableAt"),
    int_field("warnAt"),
    int_field("count"),
)
"""One limit: ``{"status": "ok", "disableAt": 5000, "warnAt": 4000}``."""


def _limit_group(*names: str) -> th.ObjectType:
    return open_object(*(th.Property(name, LIMIT, nullable=True) for name in names))


LIMITS = open_object(
    th.Property("attachments", _limit_group("perBoard", "perCard"), nullable=True),
    th.Property(
        "boards",
        _limit_group("totalMembersPerBoard", "totalAccessRequestsPerBoard"),
        nullable=True,
    ),
    th.Property(
        "cards",
        _limit_group("openPerBoard", "openPerList", "totalPerBoard", "totalPerList"),
        nullable=True,
    ),
    th.Property("checklists", _limit_group("perBoard", "perCard"), nullable=True),
    th.Property("checkItems", _limit_group("perChecklist"), nullable=True),
    th.Property("customFields", _limit_group("perBoard"), nullable=True),
    th.Property("customFieldOptions", _limit_group("perField"), nullable=True),
    th.Property("labels", _limit_group("perBoard"), nullable=True),
    th.Property("lists", _limit_group("openPerBoard", "totalPerBoard"), nullable=True),
    th.Property("stickers", _limit_group("perCard"), nullable=True),
    th.Property("reactions", _limit_group("perAction", "uniquePerAction"), nullable=True),
    th.Property(
        "orgs",
        _limit_group(
            "totalMembersPerOrg",
            "freeBoardsPerOrg",
            "totalPerMember",
        ),
        nullable=True,
    ),
)
"""``limits`` of boards, lists, cards, checklists, actions, organizations, members.

Each object type only carries its own groups (a card: attachments, checklists,
stickers; a list: cards; an action: reactions; ...); the union is declared.
"""

BACKGROUND_IMAGE = strict_object(
    int_field("width"),
    int_field("height"),
    str_field("url"),
)
"""An entry of ``prefs.backgroundImageScaled``."""

ATTACHMENT_PREVIEW = strict_object(
    id_property(),
    str_field("_id"),
    bool_field("scaled"),
    str_field("url"),
    int_field("bytes"),
    int_field("height"),
    int_field("width"),
)
"""An entry of an attachment's ``previews`` (and of ``cover.scaled``)."""

# --------------------------------------------------------------------------- members

NON_PUBLIC = strict_object(
    str_field("fullName"),
    str_field("initials"),
    str_field("avatarUrl"),
    str_field("avatarHash"),
)
"""``nonPublic``: profile data only visible to members of the same workspace."""

MEMBER_CREATOR = strict_object(
    id_property(),
    bool_field("activityBlocked"),
    str_field("avatarHash"),
    str_field("avatarUrl"),
    str_field("fullName"),
    str_field("idMemberReferrer"),
    str_field("initials"),
    th.Property("nonPublic", NON_PUBLIC, nullable=True),
    bool_field("nonPublicAvailable"),
    str_field("username"),
)
"""The member summary Trello embeds in actions (``memberCreator``, ``member``)."""

MEMBER_PREFS = open_object(
    th.Property(
        "privacy",
        open_object(str_field("fullName"), str_field("avatar")),
        nullable=True,
    ),
    bool_field("sendSummaries"),
    int_field("minutesBetweenSummaries"),
    int_field("minutesBeforeDeadlineToNotify"),
    bool_field("colorBlind"),
    str_field("locale"),
    str_field("timezone"),
)
"""A member's own ``prefs`` (only present for the token's member)."""

MARKETING_OPT_IN = strict_object(bool_field("optedIn"), datetime_field("date"))

MESSAGE_DISMISSED = strict_object(
    str_field("_id"),
    str_field("name"),
    int_field("count"),
    datetime_field("lastDismissed"),
)

MEMBERSHIP_FIELDS: tuple[th.Property[Any], ...] = (
    str_field("idMember"),
    str_field("memberType", "admin | normal | observer"),
    bool_field("unconfirmed"),
    bool_field("deactivated"),
    str_field("orgMemberType"),
    datetime_field("lastActive"),
)
MEMBERSHIP = strict_object(id_property(), *MEMBERSHIP_FIELDS)
"""A board or workspace membership: ``{id, idMember, memberType, ...}``."""

# --------------------------------------------------------------------------- labels

LABEL_FIELDS: tuple[th.Property[Any], ...] = (
    str_field("idBoard"),
    str_field("idOrganization"),
    str_field("name"),
    str_field("nodeId"),
    str_field("color", "null when the label has no colour"),
    int_field("uses"),
)
LABEL = strict_object(id_property(), *LABEL_FIELDS)
"""A label as embedded in a card's ``labels``."""

_LABEL_COLOURS = (
    "green",
    "yellow",
    "orange",
    "red",
    "purple",
    "blue",
    "sky",
    "lime",
    "pink",
    "black",
)
LABEL_NAMES = strict_object(
    *(
        str_field(f"{colour}{suffix}")
        for suffix in ("", "_dark", "_light")
        for colour in _LABEL_COLOURS
    ),
)
"""A board's ``labelNames``: colour -> name, 10 colours x (plain, _dark, _light)."""

# --------------------------------------------------------------------------- boards

SWITCHER_VIEW = strict_object(str_field("viewType"), bool_field("enabled"))

BOARD_PREFS = open_object(
    str_field("permissionLevel", "private | org | enterprise | public"),
    bool_field("hideVotes"),
    str_field("voting"),
    str_field("comments"),
    str_field("invitations"),
    bool_field("selfJoin"),
    bool_field("cardCovers"),
    bool_field("cardCounts"),
    bool_field("isTemplate"),
    str_field("cardAging", "regular | pirate"),
    bool_field("calendarFeedEnabled"),
    str_array_field("hiddenPluginBoardButtons"),
    th.Property("switcherViews", th.ArrayType(SWITCHER_VIEW), nullable=True),
    bool_field("autoArchive"),
    str_field("background"),
    str_field("backgroundColor"),
    str_field("backgroundDarkColor"),
    str_field("backgroundImage"),
    str_field("backgroundDarkImage"),
    th.Property(
        "backgroundImageScaled",
        th.ArrayType(BACKGROUND_IMAGE),
        nullable=True,
    ),
    bool_field("backgroundTile"),
    str_field("backgroundBrightness"),
    str_field("sharedSourceUrl"),
    str_field("backgroundBottomColor"),
    str_field("backgroundTopColor"),
    bool_field("canBePublic"),
    bool_field("canBeEnterprise"),
    bool_field("canBeOrg"),
    bool_field("canBePrivate"),
    bool_field("canInvite"),
    bool_field("showCompleteStatus"),
)
"""A board's ``prefs`` (Trello keeps adding keys: additionalProperties)."""

# --------------------------------------------------------------------------- lists

DATASOURCE = open_object(bool_field("filter"), str_field("link"))
"""A list's ``datasource`` (``{"filter": false}``; board-mirror lists add more)."""

# --------------------------------------------------------------------------- cards

BADGES = strict_object(
    th.Property(
        "attachmentsByType",
        strict_object(
            th.Property(
                "trello",
                strict_object(int_field("board"), int_field("card")),
                nullable=True,
            ),
        ),
        nullable=True,
    ),
    str_field("externalSource"),
    bool_field("location"),
    int_field("votes"),
    bool_field("viewingMemberVoted"),
    bool_field("subscribed"),
    str_field("fogbugz"),
    int_field("checkItems"),
    int_field("checkItemsChecked"),
    datetime_field("checkItemsEarliestDue"),
    int_field("comments"),
    int_field("attachments"),
    bool_field("description"),
    datetime_field("due"),
    bool_field("dueComplete"),
    datetime_field("start"),
    bool_field("lastUpdatedByAi"),
    int_field("maliciousAttachments"),
)
"""A card's ``badges``."""

COVER = strict_object(
    str_field("idAttachment"),
    str_field("color"),
    str_field("idUploadedBackground"),
    str_field("size", "normal | full"),
    str_field("brightness", "light | dark"),
    num_field("yPosition"),
    str_field("idPlugin"),
    th.Property("scaled", th.ArrayType(ATTACHMENT_PREVIEW), nullable=True),
    str_field("edgeColor"),
    str_field("sharedSourceUrl"),
)
"""A card's ``cover``."""

COORDINATES = strict_object(num_field("latitude"), num_field("longitude"))
"""A card's ``coordinates`` (Map power-up): ``{"latitude", "longitude"}``."""

CHECK_ITEM_STATE = strict_object(str_field("idCheckItem"), str_field("state"))
"""An entry of a card's ``checkItemStates``."""

ATTACHMENT_FIELDS: tuple[th.Property[Any], ...] = (
    int_field("bytes"),
    datetime_field("date"),
    str_field("edgeColor"),
    str_field("idMember"),
    bool_field("isMalicious"),
    bool_field("isUpload"),
    str_field("mimeType"),
    str_field("name"),
    th.Property("previews", th.ArrayType(ATTACHMENT_PREVIEW), nullable=True),
    str_field("url"),
    num_field("pos"),
    str_field("fileName"),
)
ATTACHMENT = strict_object(id_property(), *ATTACHMENT_FIELDS)
"""A card attachment (metadata only), as in ``/cards?attachments=true``."""

CUSTOM_FIELD_ITEM_VALUE = strict_object(
    str_field("text"),
    str_field("number", "a decimal number as a string"),
    datetime_field("date"),
    str_field("checked", "'true' or 'false'"),
)
"""A custom field item's ``value``: one of text/number/date/checked, as strings."""

CUSTOM_FIELD_ITEM_FIELDS: tuple[th.Property[Any], ...] = (
    str_field("idCustomField"),
    str_field("idModel"),
    str_field("modelType", "card"),
    str_field("idValue", "the chosen option of a list field, else null"),
    th.Property("value", CUSTOM_FIELD_ITEM_VALUE, nullable=True),
)
CUSTOM_FIELD_ITEM = strict_object(id_property(), *CUSTOM_FIELD_ITEM_FIELDS)
"""An entry of a card's ``customFieldItems``."""

CUSTOM_FIELD_OPTION = strict_object(
    id_property(),
    str_field("idCustomField"),
    th.Property("value", strict_object(str_field("text")), nullable=True),
    str_field("color"),
    num_field("pos"),
)
"""An option of a ``list`` custom field."""

CUSTOM_FIELD_DISPLAY = strict_object(bool_field("cardFront"))

# --------------------------------------------------------------------------- checklists

CHECK_ITEM_FIELDS: tuple[th.Property[Any], ...] = (
    str_field("idChecklist"),
    str_field("name"),
    th.Property("nameData", DESC_DATA, nullable=True),
    num_field("pos"),
    str_field("state", "complete | incomplete"),
    datetime_field("due"),
    int_field("dueReminder"),
    str_field("idMember"),
    str_field("type"),
    str_field("creationMethod"),
)
CHECK_ITEM = strict_object(id_property(), *CHECK_ITEM_FIELDS)
"""A check item, as nested in a checklist's ``checkItems``."""

# --------------------------------------------------------------------------- workspaces

VISIBILITY_RESTRICT = strict_object(
    str_field("private"),
    str_field("org"),
    str_field("enterprise"),
    str_field("public"),
)

ORGANIZATION_PREFS = open_object(
    str_field("permissionLevel"),
    str_array_field("orgInviteRestrict"),
    str_field("boardInviteRestrict"),
    bool_field("externalMembersDisabled"),
    str_field("associatedDomain"),
    int_field("googleAppsVersion"),
    th.Property("boardVisibilityRestrict", VISIBILITY_RESTRICT, nullable=True),
    th.Property("boardDeleteRestrict", VISIBILITY_RESTRICT, nullable=True),
    str_array_field("attachmentRestrictions"),
)
"""A workspace's ``prefs``."""

# --------------------------------------------------------------------------- actions

BOARD_REF = open_object(
    id_property(),
    str_field("name"),
    str_field("shortLink"),
    th.Property("prefs", open_object(), nullable=True, description="updateBoard: new prefs"),
    str_field("desc"),
    bool_field("closed"),
)
"""``data.board`` (plus, for ``updateBoard``, the new value of the changed field)."""
LIST_REF = open_object(
    id_property(),
    str_field("name"),
    bool_field("closed"),
    num_field("pos"),
)
CARD_REF = open_object(
    id_property(),
    str_field("name"),
    int_field("idShort"),
    str_field("shortLink"),
    bool_field("closed"),
    str_field("idList"),
    num_field("pos"),
    str_field("desc"),
    datetime_field("due"),
    datetime_field("start"),
    bool_field("dueComplete"),
    str_field("locationName"),
    str_field("address"),
    str_field("idAttachmentCover", "updateCard: the new cover attachment (or empty)"),
)
"""``data.card``: the card's id/name/idShort/shortLink plus, for ``updateCard``,
the new value of the changed field (whose old value is in ``data.old``)."""
CHECKLIST_REF = open_object(id_property(), str_field("name"))
CHECK_ITEM_REF = open_object(
    id_property(),
    str_field("name"),
    str_field("state"),
    th.Property("textData", DESC_DATA, nullable=True),
)
LABEL_REF = open_object(id_property(), str_field("name"), str_field("color"))
MEMBER_REF = open_object(id_property(), str_field("name"))
ATTACHMENT_REF = open_object(
    id_property(),
    str_field("name"),
    str_field("url"),
    str_field("previewUrl"),
    str_field("previewUrl2x"),
)
CUSTOM_FIELD_REF = open_object(id_property(), str_field("name"), str_field("type"))
CUSTOM_FIELD_ITEM_REF = open_object(
    id_property(),
    str_field("idCustomField"),
    str_field("idModel"),
    str_field("modelType"),
    str_field("idValue"),
    th.Property("value", open_object(), nullable=True),
)
ORGANIZATION_REF = open_object(
    id_property(),
    str_field("name"),
    str_field("desc", "the new description (updateOrganization)"),
)

ACTION_DATA = open_object(
    th.Property("board", BOARD_REF, nullable=True),
    th.Property("boardSource", BOARD_REF, nullable=True),
    th.Property("boardTarget", BOARD_REF, nullable=True),
    th.Property("list", LIST_REF, nullable=True),
    th.Property("listBefore", LIST_REF, nullable=True),
    th.Property("listAfter", LIST_REF, nullable=True),
    th.Property("card", CARD_REF, nullable=True),
    th.Property("cardSource", CARD_REF, nullable=True),
    th.Property(
        "old",
        open_object(),
        nullable=True,
        description="previous values of the fields an update changed",
    ),
    str_field("text"),
    th.Property("textData", DESC_DATA, nullable=True),
    datetime_field("dateLastEdited"),
    th.Property("checklist", CHECKLIST_REF, nullable=True),
    th.Property("checkItem", CHECK_ITEM_REF, nullable=True),
    th.Property("label", LABEL_REF, nullable=True),
    th.Property("member", MEMBER_REF, nullable=True),
    str_field("idMember"),
    str_field("idMemberAdded", "addMemberToBoard: the member added"),
    str_field("memberType", "addMemberToBoard / makeAdminOfBoard ...: the role"),
    bool_field("deactivated"),
    str_field("value", "addLabelToCard / removeLabelFromCard: the label's colour"),
    th.Property("attachment", ATTACHMENT_REF, nullable=True),
    th.Property("customField", CUSTOM_FIELD_REF, nullable=True),
    th.Property("customFieldItem", CUSTOM_FIELD_ITEM_REF, nullable=True),
    th.Property("organization", ORGANIZATION_REF, nullable=True),
    th.Property("plugin", open_object(), nullable=True, description="power-up actions"),
    bool_field("fromCopy"),  # the object came with a copied card or board
    str_field("idOriginalCommenter", "copyCommentCard: who wrote the comment"),
    str_field("creationMethod", "how a card or board was created (automatic, assisted...)"),
)
"""An action's ``data``: the objects it touched; the shape varies by type."""

APP_CREATOR = open_object(
    id_property(),
    str_field("name"),
    th.Property("icon", open_object(str_field("url")), nullable=True),
)
"""``appCreator``: the app (power-up, API client) that made the action, or null."""

ACTION_DISPLAY = open_object(
    str_field("translationKey"),
    th.Property("entities", open_object(), nullable=True),
)
"""``display``: how Trello renders the action (only with ``display=true``)."""
