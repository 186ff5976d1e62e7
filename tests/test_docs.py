"""The documentation holds together: links resolve, the README stays a front door.

Every relative link of the user-facing pages points at a file (or folder) the repository
holds, and an anchor at a heading of that file. The README stays short and undated (what
it says must stay true; history is the changelog's). No source file cites a document the
repository does not hold: a comment points at a page under ``docs/`` or says its reason
itself.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
README_MAX_LINES = 300


def pages() -> list[Path]:
    """The pages users read, as far as they exist (transform/ and bench/ have their own)."""
    named = [
        README,
        REPO_ROOT / "CONTRIBUTING.md",
        REPO_ROOT / "CHANGELOG.md",
        REPO_ROOT / "transform" / "README.md",
        REPO_ROOT / "bench" / "README.md",
    ]
    return [path for path in named if path.exists()] + sorted(DOCS.glob("*.md"))


def page_id(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)[\s\S]+?\1")
# [text](target) and [text](target "title"); images too. Autolinks <https://…> are absolute.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines of ``text`` outside fenced code blocks."""
    lines, fence = [], ""
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        lines.append(line)
    return lines


def links(text: str) -> list[str]:
    """Every link target of ``text`` outside code (a link's text may span lines)."""
    bare = INLINE_CODE.sub("", "\n".join(prose_lines(text)))
    found = LINK.findall(bare)
    for line in bare.splitlines():
        if reference := REFERENCE.match(line):
            found.append(reference.group(1))
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).lower()
    kept = "".join(
        char
        for char in text
        if char in " -_" or unicodedata.category(char)[0] in "LN"  # letters and numbers
    )
    return kept.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors of ``path``'s headings (a repeated heading gets -1, -2…, as on GitHub)."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def broken_links(page: Path) -> list[str]:
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto:… : not the repository's to hold
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.exists():
            problems.append(f"{target}: no such file")
        elif not resolved.is_relative_to(REPO_ROOT):
            problems.append(f"{target}: outside the repository")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{target}: no heading #{anchor} in {page_id(resolved)}")
    return problems


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == [], page_id(page)


def test_the_pages_exist() -> None:
    for name in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        assert (REPO_ROOT / name).is_file(), name
    assert {path.name for path in DOCS.glob("*.md")} >= {
        "architecture.md",
        "deletions.md",
        "meltano.md",
        "replication.md",
        "sharding.md",
        "troubleshooting.md",
    }


def test_readme_is_a_front_door() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move detail to docs/"
    )


DATE = re.compile(r"\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b")
HISTORY = re.compile(r"\bissue #?\d+|\bcommit `?[0-9a-f]{7,40}\b", re.IGNORECASE)


@pytest.mark.parametrize("page", [README, *sorted(DOCS.glob("*.md"))], ids=page_id)
def test_readme_and_docs_carry_no_history(page: Path) -> None:
    """No dated figure, commit or issue number: they age. CHANGELOG.md holds history."""
    text = page.read_text(encoding="utf-8")
    assert DATE.findall(text) == [], page_id(page)
    assert HISTORY.findall(text) == [], page_id(page)


# A citation of a document that is not in the repository: a design document's sections,
# an issue tracker's numbers. The reason belongs in the comment, or in a page of docs/.
CITATION = re.compile(r"(?-i:\bDESIGN\b)|design doc|\bsection \d+\b|\bissue #?\d+", re.IGNORECASE)
MARKDOWN_FILE = re.compile(r"[\w./-]*\w\.md\b")
SOURCE_DIRS = ("tap_trello", "trello_emulator", "bench", "tests")


def sources() -> list[Path]:
    """The Python files to check, this one aside (it spells out what it looks for)."""
    return sorted(
        path
        for folder in SOURCE_DIRS
        for path in (REPO_ROOT / folder).rglob("*.py")
        if path != Path(__file__).resolve()
    )


def citations(path: Path) -> list[str]:
    """Lines of ``path`` citing what the repository does not hold."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{page_id(path)}:{number}"
        found += [f"{where}: {match.group()!r}" for match in CITATION.finditer(line)]
        for name in MARKDOWN_FILE.findall(line):
            if not any((base / name).exists() for base in (REPO_ROOT, DOCS, path.parent)):
                found.append(f"{where}: {name} is not in the repository")
    return found


def test_no_source_file_cites_a_document_the_repository_does_not_hold() -> None:
    found = [citation for path in sources() for citation in citations(path)]
    assert found == []


def test_the_citation_check_finds_what_it_should() -> None:
    assert CITATION.search("(section 14 of the design)")
    assert CITATION.search("what Trello announces (DESIGN section 13)")
    assert CITATION.search("the targets of issue 10")
    assert CITATION.search("see the design doc")
    assert not CITATION.search("naive UTC by design")
    assert not CITATION.search("def test_full_sync_costs_the_design_minimum")
    assert (
        slug("Deletions: the warehouse mirrors Trello") == "deletions-the-warehouse-mirrors-trello"
    )
    assert slug("The many-boards scenarios (`--scale`)") == "the-many-boards-scenarios---scale"
    assert links("[a](b.md#c) `[x](y)` <https://z>\n```\n[d](e)\n```") == ["b.md#c"]
