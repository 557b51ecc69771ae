"""The loss levels and the quantities are declared once, in rules/facts.yaml, and the code reads them
there: a level renamed in one file only is a lint error at its line, renamed in both it simply works."""

from __future__ import annotations

import json

from .test_cli import copy_rules, edit, first_item_line, run


def test_a_loss_level_renamed_only_in_facts_yaml_is_a_lint_error_at_the_scale_line(tmp_path):
    rules = copy_rules(tmp_path)
    edit(rules / "facts.yaml", "      - id: larger", "      - id: sizeable")
    line = first_item_line(rules / "scale.yaml", "level: larger")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 1 and f"scale.yaml:{line}: 未知的后果等级 'larger'" in out and "sizeable" in out, out
    code, out, err = run(["evaluate", "--facts", "-", "--rules", str(rules)], stdin='{"economic_loss_wan": 150}')
    assert code == 1 and out == "" and f"scale.yaml:{line}:" in err and "Traceback" not in err


def test_a_loss_level_renamed_in_both_files_is_read_from_the_data(tmp_path):
    rules = copy_rules(tmp_path)
    edit(rules / "facts.yaml", "      - id: larger", "      - id: sizeable")
    edit(rules / "scale.yaml", "level: larger", "level: sizeable")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 0, out
    code, out, err = run(["evaluate", "--facts", "-", "--rules", str(rules), "--as-of", "2025-06-30"],
                         stdin='{"economic_loss_wan": 1500, "deaths": 0, "serious_injuries": 0}')
    assert code == 0, err
    assert json.loads(out)["facts"]["loss_level_possible"] == ["sizeable"]


def test_a_scale_bound_for_an_undeclared_quantity_is_a_lint_error(tmp_path):
    rules = copy_rules(tmp_path)
    edit(rules / "scale.yaml", "    economic_loss_wan: 1000", "    economic_loss_yuan: 1000")
    line = first_item_line(rules / "scale.yaml", "economic_loss_yuan")
    code, out, _ = run(["lint", "--rules", str(rules)])
    assert code == 1 and f"scale.yaml:{line}:" in out and "economic_loss_yuan" in out, out


def test_whether_a_quantity_takes_whole_numbers_is_read_from_facts_yaml(tmp_path):
    facts = '{"deaths": 1.5, "economic_loss_wan": 2.5}'
    code, _, err = run(["evaluate", "--facts", "-", "--as-of", "2025-06-30"], stdin=facts)
    assert code == 1 and "deaths 应为非负整数" in err and "economic_loss_wan" not in err, err
    rules = copy_rules(tmp_path)
    edit(rules / "facts.yaml", "    unit: 人\n    whole: true   # a count: whole numbers only\n", "    unit: 人\n")
    code, out, err = run(["evaluate", "--facts", "-", "--rules", str(rules), "--as-of", "2025-06-30"], stdin=facts)
    assert code == 0 and json.loads(out)["facts"]["deaths"] == 1.5, err
