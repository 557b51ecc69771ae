// rongcuo self-check: start the Pyodide worker as early as possible. A classic script placed in the
// generated form (hooks/selfcheck_page.py), so it runs while the page is still being parsed, not after
// the theme's bundle like the page script (selfcheck.js, which adopts this worker and its queued
// messages). Idempotent: instant navigation re-runs the scripts of the content on every visit.
(function () {
  if (window.__rcSelfcheckBoot) return;
  var root = document.getElementById("rc-selfcheck");
  if (!root || typeof WebAssembly !== "object" || typeof Worker !== "function") return;
  try {
    var cfg = JSON.parse(root.getAttribute("data-config"));
    var url = new URL("worker.mjs", document.currentScript.src);
    var w = new Worker(url, { type: "module", name: "rongcuo-selfcheck" });
    var queue = [];
    w.onmessage = function (e) { queue.push(e.data); };
    w.onerror = function (e) { queue.push({ type: "failed", message: e.message || "worker error" }); };
    w.postMessage(Object.assign({ type: "init" }, cfg));
    window.__rcSelfcheckBoot = { worker: w, queue: queue, started: performance.now() };
  } catch (err) { /* selfcheck.js starts the worker itself and reports any failure */ }
})();
