// rongcuo self-check worker (module Web Worker). Starts Pyodide from this site's own origin, unpacks
// the checker wheel (no micropip, no network beyond this origin), builds the rule base from the
// compiled rules JSON and answers evaluate/compare requests with selfcheck.explain.dumps() strings.
// Protocol (postMessage):
//   page -> worker  {type: "init", runtime, stdlib, wheel, rules, sizes: {file: bytes}, lock_info, ...}  (URLs
//                   relative to this file; runtime is the versioned folder of the Pyodide files, e.g.
//                   "pyodide-0.29.5/", which the server may let browsers cache for good; stdlib is the trimmed
//                   standard library, python_stdlib-<hash>.zip (only the modules the checker, this worker and
//                   Pyodide's start-up import; scripts/selfcheck_stdlib.txt); lock_info is the `info` of the
//                   runtime's pyodide-lock.json; all written into the page by the build)
//   worker -> page  {type: "progress", stage, loaded, total}  {type: "ready", rules_version, python}
//                   {type: "failed", message}
//   page -> worker  {type: "call", id, cmd: "evaluate"|"compare"|"batch"|"present"|"present_batch", facts,
//                   jurisdiction, as_of, items}
//   worker -> page  {type: "result", id, ok: true, json, ms} | {type: "result", id, ok: false, error}
//   ("present" answers {json, compare, html, draft}: the verdict and comparison JSON and their wording by
//   selfcheck.present, the one presenter; the page only inserts the HTML and wires its buttons)
let py = null;
let api = null;
let sizes = {};
let loaded = 0;
let stage = "download";

function progress(force) {
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  postMessage({ type: "progress", stage, loaded: Math.min(loaded, total), total, force: !!force });
}

// Count the bytes of this origin's runtime files as they stream in (decoded sizes, compared with the
// raw sizes the build wrote into the page): an honest download indicator without a second request.
const realFetch = globalThis.fetch.bind(globalThis);
let lastReport = 0;
globalThis.fetch = async (input, init) => {
  const resp = await realFetch(input, init);
  const url = String(typeof Request !== "undefined" && input instanceof Request ? input.url : input);
  const name = url.split("/").pop().split("?")[0];
  if (!(name in sizes) || !resp.body) return resp;
  // Count a clone's bytes and hand Pyodide the response itself: a Response built here from a stream
  // would have no URL or cache entry, and the browser then never caches the compiled WebAssembly.
  const reader = resp.clone().body.getReader();
  (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      loaded += value.byteLength;
      const now = performance.now();
      if (now - lastReport > 100) { lastReport = now; progress(); }
    }
  })().catch(() => {});
  return resp;
};

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function init(msg) {
  sizes = msg.sizes || {};
  const t0 = performance.now();
  progress(true);
  const wheelP = fetchBytes(new URL(msg.wheel, import.meta.url).href);
  const rulesP = fetchBytes(new URL(msg.rules, import.meta.url).href);
  const runtime = new URL(msg.runtime, import.meta.url).href;
  const { loadPyodide } = await import(runtime + "pyodide.mjs");
  py = await loadPyodide({
    indexURL: runtime,
    // We load no Pyodide package: an empty lock saves fetching pyodide-lock.json, and with no
    // package listed nothing can be fetched from the CDN that Pyodide would otherwise use.
    lockFileContents: JSON.stringify({ info: msg.lock_info, packages: {} }),
    packageBaseUrl: runtime,
    // the trimmed standard library (documented loadPyodide option); without it Pyodide would fetch
    // the full python_stdlib.zip from indexURL, which the site does not carry
    ...(msg.stdlib ? { stdLibURL: new URL(msg.stdlib, import.meta.url).href } : {}),
    fullStdLib: false,
    stdout: () => {},
    stderr: () => {},
  });
  const t1 = performance.now();
  stage = "start";
  progress(true);
  py.unpackArchive(await wheelP, "wheel");
  py.FS.writeFile("/tmp/rules.json", await rulesP);
  const t2 = performance.now();
  api = py.runPython(`
import json
from selfcheck.model import RuleBase
from selfcheck.explain import evaluate, compare, dumps, dumps_compare, today
from selfcheck.errors import InputError
from selfcheck.present import application_html, verdict_html

with open("/tmp/rules.json", encoding="utf-8") as fh:
    RB = RuleBase.from_compiled(json.load(fh))

def _call(cmd, facts_json, jurisdiction, as_of, items_json):
    try:
        if cmd == "evaluate":
            return "1" + dumps(evaluate(RB, json.loads(facts_json), jurisdiction, as_of or None))
        if cmd == "compare":
            return "1" + dumps_compare(compare(RB, json.loads(facts_json), as_of or None))
        if cmd == "present":  # the verdict, all jurisdictions, and their wording for the page
            facts = json.loads(facts_json)
            v = evaluate(RB, facts, jurisdiction, as_of or None)
            c = compare(RB, facts, as_of or None)
            return "1" + json.dumps({"json": dumps(v), "compare": dumps_compare(c),
                                     "html": verdict_html(RB, v, c, today()),
                                     "draft": application_html(RB, v)}, ensure_ascii=False)
        if cmd == "present_batch":  # the page wording of many verdicts (the differential test)
            out = []
            for f, j, d in json.loads(items_json):
                try:
                    v = evaluate(RB, f, j, d or None)
                    out.append(verdict_html(RB, v, compare(RB, f, d or None), "2026-01-01") + application_html(RB, v))
                except InputError as exc:
                    out.append("error: " + str(exc))
            return "1" + json.dumps(out, ensure_ascii=False)
        if cmd == "batch":
            out = []
            for f, j, d in json.loads(items_json):
                try:
                    out.append(dumps(evaluate(RB, f, j, d or None)))
                except InputError as exc:
                    out.append(json.dumps({"error": str(exc)}, ensure_ascii=False))
            return "1" + json.dumps(out, ensure_ascii=False)  # a list of dumps() strings
        return "0unknown command " + cmd
    except InputError as exc:
        return "0" + str(exc)

import sys
(_call, RB.version, sys.version.split()[0])
`).toJs();
  stage = "ready";
  const t3 = performance.now();
  // stage timings (ms) for scripts/bench_selfcheck.py: runtime start, wheel unpack, checker import + rules
  postMessage({ type: "ready", rules_version: api[1], python: api[2],
    timings: { pyodide: t1 - t0, unpack: t2 - t1, import_rules: t3 - t2 } });
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  if (msg.type === "init") {
    try {
      await init(msg);
    } catch (err) {
      postMessage({ type: "failed", message: String(err && err.message || err) });
    }
    return;
  }
  if (msg.type === "call") {
    const t0 = performance.now();
    try {
      const out = api[0](msg.cmd, JSON.stringify(msg.facts || {}), msg.jurisdiction || "national",
        msg.as_of || "", JSON.stringify(msg.items || []));
      const ms = performance.now() - t0;
      if (out[0] === "1") postMessage({ type: "result", id: msg.id, ok: true, json: out.slice(1), ms });
      else postMessage({ type: "result", id: msg.id, ok: false, error: out.slice(1), ms });
    } catch (err) {
      postMessage({ type: "result", id: msg.id, ok: false, error: String(err && err.message || err) });
    }
  }
};
