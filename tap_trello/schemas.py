"""JSON schemas of the tap-trello streams.

One module-level dict per stream (``BOARDS``, ``LISTS``, ...), and ``SCHEMAS``
mapping each stream name to its schema. The pieces shared between streams live
in :mod:`tap_trello.schema_objects`.

Fields are Trello's own (``fields=all``), plus what the tap adds: ``board_id``
on every per-board stream, ``card_id`` on checklists, card custom field items,
attachments and check items, ``checklist_id`` on check items. See
``tap_trello/schema_objects.py`` for the conventions (nullability, date-times,
``additionalProperties``).
"""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th

from tap_trello.schema_objects import (
    ACTION_DATA,
    ACTION_DISPLAY,
    APP_CREATOR,
    ATTACHMENT,
    ATTACHMENT_FIELDS,
    BADGES,
    BOARD_ID,
    BOARD_PREFS,
    CARD_ID,
    CHECK_ITEM,
    CHECK_ITEM_FIELDS,
    CHECK_ITEM_STATE,
    CHECKLIST_ID,
    COORDINATES,
    COVER,
    CUSTOM_FIELD_DISPLAY,
    CUSTOM_FIELD_ITEM,
    CUSTOM_FIELD_ITEM_FIELDS,
    CUSTOM_FIELD_OPTION,
    DATASOURCE,
    DESC_DATA,
    LABEL,
    LABEL_FIELDS,
    LABEL_NAMES,
    LIMITS,
    MARKETING_OPT_IN,
    MEMBER_CREATOR,
    MEMBER_PREFS,
    MEMBERSHIP,
    MEMBERSHIP_FIELDS,
    MESSAGE_DISMISSED,
    NON_PUBLIC,
    ORGANIZATION_ID,
    ORGANIZATION_PREFS,
    array_field,
    bool_field,
    datetime_field,
    id_property,
    int_array_field,
    int_field,
    num_field,
    object_field,
    open_object,
    str_array_field,
    str_field,
)

__all__ = [
    "ACTIONS",
    "ATTACHMENTS",
    "BOARDS",
    "BOARD_MEMBERSHIPS",
    "CARDS",
    "CARD_CUSTOM_FIELD_ITEMS",
    "CHECKLISTS",
    "CHECK_ITEMS",
    "CUSTOM_FIELDS",
    "DELETED_CARDS",
    "LABELS",
    "LISTS",
    "MEMBERS",
    "ORGANIZATIONS",
    "SCHEMAS",
]

Schema = dict[str, Any]


def _schema(*properties: th.Property[Any]) -> Schema:
    """A stream schema: ``id`` required (never null), every other field optional."""
    return th.PropertiesList(id_property(required=True), *properties).to_dict()


# --------------------------------------------------------------------------- boards

BOARDS: Schema = _schema(
    str_field("name"),
    str_field("desc"),
    object_field("descData", DESC_DATA),
    bool_field("closed"),
    datetime_field("dateClosed"),
    str_field("idOrganization"),
    str_field("idEnterprise"),
    object_field("limits", LIMITS),
    bool_field("pinned"),
    bool_field("starred"),
    str_field("url"),
    object_field("prefs", BOARD_PREFS),
    str_field("shortLink"),
    bool_field("subscribed"),
    object_field("labelNames", LABEL_NAMES),
    str_array_field("powerUps"),
    datetime_field("dateLastActivity"),
    datetime_field("dateLastView"),
    str_field("shortUrl"),
    str_array_field("idTags"),
    datetime_field("datePluginDisable"),
    str_field("creationMethod"),
    str_field("ixUpdate", "Trello sends this counter as a string"),
    str_field("templateGallery"),
    bool_field("enterpriseOwned"),
    str_field("idBoardSource"),
    str_array_field("premiumFeatures"),
    str_field("idMemberCreator"),
    str_field("type"),
    str_field("nodeId"),
    array_field("memberships", MEMBERSHIP),
    bool_field("invited"),
    array_field("invitations", open_object()),
)
"""``/members/me/boards`` or ``/boards/{id}`` with ``fields=all``."""

# --------------------------------------------------------------------------- lists

LISTS: Schema = _schema(
    str_field("name"),
    bool_field("closed"),
    str_field("color"),
    str_field("idBoard"),
    num_field("pos"),
    bool_field("subscribed"),
    int_field("softLimit"),
    str_field("status"),
    str_field("type"),
    object_field("datasource", DATASOURCE),
    object_field("limits", LIMITS),
    str_field("creationMethod"),
    str_field("idOrganization"),
    str_field("nodeId"),
    BOARD_ID,
)
"""``/boards/{id}/lists?filter=all&fields=all``."""

# --------------------------------------------------------------------------- labels

LABELS: Schema = _schema(*LABEL_FIELDS, BOARD_ID)
"""``/boards/{id}/labels?limit=1000``."""

# --------------------------------------------------------------------------- members

MEMBERS: Schema = _schema(
    bool_field("activityBlocked"),
    str_field("avatarHash"),
    str_field("avatarUrl"),
    str_field("avatarSource"),
    str_field("bio"),
    object_field("bioData", DESC_DATA),
    bool_field("confirmed"),
    str_field("email"),
    str_field("fullName"),
    str_field("gravatarHash"),
    str_array_field("idBoards"),
    str_array_field("idBoardsPinned"),
    str_field("idEnterprise"),
    str_array_field("idEnterprisesAdmin"),
    str_array_field("idEnterprisesDeactivated"),
    str_field("idMemberReferrer"),
    str_array_field("idOrganizations"),
    str_array_field("idPremOrgsAdmin"),
    str_field("initials"),
    bool_field("isAaMastered"),
    str_field("ixUpdate"),
    object_field("limits", LIMITS),
    str_array_field("loginTypes"),
    object_field("marketingOptIn", MARKETING_OPT_IN),
    str_field("memberType", "normal | ghost"),
    array_field("messagesDismissed", MESSAGE_DISMISSED),
    object_field("nonPublic", NON_PUBLIC),
    bool_field("nonPublicAvailable"),
    str_array_field("oneTimeMessagesDismissed"),
    object_field("prefs", MEMBER_PREFS),
    str_array_field("premiumFeatures"),
    int_array_field("products"),
    str_field("status"),
    str_array_field("trophies"),
    str_field("uploadedAvatarHash"),
    str_field("uploadedAvatarUrl"),
    str_field("url"),
    str_field("username"),
    str_field("aaEmail"),
    datetime_field("aaEnrolledDate"),
    str_field("aaId"),
    datetime_field("dateLastActive"),
    datetime_field("dateLastImpression"),
    str_field("nodeId"),
)
"""``/boards/{id}/members?fields=all``, each member once per run (no board_id).

Private fields (email, prefs, idBoards, ...) are only filled for the token's
own member; Trello leaves them out or null for others.
"""

# --------------------------------------------------------------------------- checklists

CHECKLISTS: Schema = _schema(
    str_field("name"),
    str_field("idBoard"),
    str_field("idCard"),
    num_field("pos"),
    array_field("checkItems", CHECK_ITEM),
    object_field("limits", LIMITS),
    str_field("creationMethod"),
    BOARD_ID,
    CARD_ID,
)
"""``/boards/{id}/checklists`` (with their check items)."""

# --------------------------------------------------------------------------- cards

CARDS: Schema = _schema(
    str_field("address"),
    object_field("agent", open_object()),
    array_field("attachments", ATTACHMENT),
    object_field("badges", BADGES),
    str_field("cardRole", "null | separator | board | mirror | link"),
    array_field("checkItemStates", CHECK_ITEM_STATE),
    bool_field("closed"),
    object_field("coordinates", COORDINATES),
    object_field("cover", COVER),
    str_field("creationMethod"),
    str_field("creationMethodError"),
    datetime_field("creationMethodLoadingStartedAt"),
    array_field("customFieldItems", CUSTOM_FIELD_ITEM),
    datetime_field("dateClosed"),
    datetime_field("dateCompleted"),
    datetime_field("dateLastActivity", "replication key"),
    datetime_field("dateViewedByCreator"),
    str_field("desc"),
    object_field("descData", DESC_DATA),
    datetime_field("due"),
    bool_field("dueComplete"),
    int_field("dueReminder"),
    str_field("email"),
    str_field("externalSource"),
    str_field("faviconUrl"),
    str_field("idAttachmentCover"),
    str_field("idBoard"),
    str_array_field("idChecklists"),
    str_array_field("idLabels"),
    str_field("idList"),
    str_field("idMemberCreator"),
    str_array_field("idMembers"),
    str_array_field("idMembersVoted"),
    str_field("idOrganization"),
    int_field("idShort"),
    bool_field("isTemplate"),
    array_field("labels", LABEL),
    object_field("limits", LIMITS),
    str_field("locationName"),
    bool_field("manualCoverAttachment"),
    str_field("mirrorSourceId"),
    str_field("mirrorSourceNodeId"),
    str_field("name"),
    str_field("nodeId"),
    str_field("originalDesc"),
    str_field("originalName"),
    bool_field("pinned"),
    num_field("pos"),
    str_field("shortLink"),
    str_field("shortUrl"),
    str_field("sourceEmail"),
    str_field("staticMapUrl"),
    datetime_field("start"),
    bool_field("subscribed"),
    str_field("url"),
    str_field("urlSource"),
    str_field("urlSourceText"),
    BOARD_ID,
)
"""``/boards/{id}/cards?filter=all&fields=all&customFieldItems=true&attachments=true``.

``attachments`` and ``customFieldItems`` stay on the card and are also split
into the ``attachments`` and ``card_custom_field_items`` streams.
"""

# --------------------------------------------------------------------------- actions

ACTIONS: Schema = _schema(
    str_field("idMemberCreator"),
    object_field("data", ACTION_DATA),
    object_field("appCreator", APP_CREATOR),
    str_field("type"),
    datetime_field("date", "replication key"),
    object_field("limits", LIMITS),
    object_field("memberCreator", MEMBER_CREATOR),
    object_field("member", MEMBER_CREATOR),
    object_field("display", ACTION_DISPLAY),
    BOARD_ID,
)
"""``/boards/{id}/actions?filter=all``."""

# --------------------------------------------------------------------------- organizations

ORGANIZATIONS: Schema = _schema(
    str_field("name"),
    str_field("displayName"),
    str_field("desc"),
    object_field("descData", DESC_DATA),
    str_field("url"),
    str_field("website"),
    str_field("teamType"),
    str_field("logoHash"),
    str_field("logoUrl"),
    str_field("offering"),
    int_array_field("products"),
    int_array_field("powerUps"),
    str_array_field("idBoards"),
    str_field("idEnterprise"),
    str_field("idMemberCreator"),
    str_array_field("premiumFeatures"),
    object_field("prefs", ORGANIZATION_PREFS),
    array_field("memberships", MEMBERSHIP),
    object_field("limits", LIMITS),
    datetime_field("dateLastActivity"),
    int_field("billableMemberCount"),
    int_field("activeBillableMemberCount"),
    int_field("billableCollaboratorCount"),
    int_field("membersCount"),
    int_field("availableLicenseCount"),
    int_field("maximumLicenseCount"),
    str_field("ixUpdate"),
    str_field("creationMethod"),
    array_field("credits", open_object()),
    str_field("domain"),
    bool_field("allAdminsEnabled"),
    bool_field("invited"),
    array_field("invitations", open_object()),
    str_field("pendingProduct"),
    array_field("promotions", open_object()),
    object_field("enterpriseJoinRequest", open_object()),
    str_field("standardVariation"),
    str_field("type"),
    str_field("nodeId"),
)
"""``/members/me/organizations?fields=all`` (workspaces)."""

# --------------------------------------------------------------------------- custom fields

CUSTOM_FIELDS: Schema = _schema(
    str_field("idModel"),
    str_field("modelType", "board"),
    str_field("fieldGroup"),
    object_field("display", CUSTOM_FIELD_DISPLAY),
    str_field("name"),
    num_field("pos"),
    str_field("type", "text | number | date | checkbox | list"),
    array_field("options", CUSTOM_FIELD_OPTION),
    bool_field("isSuggestedField"),
    object_field("limits", LIMITS),
    BOARD_ID,
)
"""The board's ``customFields`` (nested board call, ``customFields=true``)."""

CARD_CUSTOM_FIELD_ITEMS: Schema = _schema(
    *CUSTOM_FIELD_ITEM_FIELDS,
    BOARD_ID,
    CARD_ID,
)
"""The cards' ``customFieldItems`` (``customFieldItems=true``), one record each."""

# --------------------------------------------------------------------------- attachments

ATTACHMENTS: Schema = _schema(*ATTACHMENT_FIELDS, BOARD_ID, CARD_ID)
"""The cards' ``attachments`` (``attachments=true``), metadata only."""

# --------------------------------------------------------------------------- memberships

BOARD_MEMBERSHIPS: Schema = _schema(*MEMBERSHIP_FIELDS, BOARD_ID)
"""The board's ``memberships`` (nested board call, ``memberships=all``)."""

# --------------------------------------------------------------------------- check items

CHECK_ITEMS: Schema = _schema(*CHECK_ITEM_FIELDS, BOARD_ID, CARD_ID, CHECKLIST_ID)
"""The checklists' ``checkItems``, flattened."""

# --------------------------------------------------------------------------- deleted cards

DELETED_CARDS: Schema = _schema(
    BOARD_ID,
    str_field("list_id", "data.list.id of the deleteCard action"),
    int_field("idShort"),
    str_field("name"),
    datetime_field("date_deleted", "date of the deleteCard action (replication key)"),
    str_field("action_id", "id of the deleteCard action"),
    str_field("member_creator_id", "idMemberCreator of the deleteCard action"),
)
"""One record per ``deleteCard`` action; ``id`` is the deleted card's id."""

# --------------------------------------------------------------------------- workspace level


def _adding(schema: Schema, *properties: th.Property[Any]) -> Schema:
    """``schema`` with ``properties`` added (the fields the tap adds to Trello's)."""
    added = th.PropertiesList(*properties).to_dict()["properties"]
    return {**schema, "properties": {**schema["properties"], **added}}


ORGANIZATION_MEMBERS: Schema = _adding(MEMBERS, ORGANIZATION_ID)
"""A workspace's ``members`` (``/organizations/{id}?members=all&member_fields=all``), one
row per workspace and member."""

ORGANIZATION_MEMBERSHIPS: Schema = _schema(*MEMBERSHIP_FIELDS, ORGANIZATION_ID)
"""A workspace's ``memberships``: admin or normal, unconfirmed, deactivated, last active."""

ORGANIZATION_ACTIONS: Schema = _adding(ACTIONS, ORGANIZATION_ID)
"""A workspace's own feed (``/organizations/{id}/actions``)."""

# --------------------------------------------------------------------------- Power-Up data

PLUGIN_DATA_ENTRIES: Schema = _schema(
    BOARD_ID,
    str_field("card_id", "the card it is stored on (null for the board's own)"),
    str_field("idPlugin", "the Power-Up that wrote it"),
    str_field("scope", "board or card"),
    str_field("idModel", "id of the board or card it is stored on"),
    str_field("access", "shared (every member sees it) or private (one member's)"),
    str_field("value", "what the Power-Up stored: JSON text, as it wrote it"),
    datetime_field("dateLastUpdated"),
)
"""One Power-Up data entry of a board or of one of its cards (``pluginData``)."""

# --------------------------------------------------------------------------- index


def with_deletions(schema: Schema) -> Schema:
    """``schema`` with ``_sdc_deleted_at``: the stream also carries deletion records."""
    deleted_at = th.Property(
        "_sdc_deleted_at",
        th.DateTimeType,
        description="When Trello deleted the object (a deletion record); null on live rows",
    )
    return {**schema, "properties": {**schema["properties"], **deleted_at.to_dict()}}


SCHEMAS: dict[str, Schema] = {
    "boards": BOARDS,
    "lists": LISTS,
    "labels": LABELS,
    "members": MEMBERS,
    "checklists": CHECKLISTS,
    "cards": CARDS,
    "actions": ACTIONS,
    "organizations": ORGANIZATIONS,
    "custom_fields": CUSTOM_FIELDS,
    "card_custom_field_items": CARD_CUSTOM_FIELD_ITEMS,
    "attachments": ATTACHMENTS,
    "board_memberships": BOARD_MEMBERSHIPS,
    "check_items": CHECK_ITEMS,
    "deleted_cards": DELETED_CARDS,
    "plugin_data": PLUGIN_DATA_ENTRIES,
    "organization_members": ORGANIZATION_MEMBERS,
    "organization_memberships": ORGANIZATION_MEMBERSHIPS,
    "organization_actions": ORGANIZATION_ACTIONS,
}
"""Stream name -> the JSON schema of its objects; a stream that carries deletion records
(its class says ``carries_deletions``) sends it :func:`with_deletions`."""
