"""Every worked example on a public page is a scenario of the checker (content/includes/examples.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MARKER = re.compile(r"<!--\s*rongcuo:example\s+([a-z0-9-]+)\s*-->")


def example_boxes(text: str) -> list[str]:
    """The bodies of the `!!! example` admonitions of a Markdown page."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!!! example"):
            body = []
            for nxt in lines[i + 1:]:
                if nxt.strip() and not nxt.startswith("    "):
                    break
                body.append(nxt)
            out.append("\n".join(body))
    return out


def test_every_example_box_carries_a_checked_example():
    defined = {ex["id"]: ex for ex in yaml.safe_load((CONTENT / "includes" / "examples.yaml").read_text())["examples"]}
    boxes = 0
    for page in CONTENT.rglob("*.md"):
        if "cases" in page.parts:
            continue
        for body in example_boxes(page.read_text(encoding="utf-8")):
            boxes += 1
            ids = MARKER.findall(body)
            assert ids, f"{page.relative_to(ROOT)}: a worked example without a checked verdict"
            for eid in ids:
                assert eid in defined, eid
                assert defined[eid]["page"] == str(page.relative_to(CONTENT)), eid
    assert boxes >= 3
