"""The time span of the generated data and the random draws every generator shares.

Generation must be reproducible from the seed alone, so every generator draws from the
workspace's one ``random.Random`` in a fixed order; these helpers are the fast draws it uses
(``rng.randint``/``rng.choice`` cost several times more over a 200,000-action workspace).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .ids import epoch_s

if TYPE_CHECKING:
    import random

START_S = epoch_s(2023, 1, 1)
"""The generated history starts here (epoch seconds, UTC)."""
END_S = epoch_s(2026, 6, 1)
"""... and ends here; mutations happen after it, on a logical clock."""
DAY = 86_400


def ri(rng: random.Random, a: int, b: int) -> int:
    """Fast ``rng.randint(a, b)``."""
    return a + int(rng.random() * (b - a + 1))


def pick(rng: random.Random, seq: Any) -> Any:
    """Fast ``rng.choice(seq)``."""
    return seq[int(rng.random() * len(seq))]


def slug(text: str) -> str:
    """The URL slug Trello puts in board and card URLs."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def initials(name: str) -> str:
    """A member's initials as Trello derives them from the full name."""
    parts = [p for p in name.split() if p[:1].isalpha()]
    return "".join(p[0] for p in parts[:3]).upper() or name[:1]


def node_id(kind: str, org: str | None, object_id: str) -> str:
    """The ``nodeId`` of a board, card or label (workspace-scoped when it has one)."""
    if org:
        return f"ari:cloud:trello::{kind}/workspace/{org}/{object_id}"
    return f"ari:cloud:trello::{kind}/{object_id}"
