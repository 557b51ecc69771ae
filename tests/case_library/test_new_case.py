"""scripts/new_case.py writes a case file that the lint (and so the build) accepts, from flags or
from answers typed in the terminal; a bad answer is reported and nothing is written."""

from __future__ import annotations

import io

import new_case
import pytest

from selfcheck.lint import lint_case

FLAGS = ["--slug", "demo-case", "--title", "某县“容缺”审批予以容错免责", "--region", "某省某县", "--province", "江苏",
         "--year", "2024", "--role", "县行政审批局科员", "--outcome", "exempted", "--measure", "免予问责",
         "--measure", "批评教育", "--distinction", "d3", "--fact", "work_context=development",
         "--fact", "improper_benefit=none", "--fact", "cooperation=yes", "--fact", "economic_loss_wan=12.5",
         "--publisher", "某县纪委监委", "--source-title", "典型案例通报", "--date", "2024-05-06",
         "--url", "https://example.gov.cn/case.html", "--note", "测试用"]


class Pipe(io.StringIO):
    def isatty(self):
        return False


def made_case(tmp_path, rulebase, flags: list[str], name: str) -> str:
    """The text of the case file new_case.py writes from flags alone; it passes the case lint."""
    out = io.StringIO()
    assert new_case.main(flags + ["--out-dir", str(tmp_path)], stdin=Pipe(""), out=out) == 0, out.getvalue()
    path = tmp_path / name
    assert lint_case(rulebase, path) == []
    return path.read_text(encoding="utf-8")


def test_flags_produce_a_valid_case(tmp_path, rulebase):
    text = made_case(tmp_path, rulebase, FLAGS, "2024-demo-case.md")
    for section in ("## 对应标准", "## 主要事由", "## 组织调查过程及决定意见", "## 后续跟踪管理"):
        assert section in text


def test_interactive_answers_produce_a_valid_case(tmp_path, rulebase):
    answers = ["测试标题", "某市", "湖北", "2023", "镇长", "reduced", "诫勉，通报批评", "unknown"]
    answers += ["", "", "procedural_shortcut", "bogus", "followed"] + [""] * (len(rulebase.facts) - 4)
    answers += ["某市纪委监委", "某通报", "2023-03-04", "https://example.org/x", "", "hubei-demo"]
    out = io.StringIO()
    code = new_case.main(["--out-dir", str(tmp_path)], stdin=Pipe("\n".join(answers) + "\n"), out=out)
    assert code == 0, out.getvalue()
    assert "请从" in out.getvalue()  # "bogus" was refused and asked again
    path = tmp_path / "2023-hubei-demo.md"
    assert lint_case(rulebase, path) == []
    text = path.read_text(encoding="utf-8")
    assert "compliance: \"procedural_shortcut\"" in text and "decision_procedure: \"followed\"" in text


def test_bad_fact_is_reported_and_nothing_written(tmp_path):
    out = io.StringIO()
    flags = [f if f != "improper_benefit=none" else "improper_benefit=lots" for f in FLAGS]
    assert new_case.main(flags + ["--out-dir", str(tmp_path)], stdin=Pipe(""), out=out) == 1
    assert "improper_benefit" in out.getvalue() and "lots" in out.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_missing_required_flag_is_named(tmp_path):
    out = io.StringIO()
    i = FLAGS.index("--url")
    assert new_case.main(FLAGS[:i] + FLAGS[i + 2:] + ["--out-dir", str(tmp_path), "--no-input"],
                         stdin=Pipe(""), out=out) == 2
    assert "--url" in out.getvalue()


def _build_with_new_case(tmp_path, extra_facts: list[str]) -> list[str]:
    from .conftest import build, case_warnings, copy_project

    project = copy_project(tmp_path / "project")
    base = [f for i, f in enumerate(FLAGS) if f != "--fact" and (i == 0 or FLAGS[i - 1] != "--fact")]
    flags = base + [x for f in extra_facts for x in ("--fact", f)]
    assert new_case.main(flags + ["--out-dir", str(project / "content" / "cases")], stdin=Pipe(""),
                         out=io.StringIO()) == 0
    code, warnings = build(project, tmp_path / "site")
    assert (tmp_path / "site" / "cases" / "2024-demo-case" / "index.html").exists()
    index = (tmp_path / "site" / "cases" / "index.html").read_text(encoding="utf-8")
    assert 'data-case="2024-demo-case"' in index
    return case_warnings(warnings)


@pytest.mark.build
def test_new_case_builds_into_the_library(tmp_path):
    assert _build_with_new_case(tmp_path, ["work_context=development", "improper_benefit=none"]) == []


@pytest.mark.build
def test_new_case_with_a_quantity_builds_into_the_library(tmp_path):
    assert _build_with_new_case(tmp_path, ["work_context=development", "economic_loss_wan=12.5"]) == []


DISCIPLINE = ["--kind", "discipline", "--slug", "demo-discipline", "--title", "某村书记伪造名册套取补助",
              "--region", "某省某县某村", "--province", "湖南", "--year", "2020", "--role", "村党支部书记",
              "--line", "nat-ex-collusion-fraud:stated:通过伪造虚假救助名册的方式", "--sanction", "2020年6月，某某被开除党籍。",
              "--fact", "intent=collusion_or_fraud", "--publisher", "某县纪委监委", "--source-title", "某通报",
              "--date", "2021-04-15", "--url", "https://example.gov.cn/d.html", "--reliability", "official"]


def test_discipline_flags_produce_a_valid_discipline_case(tmp_path, rulebase):
    text = made_case(tmp_path, rulebase, DISCIPLINE, "disc-2020-demo-discipline.md")
    assert "kind: discipline" in text and "decision:" not in text and "## 查处经过与处分" in text


def test_discipline_case_with_a_bad_line_is_reported_and_nothing_written(tmp_path):
    out = io.StringIO()
    flags = [f if not f.startswith("nat-ex-") else "d9:stated:原话" for f in DISCIPLINE]
    assert new_case.main(flags + ["--out-dir", str(tmp_path)], stdin=Pipe(""), out=out) == 1
    assert "d9" in out.getvalue() and "未知的界线" in out.getvalue()
    assert list(tmp_path.iterdir()) == []
    out = io.StringIO()
    i = DISCIPLINE.index("--sanction")
    assert new_case.main(DISCIPLINE[:i] + DISCIPLINE[i + 2:] + ["--out-dir", str(tmp_path)], stdin=Pipe(""), out=out) == 2
    assert "--sanction" in out.getvalue()
