"""The trimmed standard library (scripts/selfcheck_stdlib.txt -> python_stdlib-<hash>.zip).

The checker runs under Node + the pinned Pyodide (scripts/selfcheck_probe.mjs: the worker's own Python,
every scenario, 320 random fact sets, compare, batch, the error paths), once with Pyodide's full
standard library and once with the zip the site serves (trimmed, compiled to .pyc). The test fails when the checker (or the worker, or
Pyodide's start-up) imports a module the trimmed zip does not hold, even one whose ImportError is
caught: the fix is `python scripts/selfcheck_pack.py record-stdlib --write`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from rongcuo_site import selfcheck_pack
from selfcheck.errors import InputError
from selfcheck.explain import dumps, evaluate

FIX = "python scripts/selfcheck_pack.py record-stdlib --write"

pytestmark = pytest.mark.build  # builds the trimmed zip and the wheel the site serves, runs them under Node + Pyodide


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(report with the full stdlib, report with the trimmed zip)."""
    work = tmp_path_factory.mktemp("stdlib")
    name, data = selfcheck_pack.site_stdlib()  # what the site serves: the trimmed zip as .pyc
    (work / name).write_bytes(data)
    kept = [m for m, (k, _) in selfcheck_pack.stdlib_list().items() if k in ("zip", "margin")]
    (work / "full").mkdir()
    (work / "trimmed").mkdir()
    # the two Node processes are independent: run side by side (each uses one core)
    with ThreadPoolExecutor(2) as pool:
        full = pool.submit(selfcheck_pack.probe, None, work / "full")
        trimmed = pool.submit(selfcheck_pack.probe, work / name, work / "trimmed", import_all=kept)
        return full.result(), trimmed.result()


def test_every_module_the_checker_imports_is_in_the_trimmed_zip(runs):
    full, _ = runs
    listing = selfcheck_pack.stdlib_list()
    needed = {m for m, k in selfcheck_pack.classify(full).items() if k == "zip"}
    missing = sorted(m for m in needed if listing.get(m, ("",))[0] not in ("zip", "margin"))
    assert not missing, f"imported from the standard library but not in the trimmed zip: {missing}. Fix: {FIX}"


def test_the_trimmed_zip_runs_the_checker_like_the_full_one(runs, rb):
    full, trimmed = runs
    with zipfile.ZipFile(selfcheck_pack.PYODIDE_DIR / "python_stdlib.zip") as z:
        in_full = {n.removesuffix("/__init__.py").removesuffix(".py").replace("/", ".") for n in z.namelist()}
    # no import that the full zip could have satisfied failed (not even one caught by a fallback)
    assert sorted(set(trimmed["missed"]) & in_full) == [], FIX
    assert sorted(trimmed["modules"]) == sorted(full["modules"]), FIX  # the same modules, from start-up on
    assert trimmed["importFailures"] == []  # every listed module (margin included) imports from the zip
    assert (trimmed["batch"], trimmed["compare"], trimmed["errors"]) == (full["batch"], full["compare"], full["errors"])
    # and the verdicts are CPython's, byte for byte
    for (facts, j, d), got in zip(trimmed["items"], trimmed["batch"], strict=True):
        try:
            want = "1" + dumps(evaluate(rb, facts, j, d))
        except InputError as exc:
            want = "0" + str(exc)
        assert got == want, (facts, j, d)
    assert len(trimmed["batch"]) >= 300 and trimmed["batch"][0].startswith("1{")


def test_build_fails_when_a_checker_module_imports_what_the_zip_lacks():
    listing = selfcheck_pack.stdlib_list()
    selfcheck_pack.check_wheel_imports(listing)  # the real modules pass
    src = "from __future__ import annotations\nimport json\n\ndef f():\n    import csv\n    from . import model\n"
    with pytest.raises(selfcheck_pack.PackError, match=r"selfcheck/engine\.py imports csv"):
        selfcheck_pack.check_wheel_imports(listing, {"engine.py": src})
    with pytest.raises(selfcheck_pack.PackError, match="not in python_stdlib.zip"):
        selfcheck_pack.trimmed_stdlib(listing={"no_such_module": ("margin", "")})


def test_trimmed_zip_is_deterministic_and_holds_only_the_listed_modules():
    name, data = selfcheck_pack.trimmed_stdlib()
    assert selfcheck_pack.trimmed_stdlib() == (name, data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    assert all(i.filename.endswith(("/", ".py")) for i in infos)
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)  # brotli on the wire, see 0003
    mods = {i.filename.removesuffix("/__init__.py").removesuffix(".py").replace("/", ".")
            for i in infos if not i.filename.endswith("/")}
    kept = {m for m, (k, _) in selfcheck_pack.stdlib_list().items() if k in ("zip", "margin")}
    assert mods == kept
    with zipfile.ZipFile(selfcheck_pack.PYODIDE_DIR / "python_stdlib.zip") as z:
        full_raw = sum(i.file_size for i in z.infolist())
    assert sum(i.file_size for i in infos) < 0.35 * full_raw
    # the site's copy: the same entries, every X.py as X.pyc (unchecked hash-based, PEP 552), stored
    site_name, site = selfcheck_pack.site_stdlib()
    assert site_name == f"python_stdlib-{hashlib.sha256(site).hexdigest()[:12]}.zip"
    with zipfile.ZipFile(io.BytesIO(site)) as z:
        pyc = z.infolist()
        assert [i.filename for i in pyc] == [i.filename + ("c" if i.filename.endswith(".py") else "") for i in infos]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in pyc)
        head = z.read("json/__init__.pyc")[:8]
    assert head[4:8] == (1).to_bytes(4, "little")  # hash-based, not checked against a source
