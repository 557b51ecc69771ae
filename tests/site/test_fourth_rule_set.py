"""Adding a rule set is a data change: a copy of the project gets a fourth one (one YAML file, plus
the reason for each case where its verdict differs from the published decision, as for every rule
set), and the strict build puts it on every page that lists the rule sets, with no Python file
touched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.case_library.conftest import build, copy_project
from tests.test_layering import FOURTH_SET

pytestmark = pytest.mark.build

def _with_reasons_for_the_new_set(case: Path) -> None:
    """The case's written reason for a disagreement under the national rules, given for the test set
    too (whose items here add nothing that changes these cases)."""
    head, front, body = case.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    reasons = data.get("disagreement") or {}
    if "national" in reasons:
        reasons["zhejiang"] = reasons["national"]
        case.write_text(head + "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body,
                        encoding="utf-8")


def test_a_fourth_rule_set_appears_on_every_page_that_lists_the_rule_sets(tmp_path):
    project = copy_project(tmp_path / "project")
    before = {p.relative_to(project) for p in project.rglob("*.py")}
    (project / "rules" / "zhejiang.yaml").write_text(yaml.safe_dump(FOURTH_SET, allow_unicode=True), encoding="utf-8")
    for case in (project / "content" / "cases").glob("*.md"):
        _with_reasons_for_the_new_set(case)
    site = tmp_path / "site"
    code, warnings = build(project, site, strict=True)
    assert code == 0 and warnings == [], warnings
    assert {p.relative_to(project) for p in project.rglob("*.py")} == before
    assert (site / "rules" / "zhejiang" / "index.html").exists()  # its own rule page
    form = (site / "selfcheck" / "index.html").read_text(encoding="utf-8")
    assert 'id="rc-j-zhejiang"' in form and "测试省" in form  # a choice on the form and on the start page
    index = (site / "cases" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"自查工具（全国 / 江苏 / 陕西 / 测试省）", index)
    agreement = (site / "cases" / "agreement" / "index.html").read_text(encoding="utf-8")
    assert "测试省" in agreement
    card = next((site / "training" / "cards").glob("*/index.html")).read_text(encoding="utf-8")
    assert "测试省" in card  # the same facts under each rule set
