"""Generator of a card's attachments (uploads and links), metadata only.

Uploads carry ``bytes``, a download URL and, for images, an edge colour and one preview;
links carry the linked URL. Half the cards whose last attachment is an image use it as
their cover.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import DAY, END_S, pick, ri
from .ids import hex_string, iso_ms
from .vocabulary import ATTACHMENT_KINDS

if TYPE_CHECKING:
    import random

    from .state import WorkspaceState


def generate_attachments(
    ws: WorkspaceState, rng: random.Random, card: dict[str, Any], sec: int, members: list[str]
) -> int:
    """One to three attachments on ``card`` (created at ``sec``); how many."""
    card_id = card["id"]
    attachments = []
    image = False
    for k in range(ri(rng, 1, 3)):
        attachment_sec = min(END_S - DAY, sec + ri(rng, 0, 30 * DAY))
        attachment_id = ws.ids.new(attachment_sec)
        mime, name, upload = pick(rng, ATTACHMENT_KINDS)
        url = (
            f"https://trello.com/1/cards/{card_id}/attachments/{attachment_id}/download/{name}"
            if upload
            else name
        )
        image = mime.startswith("image/")
        attachments.append(
            {
                "id": attachment_id,
                "bytes": ri(rng, 2_000, 4_000_000) if upload else None,
                "date": iso_ms(attachment_sec * 1000 + ri(rng, 0, 999)),
                "edgeColor": f"#{hex_string(rng, 6)}" if image else None,
                "idMember": pick(rng, members),
                "isUpload": upload,
                "mimeType": mime,
                "name": name,
                "previews": [
                    {
                        "_id": attachment_id,
                        "id": attachment_id,
                        "scaled": False,
                        "url": url.replace(name, "preview.png"),
                        "bytes": 12000,
                        "height": 150,
                        "width": 150,
                    },
                ]
                if image
                else [],
                "url": url,
                "pos": 16384 * (k + 1),
                "fileName": name if upload else None,
            }
        )
    ws.card_attachments[card_id] = attachments
    if image and rng.random() < 0.5:
        card["idAttachmentCover"] = attachments[-1]["id"]
        card["cover"]["idAttachment"] = attachments[-1]["id"]
    return len(attachments)
