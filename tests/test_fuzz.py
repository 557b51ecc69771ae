"""Fuzz: generated malformed facts files and rule files through the CLI.

Every one must give exit 1 and a message on stderr, never a traceback, and write nothing (no
output, no file). 700 facts files + 400 rule-file mutations = 1,100 inputs, seeded (reproducible).

The CLI runs in-process (selfcheck.cli.main with its own stdout, stdin and stderr), and the shipped
rules/ are read once for the session instead of once per run (they do not change; a mutated copy
given with --rules is read by the CLI as usual). test_in_process_runs_are_the_real_cli checks that a
sample of these runs gives exactly the same exit code, stdout and stderr as `python -m selfcheck`.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from selfcheck import cli
from selfcheck.load import load_rulebase

from .conftest import ROOT, RULES

N_FACTS = 700
N_RULES = 400

RB = load_rulebase(RULES)
pytestmark = [pytest.mark.property, pytest.mark.usefixtures("shipped_rules_read_once")]


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stderr
    sys.stderr = err
    try:
        code = cli.main(argv, out=out, stdin=io.StringIO(stdin))
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def run_process(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """The same run as a real `python -m selfcheck` process (reads the shipped rules itself)."""
    p = subprocess.run([sys.executable, "-m", "selfcheck", *argv], input=stdin, capture_output=True, text=True,
                       encoding="utf-8", cwd=ROOT, timeout=60)
    return p.returncode, p.stdout, p.stderr

FACTS = {f.id: f.value_ids for f in RB.facts}
QUANT = [q.id for q in RB.quantities]


def junk(rng: random.Random) -> Any:
    return rng.choice([
        "".join(rng.choice("abcxyz_-0123456789") for _ in range(rng.randint(1, 12))),
        rng.randint(-10**6, 10**6), rng.random() * 100, [1, 2], {"a": 1}, "容错", True, "Unknown!",
    ])


def bad_facts_text(rng: random.Random) -> tuple[str, str]:
    """(file suffix, text) that is guaranteed invalid."""
    good = {fid: rng.choice(list(vals) + ["unknown"]) for fid, vals in FACTS.items() if rng.random() < 0.6}
    kind = rng.randrange(9)
    data: Any = dict(good)
    if kind == 0:  # unknown fact id
        data["x_" + str(junk(rng))[:8]] = rng.choice(list(FACTS["intent"]))
    elif kind == 1:  # invalid value
        fid = rng.choice(list(FACTS))
        value = junk(rng)
        while isinstance(value, str) and (value in FACTS[fid] or value.lower() == "unknown"):
            value = value + "!"
        if value is True and fid in ("cooperation", "repeat", "pre_registered"):
            value = "maybe"
        data[fid] = value
    elif kind == 2:  # invalid quantity
        data[rng.choice(QUANT)] = rng.choice([-1, -0.5, "many", [3], {"n": 1}, float("nan"), True])
        if data.get("deaths") is not None and data["deaths"] == 1.5:
            pass
    elif kind == 3:  # not a mapping at the top
        data = rng.choice([[1, 2, 3], "intent", 42, [{"intent": "inadvertent"}]])
    elif kind == 4:  # broken YAML syntax
        text = yaml.safe_dump(good, allow_unicode=True) if good else "intent: inadvertent\n"
        cut = rng.randrange(len(text))
        return ".yaml", text[:cut] + rng.choice(["{", "[", ": : :\n  - x\n y", "\t- a\n", "'unclosed\n", "&a *b\n"]) + text[cut:]
    elif kind == 5:  # broken JSON
        text = json.dumps(good or {"intent": "inadvertent"}, ensure_ascii=False)
        cut = rng.randrange(1, len(text))
        return ".json", text[:cut] + rng.choice(["{", "[", ",,", '"']) + text[cut:]
    elif kind == 6:  # duplicated key
        fid = rng.choice(list(FACTS))
        return ".yaml", f"{fid}: {FACTS[fid][0]}\n{fid}: {FACTS[fid][-1]}\n"
    elif kind == 7:  # loss_level contradicting the quantities
        return ".yaml", "economic_loss_wan: 20000\ndeaths: 0\nserious_injuries: 0\nloss_level: ordinary\n"
    else:  # a fractional number of deaths
        data["deaths"] = rng.choice([0.5, 2.25, 7.1])
    suffix = rng.choice([".yaml", ".json"])
    text = json.dumps(data, ensure_ascii=False) if suffix == ".json" else yaml.safe_dump(data, allow_unicode=True)
    return suffix, text


def assert_rejected(code: int, out: str, err: str, what: str) -> None:
    assert code == 1, (what, code, out[:300], err[:300])
    assert out == "", (what, out[:300])
    assert err.strip(), what
    assert "Traceback" not in err, (what, err)


def test_malformed_facts_files(tmp_path, rb):
    rng = random.Random(20261125)
    for n in range(N_FACTS):
        suffix, text = bad_facts_text(rng)
        path = tmp_path / f"facts{suffix}"
        path.write_text(text, encoding="utf-8")
        argv = rng.choice([["evaluate", "--facts", str(path)], ["compare", "--facts", str(path)],
                           ["evaluate", "--facts", str(path), "--format", "text", "--jurisdiction", "jiangsu"]])
        assert_rejected(*run(argv), what=f"#{n} {text[:200]!r}")
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "nothing else may be written"
        path.unlink()
    # the rule base shared by these runs is what a fresh read of rules/ gives (no run changed it)
    assert rb.compiled == load_rulebase(RULES).compiled


def test_in_process_runs_are_the_real_cli(tmp_path):
    """End to end: a sample of the fuzz runs above (facts files, stdin, a mutated rule directory)
    gives the same exit code, stdout and stderr in a real process as in-process."""
    rng = random.Random(20261125)
    runs: list[tuple[list[str], str]] = []
    paths: list[Path] = []
    for n in range(6):
        suffix, text = bad_facts_text(rng)
        path = tmp_path / f"facts{n}{suffix}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        runs.append(([["evaluate", "--facts", str(path)], ["compare", "--facts", str(path)],
                      ["evaluate", "--facts", str(path), "--format", "text", "--jurisdiction", "jiangsu"]][n % 3], ""))
    runs.append((["evaluate", "--facts", "-"], "intent: [unclosed\n"))
    runs.append((["batch"], '{"intent": "inadvertent"}\n{"intent": 5}\n'))
    d = tmp_path / "rules"
    shutil.copytree(RULES, d)
    mutate_rules(random.Random(1000), d)
    runs.append((["lint", "--rules", str(d)], ""))
    runs.append((["evaluate", "--facts", str(paths[0]), "--rules", str(d)], ""))
    for argv, stdin in runs:
        got = run(argv, stdin)
        assert got[0] == 1 and "Traceback" not in got[1] + got[2], (argv, got)
        assert run_process(argv, stdin) == got, argv


def test_malformed_facts_through_stdin_and_batch():
    rng = random.Random(7)
    for n in range(50):
        suffix, text = bad_facts_text(rng)
        if suffix == ".yaml":
            assert_rejected(*run(["evaluate", "--facts", "-"], stdin=text), what=f"stdin #{n}")
        else:
            good = json.dumps({"intent": "inadvertent"})
            # one line: every line break Python's text reading knows (\r, \x85, \u2028…) becomes a space
            code, out, err = run(["batch"], stdin=f"{good}\n{' '.join(text.splitlines())}\n")
            # batch streams: the good line keeps its verdict, the bad one gets an error record in its place
            what = f"batch #{n} {text[:200]!r}"
            assert code == 1, (what, code, err[:300])
            assert "Traceback" not in err and "<stdin>:2" in err, (what, err[:300])
            first, second = (json.loads(x) for x in out.splitlines())
            assert first["outcome"] and second["line"] == 2 and second["error"], (what, out[-300:])


def test_invalid_utf8_facts_file(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_bytes(b"intent: \xff\xfe inadvertent\n")
    assert_rejected(*run(["evaluate", "--facts", str(p)]), what="bad utf-8")


# -- rule files -------------------------------------------------------------------------------------------

SET_FILES = ("national.yaml", "jiangsu.yaml", "shaanxi.yaml")
REQUIRED_ITEM_KEYS = ("id", "title", "when", "text", "cite")


KINDS = ("exclusions", "aggravations", "conditions", "situations", "reductions", "mitigations")


def items_of(data: dict) -> list[dict]:
    return [it for kind in KINDS for it in data.get(kind) or []]


def mutate_rules(rng: random.Random, d: Path) -> str:
    """Apply one guaranteed-invalid change to a copy of rules/; return a description."""
    kind = rng.randrange(11)
    if kind == 10:  # a syntax error in any file
        name = rng.choice(sorted(p.name for p in d.glob("*.yaml")))
        lines = (d / name).read_text(encoding="utf-8").splitlines(keepends=True)
        cut = rng.randrange(len(lines) + 1)  # a line of its own: never inside a quoted string
        (d / name).write_text("".join(lines[:cut]) + "{[: ,\n" + "".join(lines[cut:]), encoding="utf-8")
        return f"syntax error in {name}"
    name = rng.choice(SET_FILES) if kind < 8 else rng.choice(("facts.yaml", "scale.yaml", "procedure.yaml"))
    path = d / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    what = ""
    if kind == 0:
        it = rng.choice(items_of(data))
        it["x" + str(rng.randrange(1000))] = junk(rng)
        what = "unknown item key"
    elif kind == 1:
        it = rng.choice(items_of(data))
        del it[rng.choice(REQUIRED_ITEM_KEYS)]
        what = "missing required item key"
    elif kind == 2:
        it = rng.choice(items_of(data))
        it["when"] = {"fact": "no_such_fact_" + str(rng.randrange(99)), "is": "x"}
        what = "unknown fact in when"
    elif kind == 3:
        it = rng.choice(items_of(data))
        fact = rng.choice(list(FACTS))
        it["when"] = {"all": [it["when"], {"fact": fact, "in": [FACTS[fact][0], "bogus_value"]}]}
        what = "invalid value in when"
    elif kind == 4:
        it = rng.choice(items_of(data))
        it["cite"] = rng.choice([None, "", {"document": "x"}, {"document": "x", "article": "y", "source": {"title": "t"},
                                                               "reliability": "rumour"}])
        what = "bad citation"
    elif kind == 5:
        kind_name = rng.choice([k for k in KINDS if data.get(k)])
        data[kind_name].append(dict(rng.choice(data[kind_name])))
        what = "duplicated id"
    elif kind == 6:
        data[rng.choice(["effective", "last_reviewed"])] = rng.choice(["yesterday", "2024-13-45", 20240101])
        what = "bad date"
    elif kind == 7:
        it = rng.choice(items_of(data))
        it["when"] = rng.choice([{"fact": "loss_level", "at_most": "huge"}, {"fact": "intent", "at_most": "inadvertent"},
                                 {"all": []}, {"any": "x"}, {"not": None}, ["fact", "intent"], {"is": "x"},
                                 {"fact": "intent", "is": "inadvertent", "in": ["inadvertent"]}])
        what = "malformed when"
    elif kind == 8 and name == "facts.yaml":
        fact = rng.choice(data["facts"])
        key = rng.choice(["dimension", "question"])
        fact[key] = rng.choice(["法律", None, 5] if key == "dimension" else [None, 5, "", ["q"]])
        what = "bad fact definition"
    elif kind == 8 and name == "scale.yaml":
        data["levels"][rng.randrange(len(data["levels"]))]["deaths"] = rng.choice([-1, "many", 0])
        what = "bad scale"
    else:  # procedure.yaml, or kind 9
        if name != "procedure.yaml":
            path = d / "procedure.yaml"
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        key = rng.choice(list(data))
        stage = rng.choice(data[key]["stages"])
        step = rng.choice(stage["steps"])
        del step[rng.choice(["name", "actor", "action"])]
        what = "bad procedure step"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"{what} in {path.name}"


@pytest.mark.parametrize("chunk", range(4))
def test_malformed_rule_files(tmp_path, chunk):
    rng = random.Random(1000 + chunk)
    facts = tmp_path / "f.json"
    facts.write_text("{}", encoding="utf-8")
    for n in range(N_RULES // 4):
        d = tmp_path / f"rules{n}"
        shutil.copytree(RULES, d)
        what = mutate_rules(rng, d)
        before = sorted(p.name for p in d.iterdir())
        code, out, err = run(["lint", "--rules", str(d)])
        assert code == 1 and "Traceback" not in out + err, (what, out[:500], err[:500])
        assert out.strip() and "共" in out, (what, out)
        if n % 4 == 0:
            assert_rejected(*run(["evaluate", "--facts", str(facts), "--rules", str(d)]), what=what)
        assert sorted(p.name for p in d.iterdir()) == before, "lint must not write into rules/"
        shutil.rmtree(d)
