"""Every case file validates with the lint the build uses, and every case cites where it was read."""

from __future__ import annotations

from selfcheck.lint import lint_case

from .expected import front


def test_every_case_file_validates(rulebase, case_files):
    problems = {p.name: [str(x) for x in lint_case(rulebase, p)] for p in case_files}
    assert not {k: v for k, v in problems.items() if v}


def test_every_case_is_real_and_has_a_source(case_files):
    for p in case_files:
        d = front(p)
        assert d["kind"] == "real", f"{p.name}: invented scenarios belong in content/training/"
        src = d["source"]
        for key in ("publisher", "title", "date", "url"):
            assert src.get(key), f"{p.name}: source has no {key}"
        assert str(src["url"]).startswith(("http://", "https://")), p.name


def test_library_size_and_spread(case_files):
    data = [front(p) for p in case_files]
    assert len(data) >= 20
    provinces = {d["province"] for d in data} - {"全国"}
    assert len(provinces) >= 5
    outcomes = {d["decision"]["outcome"] for d in data}
    assert {"exempted", "reduced"} <= outcomes  # no published refused case was found (see the index page)


def test_file_names_follow_year_slug(case_files):
    import re

    for p in case_files:
        m = re.fullmatch(r"(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.md", p.name)
        assert m, p.name
        assert int(m.group(1)) == int(front(p)["year"]), f"{p.name}: file year differs from `year`"


def test_disagreement_reasons_are_well_formed(rulebase, case_files, tmp_path):
    """lint_case rejects an unknown jurisdiction or a reason without kind (file:line)."""
    src = next(p for p in case_files if "disagreement:" in p.read_text(encoding="utf-8"))
    text = src.read_text(encoding="utf-8").replace("disagreement:\n", "disagreement:\n  guangdong: {kind: whatever}\n", 1)
    bad = tmp_path / src.name
    bad.write_text(text, encoding="utf-8")
    problems = [str(p) for p in lint_case(rulebase, bad)]
    assert any("guangdong" in p and f"{bad.name}:" in p for p in problems), problems
