// rongcuo self-check: start the Pyodide worker early. rongcuo_site/selfcheck_form.py puts this script in
// the <head> of the form's page as <script async src=boot.js data-config=…>, so it runs while the
// page is still being parsed, without waiting for the stylesheets, the form or the theme's bundle.
// It creates the worker right after the first frame has been painted: started sooner, the runtime's
// download and WebAssembly compilation compete with the first paint (measured: the first usable
// question came ~50 ms later, the checker was not ready sooner; docs/decisions/0002). The page script
// (selfcheck.js) adopts the worker and its queued messages, or starts the worker itself if it runs
// first. Idempotent; after instant navigation (no new <head>) selfcheck.js starts the worker.
(function () {
  "use strict";
  if (window.__rcSelfcheckBoot) return;
  const me = document.currentScript;
  if (!me || typeof WebAssembly !== "object" || typeof Worker !== "function") return;
  let cfg, url;
  try {
    cfg = JSON.parse(me.getAttribute("data-config"));
    url = new URL("worker.mjs", me.src);
  } catch (err) { return; }  /* selfcheck.js starts the worker itself and reports any failure */

  function start() {
    if (window.__rcSelfcheckBoot) return;
    try {
      const w = new Worker(url, { type: "module", name: "rongcuo-selfcheck" });
      const queue = [];
      w.onmessage = function (e) { queue.push(e.data); };
      w.onerror = function (e) { queue.push({ type: "failed", message: e.message || "worker error" }); };
      w.postMessage(Object.assign({ type: "init" }, cfg));
      window.__rcSelfcheckBoot = { worker: w, queue: queue, started: performance.now() };
    } catch (err) { /* as above */ }
  }
  requestAnimationFrame(function () { setTimeout(start, 0); });  // just after the first paint
  setTimeout(start, 250);  // a tab in the background paints no frame
})();
