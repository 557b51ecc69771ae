// Run the self-check worker's Python under Node with the pinned Pyodide and report what it imported.
//
//   node scripts/selfcheck_probe.mjs CONFIG.json      (CONFIG: see below; prints one JSON object)
//
// Used by scripts/build_selfcheck.py (record-stdlib: which standard-library modules the checker,
// the worker and Pyodide's own start-up import) and by tests/selfcheck_page/test_stdlib.py (the trimmed
// standard library holds every one of them). It starts Pyodide the way content/assets/selfcheck/worker.mjs
// does (same loadPyodide options, unpackArchive of the wheel, the rules JSON, and the worker's own
// Python source, read from worker.mjs), then runs a workload through the worker's _call():
// evaluate for every item of a batch, compare, the batch command, the page's wording (present) and the
// error paths.
// CONFIG: {pyodide: dir of the npm package, stdlib: zip path or null (the package's own zip),
//          worker: worker.mjs path, wheel: .whl path, rules: rules JSON path,
//          items: [[facts, jurisdiction, as_of], ...], compare: [[facts, as_of], ...],
//          import_all: [module names imported at the end, to prove the zip has them and what they need]}
// Output: {python, modules: {name: origin}, missed: [names no finder found], startup: [names],
//          batch: [dumps() strings], compare: [strings], errors: [strings], importFailures: [strings]}
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const pyodideDir = path.resolve(cfg.pyodide) + "/";
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "pyodide.mjs").href);
const lock = JSON.parse(fs.readFileSync(pyodideDir + "pyodide-lock.json", "utf8"));
const opts = {
  indexURL: pyodideDir,
  lockFileContents: JSON.stringify({ info: lock.info, packages: {} }),
  packageBaseUrl: pyodideDir,
  fullStdLib: false,
  stdout: () => {},
  stderr: () => {},
};
if (cfg.stdlib) opts.stdLibURL = path.resolve(cfg.stdlib);
const py = await loadPyodide(opts);

// record every import that no finder could satisfy (a module missing from the zip, even when the
// importer catches the ImportError and falls back), from here on
py.runPython(`
import sys
class _MissLog:
    missed = []
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        cls.missed.append(name)
        return None
sys.meta_path.append(_MissLog)
_startup_modules = sorted(sys.modules)
`);

const src = fs.readFileSync(cfg.worker, "utf8");
const m = src.match(/api = py\.runPython\(`([\s\S]*?)`\)\.toJs\(\);/);
if (!m) throw new Error("selfcheck_probe: the worker's Python source (api = py.runPython(`...`).toJs()) not found");
py.unpackArchive(new Uint8Array(fs.readFileSync(cfg.wheel)), "wheel");
py.FS.writeFile("/tmp/rules.json", new Uint8Array(fs.readFileSync(cfg.rules)));
const api = py.runPython(m[1]).toJs();
const call = api[0];
const J = JSON.stringify;
const batch = cfg.items.map(([f, j, d]) => call("evaluate", J(f), j, d || "", "[]"));
const compare = cfg.compare.map(([f, d]) => call("compare", J(f), "national", d || "", "[]"));
const errors = [
  call("batch", "{}", "national", "", J(cfg.items.slice(0, 20))),
  // the page's wording (selfcheck.present) for a few verdicts, and its batch form
  ...cfg.items.slice(0, 12).map(([f, j, d]) => call("present", J(f), j, d || "", "[]").slice(0, 1)),
  call("present_batch", "{}", "national", "", J(cfg.items.slice(0, 20))).slice(0, 1),
  call("evaluate", J({ intent: "no such value" }), "national", "", "[]"),
  call("evaluate", "{}", "no-such-place", "", "[]"),
  call("evaluate", "{}", "national", "not a date", "[]"),
  call("nonsense", "{}", "national", "", "[]"),
];
// a Python exception that reaches JavaScript (formatted with its traceback by Pyodide)
try { py.runPython("raise ValueError('probe')"); } catch (e) { errors.push(String(e.message).split("\n").pop()); }
const out = py.runPython(`
import json, sys
mods = {}
for name, mod in list(sys.modules.items()):
    spec = getattr(mod, "__spec__", None)
    mods[name] = (getattr(spec, "origin", None) or "") if spec is not None else ""
json.dumps({"modules": mods, "missed": _MissLog.missed, "startup": _startup_modules})
`);
// last (it changes sys.modules): every module of cfg.import_all must import from this zip
py.globals.set("_import_all", J(cfg.import_all || []));
const importFailures = JSON.parse(py.runPython(`
import importlib, json
_failed = []
for _name in json.loads(_import_all):
    try:
        importlib.import_module(_name)
    except Exception as _exc:
        _failed.append(f"{_name}: {type(_exc).__name__}: {_exc}")
json.dumps(_failed)
`));
process.stdout.write(J({ python: api[2], ...JSON.parse(out), batch, compare, errors, importFailures }) + "\n");
