"""Hostile input (issue 16): every reproduction is rejected with exit 1 and a file:line message in
Chinese, never a traceback, each run bounded by `resource` limits (5 s of CPU, 500 MB of address
space) so a regression fails the test instead of eating the machine."""

from __future__ import annotations

import json
import os
import random
import resource
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, RULES
from .test_cli import run

CPU_S = 5
MEM = 500 * 1024 * 1024
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)))


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_S, CPU_S))
    resource.setrlimit(resource.RLIMIT_AS, (MEM, MEM))


def limited(*args: str, stdin: bytes = b"", timeout: float = 60) -> tuple[int, str, str, float]:
    """Run `python -m selfcheck ARGS` under the limits; (exit code, stdout, stderr, seconds)."""
    t = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "selfcheck", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=timeout, preexec_fn=_limits)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"), \
        time.monotonic() - t


def assert_refused(code: int, out: str, err: str, expect: str, where: str) -> None:
    assert code == 1, (code, err[-500:])  # a negative code means SIGXCPU/SIGKILL: the limits were hit
    assert "Traceback" not in err and "MemoryError" not in err, err[-1000:]
    assert expect in err, err[-500:]
    assert f"{where}:" in err, err[-500:]


BAD_FACTS = [
    ("alias bomb (342 bytes)", BOMB, "展开别名"),
    ("recursive alias", "intent: &a [*a]\n", "递归别名"),
    ("recursive alias in a mapping", "intent: &a {x: *a}\n", "递归别名"),
    ("merge key", "base: &b {intent: inadvertent}\n<<: *b\n", "合并键"),
    ("merge key without alias", "<<: {intent: inadvertent}\n", "合并键"),
    ("set as a key", "? !!set {a, b}\n: inadvertent\n", "标签"),
    ("set as a value", "intent: !!set {a, b}\n", "标签"),
    ("python tag", "intent: !!python/object/apply:os.system [true]\n", "标签"),
    ("local tag", "intent: !x inadvertent\n", "标签"),
    ("huge integer (5,000 digits)", "economic_loss_wan: " + "9" * 5000 + "\n", "数字过大"),
    ("huge integer (31 digits)", "deaths: 1" + "0" * 30 + "\n", "数字过大"),
    ("huge integer key", "? 1" + "0" * 5000 + "\n: x\n", "数字过大"),
    ("NaN", "economic_loss_wan: .nan\n", "NaN"),
    ("infinity", "economic_loss_wan: .inf\n", "NaN"),
    ("minus infinity", "deaths: -.inf\n", "NaN"),
    ("float overflowing to infinity", "economic_loss_wan: 1.0e+999\n", "NaN"),
    ("long float", "economic_loss_wan: " + "9" * 400 + ".0\n", "NaN"),
    ("deep nesting", "intent: " + "[" * 100_000 + "\n", "嵌套"),
    ("deep flow mapping", "{a: " * 5000 + "\n", "嵌套"),
    ("many values (1.2 MB, 200,000 numbers)", "y: [" + ",".join(["1"] * 200_000) + "]\n", "个值"),
    ("many aliases (600,000)", "x: &a [1]\ny: [" + ",".join(["*a"] * 600_000) + "]\n", "个值"),
    ("duplicate key", '{"intent": "inadvertent", "intent": "deliberate_for_work"}', "重复"),
    ("too long", "intent: inadvertent\n" + "# x\n" * 600_000, "过大"),
]


@pytest.mark.parametrize("what,text,expect", BAD_FACTS, ids=[c[0] for c in BAD_FACTS])
def test_hostile_facts_file(tmp_path, what, text, expect):
    p = tmp_path / "f.yaml"
    p.write_text(text, encoding="utf-8")
    code, out, err, dt = limited("evaluate", "--facts", str(p))
    assert_refused(code, out, err, expect, str(p))
    assert out == ""
    assert dt < 30, dt  # wall time on a loaded machine; the CPU limit is the real bound


def test_hostile_facts_on_stdin_and_compare():
    code, out, err, _ = limited("evaluate", "--facts", "-", stdin=BOMB.encode())
    assert_refused(code, out, err, "展开别名", "<stdin>")
    code, out, err, _ = limited("compare", "--facts", "-", stdin=b"intent: \xff\xfe inadvertent\n")
    assert_refused(code, out, err, "UTF-8", "<stdin>:1")
    code, out, err, _ = limited("evaluate", "--facts", "-", stdin=b"intent: inadvertent\n" * 200_000)
    assert_refused(code, out, err, "过大", "<stdin>")


def test_non_utf8_file_names_the_line(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_bytes(b"intent: inadvertent\n\nremedy: \xc3\x28\n")
    assert_refused(*limited("evaluate", "--facts", str(p))[:3], "UTF-8", f"{p}:3")


def test_utf8_bom_is_accepted(tmp_path):
    p = tmp_path / "f.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"intent": "inadvertent"}).encode())
    code, out, err, _ = limited("evaluate", "--facts", str(p), "--as-of", "2025-06-30")
    assert code == 0, err


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "directory", "dev_null"])
def test_non_regular_facts_file(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "f.yaml"
        os.mkfifo(path)
    elif kind == "directory":
        path = tmp_path
    else:
        path = Path("/dev/zero" if kind == "dev_zero" else "/dev/null")
    code, out, err, dt = limited("evaluate", "--facts", str(path), timeout=30)
    assert_refused(code, out, err, "不是普通文件", str(path))


@pytest.mark.property
def test_fuzz_yaml_features(tmp_path):
    """Random mixtures of anchors, aliases, tags, merge keys, odd numbers and nesting: never a
    traceback, always within the limits, and either a verdict (0) or a file:line refusal (1)."""
    rng = random.Random(16)
    pieces = ["&a [1, 2, 3]", "*a", "!!set {x, y}", "!!binary aGVsbG8=", "!!timestamp 2001-12-14", "~",
              ".nan", "-.inf", "0x" + "f" * 40, "1_000_000", "0o777", "190:20:30", "1" * 25, "1.5e+400",
              "{<<: {a: 1}}", "[" * 70 + "]" * 70, "? [a, b]\n  : c", "'\\ud800'", "\"\\ud800\"", "yes", "2026-13-45",
              "inadvertent", "{intent: *a}", "&b {k: *b}", "!!str 12", "!!int '7'", "!!float x", "!!map {}", "!!omap [a: 1]"]
    keys = ["intent", "economic_loss_wan", "deaths", "remedy", "x", "? !!set {a}", "1" * 30, "<<"]
    for n in range(12):
        lines = ["base: &a [1, 2]"] + [f"{rng.choice(keys)}: {rng.choice(pieces)}" for _ in range(rng.randrange(1, 6))]
        p = tmp_path / f"fuzz{n}.yaml"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, out, err, dt = limited("evaluate", "--facts", str(p), "--as-of", "2025-06-30")
        assert code in (0, 1), (lines, code, err[-500:])
        assert "Traceback" not in err and "MemoryError" not in err, (lines, err[-800:])
        if code == 1:
            assert f"{p}:" in err, (lines, err)


# -- rule sets: lint and every command that loads them ---------------------------------------------------------


@pytest.fixture
def rules(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(RULES, d)
    return d


def _lint(rules: Path) -> tuple[int, str, str, float]:
    code, out, err, dt = limited("lint", "--rules", str(rules), timeout=60)
    return code, out, out + err, dt  # lint prints its problems on stdout


def test_nan_threshold_in_scale_is_refused(rules):
    text = (rules / "scale.yaml").read_text(encoding="utf-8")
    import re

    new, n = re.subn(r"(economic_loss_wan:\s*)[0-9.]+", r"\1.nan", text, count=1)
    assert n == 1
    (rules / "scale.yaml").write_text(new, encoding="utf-8")
    code, out, err, _ = _lint(rules)
    assert_refused(code, out, err, "NaN", "scale.yaml")


@pytest.mark.parametrize("what,text,expect", [
    ("alias bomb", BOMB, "展开别名"),
    ("recursive alias", "id: x\nexclusions: &a [*a]\n", "递归别名"),
    ("merge key", "<<: {id: x}\n", "合并键"),
    ("huge integer", "id: x\nn: " + "7" * 5000 + "\n", "数字过大"),
    ("non-UTF-8", b"id: x\ntitle: \xff\n", "UTF-8"),
])
def test_hostile_rule_file(rules, what, text, expect):
    p = rules / "zz.yaml"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    code, out, err, _ = _lint(rules)
    assert_refused(code, out, err, expect, "zz.yaml")
    code, out, err, _ = limited("evaluate", "--facts", "-", "--rules", str(rules), stdin=b"{}")
    assert_refused(code, out, err, expect, "zz.yaml")


@pytest.mark.parametrize("kind", ["fifo", "symlink_dev_zero", "symlink_file"])
def test_rule_files_that_are_not_regular_files(rules, kind):
    p = rules / "zz.yaml"
    if kind == "fifo":
        os.mkfifo(p)
        expect = "不是普通文件"
    else:
        p.symlink_to("/dev/zero" if kind == "symlink_dev_zero" else rules / "jiangsu.yaml")
        expect = "符号链接"
    code, out, err, _ = _lint(rules)
    assert_refused(code, out, err, expect, "zz.yaml:1")


def test_case_file_alias_bomb_and_symlink_in_lint(tmp_path):
    content = tmp_path / "content"
    (content / "cases").mkdir(parents=True)
    (content / "cases" / "bomb.md").write_text("---\n" + BOMB + "---\n正文\n", encoding="utf-8")
    (content / "cases" / "link.md").symlink_to("/etc/passwd")
    code, out, err, _ = limited("lint", "--content", str(content))
    err = out + err
    assert_refused(code, out, err, "展开别名", "bomb.md")  # the line where the expansion passes the cap
    assert "link.md:1" in err and "符号链接" in err


# -- batch: streams, and reads each line as evaluate reads a file ----------------------------------------------


def _batch(stdin: bytes, *args: str) -> tuple[int, list[dict], str]:
    code, out, err, _ = limited("batch", "--as-of", "2025-06-30", *args, stdin=stdin)
    assert "Traceback" not in err, err[-800:]
    return code, [json.loads(x) for x in out.splitlines()], err


def test_batch_lines_are_validated_like_evaluate():
    good = json.dumps({"intent": "inadvertent"}).encode()
    bad = [
        b'{"intent": "inadvertent", "intent": "deliberate_for_work"}',  # duplicate key: evaluate refuses
        b'{"economic_loss_wan": NaN}',  # not JSON; read as YAML it is the word NaN, not a number
        b'{"economic_loss_wan": 1' + b"0" * 5000 + b"}",
        b'{"deaths": 1e999}',
        b'{"remedy": "\xff"}',
        b'{"a": ' + b"[" * 1000 + b"}",
        b'{"x": &a [*a]}',
        BOMB.replace("\n", " ").encode(),
    ]
    code, rows, err = _batch(b"\n".join([good, *bad, good]) + b"\n")
    assert code == 1
    assert len(rows) == len(bad) + 2
    assert rows[0]["outcome"] and rows[-1]["outcome"]
    for n, row in enumerate(rows[1:-1], start=2):
        assert row["line"] == n and row["error"], row
        assert f"<stdin>:{n}" in err
    assert "重复" in rows[1]["error"][0]["what"]
    assert f"共 {len(bad)} 行无效" in err


def test_batch_accepts_a_bom_like_evaluate():
    line = json.dumps({"intent": "inadvertent"}).encode()
    code, rows, err = _batch(b"\xef\xbb\xbf" + line + b"\n" + line + b"\n")
    assert code == 0, err
    assert rows[0] == rows[1]


def test_batch_overlong_line_is_refused_without_memory():
    line = json.dumps({"intent": "inadvertent"}).encode()
    code, rows, err = _batch(line + b"\n" + b" " * (300 * 1024 * 1024 // 2) + b"\n" + line + b"\n")
    assert code == 1
    assert rows[0]["outcome"] and rows[1]["line"] == 2 and "超过" in rows[1]["error"][0]["what"]
    assert rows[2]["outcome"]


@pytest.mark.property
@pytest.mark.usefixtures("shipped_rules_read_once")
def test_batch_matches_evaluate_on_varied_json(tmp_path, rb):
    """The fast JSON reading of a line gives exactly what evaluate's reading gives."""
    rng = random.Random(1616)
    for _ in range(40):
        data: dict = {f.id: rng.choice(f.value_ids + ("unknown", "不清楚")) for f in rb.facts if rng.random() < 0.6}
        if rng.random() < 0.5:
            data.pop("loss_level", None)
            data[rng.choice(["economic_loss_wan", "deaths"])] = rng.choice([0, 3, 120, 2.5, 1e5, 10**17, -1])
        text = json.dumps(data, ensure_ascii=rng.random() < 0.5, indent=None, separators=rng.choice([(",", ":"), (", ", ": ")]))
        if rng.random() < 0.2:
            text = text.replace(", ", ",\t")
        p = tmp_path / "f.json"
        p.write_text(text, encoding="utf-8")
        ecode, eout, eerr = run(["evaluate", "--facts", str(p), "--as-of", "2025-06-30"])
        bcode, bout, berr = run(["batch", "--as-of", "2025-06-30"], stdin=text + "\n")
        assert (ecode == 0) == (bcode == 0), (text, eerr, berr)
        if ecode == 0:
            assert json.loads(eout) == json.loads(bout), text
        else:
            assert [p.split(": ", 1)[1] for p in eerr.splitlines()] == \
                [p.split(": ", 1)[1] for p in berr.splitlines()[:-1]], text


def test_batch_streams_before_input_ends():
    """The verdict of a line is written while the input is still open."""
    proc = subprocess.Popen([sys.executable, "-m", "selfcheck", "batch", "--as-of", "2025-06-30"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_limits)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        for _ in range(2):
            proc.stdin.write(json.dumps({"intent": "inadvertent"}).encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "no verdict while the input is still open"
            assert json.loads(proc.stdout.readline())["outcome"]
    finally:
        proc.kill()
        proc.wait()


def test_batch_memory_is_flat_with_input_size():
    """10,000 lines (blank and invalid ones too) go through under the limits, in order."""
    line = json.dumps({"intent": "inadvertent", "remedy": "proactive"}).encode()
    body = (line + b"\n" + b"\n" * 8 + b"{bad\n") * 1000
    code, rows, err = _batch(body)
    assert code == 1 and len(rows) == 2000
    assert all(r["line"] == 10 * i + 10 for i, r in enumerate(rows[1::2]))
