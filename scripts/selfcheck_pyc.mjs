// Compile the trimmed standard library to bytecode with the pinned Pyodide's own Python, under Node.
//
//   node scripts/selfcheck_pyc.mjs PYODIDE_DIR IN.zip OUT.zip
//
// IN.zip holds .py sources (scripts/build_selfcheck.py trimmed_stdlib()); OUT.zip holds the same
// entries with every X.py replaced by X.pyc (unchecked hash-based pycs, PEP 552: no timestamps, and
// zipimport loads them without the source), stored, in the same order with the same dates. Compiled
// by the runtime's interpreter itself (Pyodide 0.29.5: Python 3.13.2), so the magic number and the
// bytecode are the ones the browser runs; the project's venv may be any Python >= 3.11.
// co_filename is /lib/pythonXY.zip/<entry>, where Pyodide puts the zip, as when compiled at import.
// optimize=2 (what `python -OO` does: no docstrings, no asserts): 727 kB brotli instead of 861 kB;
// tests/selfcheck_page/test_stdlib.py runs the checker's workload and imports every listed module with it.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, input, output] = process.argv.slice(2);
const pyodideDir = path.resolve(dir) + "/";
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "pyodide.mjs").href);
const lock = JSON.parse(fs.readFileSync(pyodideDir + "pyodide-lock.json", "utf8"));
const py = await loadPyodide({
  indexURL: pyodideDir,
  stdLibURL: path.resolve(input),
  lockFileContents: JSON.stringify({ info: lock.info, packages: {} }),
  packageBaseUrl: pyodideDir,
  stdout: () => {},
  stderr: (s) => process.stderr.write(s + "\n"),
});
py.FS.writeFile("/tmp/in.zip", new Uint8Array(fs.readFileSync(input)));
py.runPython(`
import importlib.util, marshal, sys, zipfile
prefix = f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip/"
with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w", zipfile.ZIP_STORED) as out:
    for info in src.infolist():
        data = src.read(info)
        name = info.filename
        if name.endswith(".py"):
            code = compile(data, prefix + name, "exec", dont_inherit=True, optimize=2)
            data = (importlib.util.MAGIC_NUMBER + (0b01).to_bytes(4, "little")
                    + importlib.util.source_hash(data) + marshal.dumps(code))
            name += "c"
        zi = zipfile.ZipInfo(name, info.date_time)
        zi.external_attr = info.external_attr
        zi.compress_type = zipfile.ZIP_STORED
        out.writestr(zi, data)
`);
fs.writeFileSync(output, py.FS.readFile("/tmp/out.zip"));
