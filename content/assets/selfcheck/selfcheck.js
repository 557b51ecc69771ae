// rongcuo anonymous self-check: the page side. Loaded on every page as a module (rongcuo_site/selfcheck_form.py)
// and active only where the form (#rc-selfcheck, generated at build time) is present. The form page also
// loads it as an async module right after the form, so the steps work before the theme's bundle and the
// rest of the page are done (the same URL is one module: it runs once). It subscribes to the theme's
// document$ so it also starts after instant navigation. One Pyodide worker per tab is
// started the first time the form is seen and kept across navigations. Nothing is stored anywhere:
// answers live in the form only; no cookie, no Web Storage, no IndexedDB, no request except this
// origin's runtime files. The verdict and the application draft arrive worded, as HTML made by the one
// presenter (selfcheck/present.py, in the worker); this script only inserts it and wires its buttons
// (data-rc-action, data-rc-goto, data-rc-jurisdiction). The strings below are form chrome only.

const WORKER_URL = new URL("./worker.mjs", import.meta.url);
const LOAD_WARN_MS = 45000;

const T = {
  // bytes are counted decoded, against the raw sizes: the network transfer is smaller (brotli)
  loading: (pct, mb) => `自查程序正在后台加载（${pct}%，解压后共约 ${mb} MB）。您可以先回答问题。`,
  starting: "正在启动自查程序…",
  ready: (v) => `自查程序已就绪（规则版本 ${v}），可以随时查看结果。`,
  slow: "自查程序加载时间比预期长，请稍候；如果一直没有完成，可以使用可打印的自查清单。",
  failed: (m) => `自查程序未能在这个浏览器里运行（${m}）。您可以使用可打印的自查清单，或者打印已填写的回答。`,
  noWasm: "这个浏览器不支持 WebAssembly，自查程序无法运行。您可以使用可打印的自查清单，或者打印已填写的回答。",
  checklist: "可打印的自查清单",
  step: (n, total, title) => `第 ${n} 步，共 ${total} 步：${title}`,
  waiting: "自查程序还在加载，加载完成后会自动显示结果…",
  change: "修改",
  jurisdiction: "适用的规定",
  asOf: "按哪一天施行的规定",
  today: "今天",
  openAnswers: (n) => `有 ${n} 个问题的回答是“不清楚”（列在下面，核对表中以灰色显示）。结果会把它们当作尚待查清的事实来推演；如果其实知道答案，请点问题回到那一步补上。`,
  openItem: (n) => `（第 ${n} 步）`,
  begin: "开始自查",
  next: "下一步",
  edit: "修改回答",
  restartConfirm: "清空全部回答，重新开始？",
  errorTitle: "无法得出结果",
  noAnswer: "（未填）",
};

// ---- the worker (one per tab) ------------------------------------------------------------------------
const W = { worker: null, state: "idle", loaded: 0, total: 0, stage: "", message: "", version: "",
  calls: new Map(), next: 1, readyWaiters: [], listeners: new Set(), started: 0 };

function notify() { for (const fn of W.listeners) fn(); }

function startWorker(cfg) {
  if (W.worker || W.state === "failed") return;
  W.started = performance.now();
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    W.state = "failed"; W.message = T.noWasm; notify(); return;
  }
  W.state = "loading";
  W.total = Object.values(cfg.sizes || {}).reduce((a, b) => a + b, 0);
  const boot = window.__rcSelfcheckBoot;  // started early by boot.js, with the same init message
  let w;
  if (boot) {
    w = boot.worker;
  } else {
    try {
      w = new Worker(WORKER_URL, { type: "module", name: "rongcuo-selfcheck" });
    } catch (err) {
      fail(String(err && err.message || err)); return;
    }
    window.__rcSelfcheckBoot = { worker: w, queue: [], started: W.started };  // boot.js: already started
  }
  W.worker = w;
  const handle = (m) => {
    if (m.type === "progress") {
      W.loaded = m.loaded; W.total = m.total || W.total; W.stage = m.stage; notify();
    } else if (m.type === "ready") {
      W.state = "ready"; W.version = m.rules_version; W.readyAt = performance.now(); W.timings = m.timings;
      W.readyWaiters.splice(0).forEach((r) => r.resolve()); notify();
    } else if (m.type === "failed") {
      fail(m.message);
    } else if (m.type === "result") {
      const c = W.calls.get(m.id);
      if (c) { W.calls.delete(m.id); m.ok ? c.resolve(m) : c.reject(new Error(m.error)); }
    }
  };
  w.onmessage = (ev) => handle(ev.data);
  w.onerror = (ev) => { ev.preventDefault && ev.preventDefault(); fail(ev.message || "worker error"); };
  if (boot) boot.queue.splice(0).forEach(handle);
  else w.postMessage(Object.assign({ type: "init" }, cfg));
  setTimeout(() => { if (W.state === "loading") { W.slow = true; notify(); } }, LOAD_WARN_MS);
}

function fail(message) {
  W.state = "failed"; W.message = T.failed(message);
  W.readyWaiters.splice(0).forEach((r) => r.reject(new Error(message)));
  for (const c of W.calls.values()) c.reject(new Error(message));
  W.calls.clear(); notify();
}

function whenReady() {
  if (W.state === "ready") return Promise.resolve();
  if (W.state === "failed") return Promise.reject(new Error(W.message));
  return new Promise((resolve, reject) => W.readyWaiters.push({ resolve, reject }));
}

async function call(cmd, args) {
  await whenReady();
  const id = W.next++;
  return new Promise((resolve, reject) => {
    W.calls.set(id, { resolve, reject });
    W.worker.postMessage({ type: "call", id, cmd, ...args });
  });
}

// A small, documented handle for the tests and the benchmark (nothing is stored in it but the last
// verdict, which disappears with the page).
window.rongcuoSelfcheck = {
  get state() { return W.state; },
  get rulesVersion() { return W.version; },
  get readyAt() { return W.readyAt; },     // performance.now() when the checker became ready
  get formReadyAt() { return W.formReadyAt; },  // performance.now() when the form's steps became live
  get timings() { return W.timings; },     // worker stage timings (ms)
  whenReady,
  call: async (cmd, args) => { const r = await call(cmd, args); return { json: r.json, ms: r.ms }; },
  last: null,
};

// ---- helpers ----------------------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

// ---- the form ---------------------------------------------------------------------------------------
function init(root) {
  if (root.dataset.rcInit) return;
  root.dataset.rcInit = "1";
  const cfg = JSON.parse(root.dataset.config);
  const form = root.querySelector("#rc-sc-form");
  const steps = [...form.querySelectorAll(".rc-sc-step")];
  const total = steps.length;
  const start = root.querySelector("#rc-sc-start");
  const progress = root.querySelector(".rc-sc-progress");
  const stepText = root.querySelector("#rc-sc-steptext");
  const stepBar = root.querySelector("#rc-sc-stepbar");
  const prev = root.querySelector("#rc-sc-prev");
  const next = root.querySelector("#rc-sc-next");
  const toReview = root.querySelector("#rc-sc-to-review");
  const review = root.querySelector("#rc-sc-review");
  const verdictBox = root.querySelector("#rc-sc-verdict");
  const loadText = root.querySelector("#rc-sc-load-text");
  const loadBar = root.querySelector("#rc-sc-load-bar");
  const submitNote = root.querySelector("#rc-sc-submit-note");
  const checklistHref = new URL("checklist/", location.href.split("#")[0]).href;
  let current = -1;  // -1: the start page, then the steps 0 … total-1
  let cameFromReview = false;
  // Each step is a history entry of this page with the same URL: its history state holds the step
  // index (rcStep) and nothing else; the start page's entry has none. The URL does not change: a new
  // URL, even a new hash, makes the browser ask the server for the favicon again (no-cache), which
  // would tell the server when someone moves between steps. A reload starts empty at the start page.
  const pagePath = location.pathname;
  function normalizeUrl() {  // the current entry becomes the start page's (reload, back/forward cache)
    if (location.pathname === pagePath && stepOfState() !== null) {
      const { rcStep, ...rest } = history.state;
      replaceStateAsIs(Object.keys(rest).length ? rest : null, "");
    }
  }
  normalizeUrl();

  // loading status: honest bytes while downloading, then the start-up stage, then ready or failed
  let lastState = "";
  function showStatus() {
    if (!root.isConnected) { W.listeners.delete(showStatus); return; }
    loadBar.hidden = W.state !== "loading";
    let text;
    if (W.state === "loading") {
      const pct = W.total ? Math.floor((100 * W.loaded) / W.total) : 0;
      loadBar.value = W.stage === "start" ? 100 : pct;
      text = W.stage === "start" ? T.starting : T.loading(pct, (W.total / 1e6).toFixed(1));
      if (W.slow) text += " " + T.slow;
    } else if (W.state === "ready") text = T.ready(W.version);
    else if (W.state === "failed") text = W.message;
    else text = T.loading(0, (W.total / 1e6).toFixed(1));
    // the live region is re-announced only when the state or stage changes, not at every byte
    const key = W.state + W.stage + (W.slow ? "s" : "");
    if (key !== lastState || W.state === "loading") {
      loadText.replaceChildren(text);
      if (W.state === "failed" || W.slow) {
        loadText.append(" ", el("a", { href: checklistHref, text: T.checklist }));
      }
    }
    lastState = key;
    root.classList.toggle("rc-sc-failed", W.state === "failed");
    if (W.state === "failed") {
      submitNote.replaceChildren(W.message, " ", el("a", { href: checklistHref, text: T.checklist }));
    }
  }
  W.listeners.add(showStatus);
  startWorker(cfg);
  showStatus();

  // push: a new history entry (a button); false when the browser moved (popstate) or on start
  function show(n, focus = true, push = true) {
    current = Math.max(-1, Math.min(total - 1, n));
    applyConditions();
    start.hidden = current !== -1;
    progress.hidden = current === -1;
    steps.forEach((s, i) => { s.hidden = i !== current; });
    verdictBox.hidden = true;
    form.hidden = false;
    if (current >= 0) {
      stepText.textContent = T.step(current + 1, total, steps[current].dataset.title);
      stepBar.value = current + 1;
    }
    prev.hidden = current === -1;
    next.hidden = current === total - 1;
    next.textContent = current === -1 ? T.begin : T.next;
    toReview.hidden = !cameFromReview || current === total - 1;
    if (current === total - 1) { renderReview(); cameFromReview = false; }
    if (push && location.pathname === pagePath && (stepOfState() ?? -1) !== current) {
      if (current === -1) history.pushState(null, "");  // the start page again: an entry without a step
      else history.pushState({ rcStep: current }, "");  // the step index only, never an answer
    }
    if (focus) (current === -1 ? start : steps[current]).querySelector("h2").focus();
  }
  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  toReview.addEventListener("click", () => show(total - 1));

  // The browser's Back / Forward between this page's own entries: true when handled here. Any other
  // entry (another page, a heading's anchor) is left to the theme.
  W.onPopState = () => {
    if (!root.isConnected || location.pathname !== pagePath) return false;
    const n = stepOfState();
    if (n === null && location.hash !== "") return false;
    show(n === null ? -1 : Math.min(n, total - 1), true, false);
    return true;
  };

  // A question asked only given an earlier answer (facts.yaml asked_when: {fact: [values]}) is hidden
  // otherwise, and its answer goes back to 不清楚 when the earlier answer changes.
  const conditional = [...form.querySelectorAll("fieldset[data-asked-when]")];
  function valueOf(fid) {
    const v = form.querySelector(`input[name="f-${fid}"]:checked`);
    return v ? v.value : "unknown";
  }
  function isAsked(fs) {
    const cond = JSON.parse(fs.dataset.askedWhen);
    return Object.entries(cond).some(([fid, vals]) => vals.includes(valueOf(fid)));
  }
  function applyConditions() {
    for (const fs of conditional) {
      const asked = isAsked(fs);
      fs.hidden = !asked;
      if (!asked) {
        const unknown = fs.querySelector('input[value="unknown"]');
        if (unknown && !unknown.checked) unknown.checked = true;
      }
    }
  }
  form.addEventListener("change", applyConditions);

  function answers() {
    const facts = {};
    for (const fs of form.querySelectorAll("fieldset[data-fact]")) facts[fs.dataset.fact] = valueOf(fs.dataset.fact);
    for (const q of form.querySelectorAll("[data-quantity]")) {
      const input = q.querySelector("input");
      const s = input.value.trim();
      if (s !== "" && Number.isFinite(Number(s))) facts[q.dataset.quantity] = Number(s);
    }
    const j = form.querySelector('input[name="jurisdiction"]:checked');
    return { facts, jurisdiction: j ? j.value : "national", as_of: form.querySelector("#rc-asof").value || "" };
  }

  function labelOf(input) {
    const lab = input && form.querySelector(`label[for="${input.id}"] .rc-sc-vlabel`);
    return lab ? lab.textContent : "";
  }

  function goTo(stepIndex, targetId) {
    cameFromReview = true;
    show(stepIndex, false);
    const target = root.querySelector("#" + targetId);
    if (!target || target.hidden) { steps[current].querySelector("h2").focus(); return; }  // not asked now
    const focusable = target.querySelector("input:checked") || target.querySelector("input");
    target.scrollIntoView({ block: "center" });
    focusable.focus();
  }

  function renderReview() {
    const a = answers();
    const parts = [];
    // every question starts at 不清楚: say how many are still there and list them with a way back, so a
    // skipped one is noticed (a question not asked given the earlier answers is not counted)
    const openQs = [...form.querySelectorAll("fieldset[data-fact]")].filter((fs) => !fs.hidden && a.facts[fs.dataset.fact] === "unknown");
    if (openQs.length) {
      parts.push(el("p", { class: "rc-sc-open", role: "note", text: T.openAnswers(openQs.length) }));
      parts.push(el("ul", { class: "rc-sc-open-list" }, openQs.map((fs) => {
        const n = Number(fs.closest(".rc-sc-step").dataset.step);
        const question = fs.querySelector("legend").textContent;
        return el("li", { "data-fact": fs.dataset.fact }, el("button", { type: "button", class: "rc-sc-link",
          onclick: () => goTo(n, fs.id) }, question), T.openItem(n + 1));
      })));
    }
    const jInput = form.querySelector('input[name="jurisdiction"]:checked');
    const dl0 = el("dl", {},
      el("dt", { text: T.jurisdiction }), el("dd", {}, labelOf(jInput), " ",
        el("button", { type: "button", class: "rc-sc-link", "aria-label": `${T.change}：${T.jurisdiction}`,
          onclick: () => goTo(0, "rc-q-jurisdiction") }, T.change)),
      el("dt", { text: T.asOf }), el("dd", {}, a.as_of || T.today, " ",
        el("button", { type: "button", class: "rc-sc-link", "aria-label": `${T.change}：${T.asOf}`,
          onclick: () => goTo(0, "rc-q-as_of") }, T.change)));
    parts.push(el("h3", { text: steps[0].dataset.title }), dl0);
    steps.slice(1, -1).forEach((s, k) => {
      const dl = el("dl");
      for (const q of s.querySelectorAll("fieldset[data-fact], [data-quantity]")) {
        let question, answer;
        if (q.hidden) continue;  // not asked, given the earlier answers
        if (q.dataset.fact) {
          question = q.querySelector("legend").textContent;
          answer = labelOf(q.querySelector("input:checked"));
        } else {
          question = q.querySelector("label").textContent;
          const v = q.querySelector("input").value.trim();
          if (v === "") continue;
          answer = `${v} ${q.querySelector(".rc-sc-unit").textContent}`;
        }
        const unknown = q.dataset.fact && a.facts[q.dataset.fact] === "unknown";
        dl.append(el("dt", { text: question }),
          el("dd", { class: unknown ? "rc-sc-unknown" : null }, answer || T.noAnswer, " ",
            el("button", { type: "button", class: "rc-sc-link", "aria-label": `${T.change}：${question}`,
              onclick: () => goTo(k + 1, q.id) }, T.change)));
      }
      parts.push(el("h3", { text: s.dataset.title }), dl);
    });
    review.replaceChildren(...parts);
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const a = answers();
    if (W.state === "failed") { showStatus(); return; }
    if (W.state !== "ready") submitNote.textContent = T.waiting;
    try {
      const r = await call("present", a);
      submitNote.textContent = "";
      const out = JSON.parse(r.json);
      window.rongcuoSelfcheck.last = { request: a, json: out.json, compare: out.compare, ms: r.ms };
      showVerdict(out.html, out.draft);
    } catch (err) {
      renderError(String(err && err.message || err));
    }
  });

  root.querySelector("#rc-sc-print-answers").addEventListener("click", () => { renderReview(); window.print(); });

  function showVerdictBox() {
    form.hidden = true;
    verdictBox.hidden = false;
    verdictBox.focus();
    verdictBox.scrollIntoView({ block: "start" });
  }

  function renderError(message) {
    verdictBox.replaceChildren(
      el("h2", { id: "rc-v-title", text: T.errorTitle }),
      el("pre", { class: "rc-sc-error", text: message }),
      el("p", {}, el("button", { type: "button", class: "md-button md-button--primary", onclick: () => show(total - 1) }, T.edit)));
    showVerdictBox();
  }

  // the application draft lives beside the verdict, made with it, shown on demand
  let draftBox = root.querySelector("#rc-sc-draft");
  if (!draftBox) {
    draftBox = el("div", { id: "rc-sc-draft", class: "rc-sc-draft", tabindex: "-1", hidden: true });
    verdictBox.after(draftBox);
  }

  function showVerdict(html, draft) {
    verdictBox.innerHTML = html;
    draftBox.innerHTML = draft || "";
    draftBox.hidden = true;
    showVerdictBox();
  }

  function clearVerdict() {
    verdictBox.replaceChildren();
    draftBox.replaceChildren();
    draftBox.hidden = true;
  }

  function showDraft(on) {
    verdictBox.hidden = on;
    draftBox.hidden = !on;
    const target = on ? draftBox.querySelector("h2") : verdictBox;
    if (target) { target.focus(); target.scrollIntoView({ block: "start" }); }
  }

  function onVerdictClick(ev) {
    const b = ev.target.closest("button");
    if (!b) return;
    const action = b.dataset.rcAction;
    if (action === "print") window.print();
    else if (action === "edit") show(total - 1);
    else if (action === "restart") restart();
    else if (action === "draft") showDraft(true);
    else if (action === "back") showDraft(false);
    else if (b.dataset.rcGoto) goTo(stepOf(b.dataset.rcGoto), `rc-q-${b.dataset.rcGoto}`);
    else if (b.dataset.rcJurisdiction) {
      const r = form.querySelector(`#rc-j-${b.dataset.rcJurisdiction}`);
      if (r) { r.checked = true; form.requestSubmit(); }
    }
  }
  verdictBox.addEventListener("click", onVerdictClick);
  draftBox.addEventListener("click", onVerdictClick);

  function stepOf(factId) {
    const q = root.querySelector(`#rc-q-${factId}`);
    const s = q && q.closest(".rc-sc-step");
    return s ? Number(s.dataset.step) : 1;
  }

  function restart() {
    if (!window.confirm(T.restartConfirm)) return;
    form.reset();
    window.rongcuoSelfcheck.last = null;
    clearVerdict();
    show(-1);
  }

  // Nothing the user entered outlives the visit: answers and the verdict are wiped when the page is
  // left (pagehide: before the browser keeps it in the back/forward cache) and again if it is shown
  // from that cache; autocomplete="off" on the form stops the browser restoring them on Back.
  W.forget = () => {
    form.reset();
    window.rongcuoSelfcheck.last = null;
    clearVerdict();
    verdictBox.hidden = true;
    cameFromReview = false;
    show(-1, false, false);
  };
  W.normalizeUrl = normalizeUrl;

  show(-1, false, false);
  W.formReadyAt = performance.now();
}

function forgetAnswers() {
  if (W.forget) W.forget();
  if (window.rongcuoSelfcheck) window.rongcuoSelfcheck.last = null;
}
window.addEventListener("pagehide", forgetAnswers);
window.addEventListener("pageshow", (e) => {
  if (e.persisted) { forgetAnswers(); if (W.normalizeUrl) W.normalizeUrl(); }
});
// ---- history entries of the steps (see init) ------------------------------------------------------------
function stepOfState() {
  const s = history.state;
  return s && typeof s === "object" && Number.isInteger(s.rcStep) ? s.rcStep : null;
}
// The theme replaces the current entry's state with the scroll offset after each scroll (and before
// it follows a link); that would drop the step index. A replacement of the state alone (same URL) of
// an entry that holds a step keeps the step index; nothing else is changed. Installed once.
const replaceStateAsIs = History.prototype.replaceState.bind(history);
if (!window.__rcSelfcheckKeepStep) {
  window.__rcSelfcheckKeepStep = true;
  history.replaceState = function (state, title, url) {
    const n = stepOfState();
    if (n !== null && (url === undefined || url === null) && state && typeof state === "object" && !("rcStep" in state)) {
      state = Object.assign({}, state, { rcStep: n });
    }
    return replaceStateAsIs(state, title, url);
  };
}
// A step entry is handled here and hidden from the theme, whose instant navigation would otherwise
// fetch and re-inject this same page on the first popstate after a full load (its location stream has
// no value yet, so the pathname looks new). The listener must come before the theme's: an inline
// script in the form page's <head> adds it (rongcuo_site/templates/selfcheck/head.html); this is the fallback.
// The handler holds no answers.
window.__rcSelfcheckPopState = () => Boolean(W.onPopState && W.onPopState());
if (!window.__rcSelfcheckPopGuard) {
  window.__rcSelfcheckPopGuard = true;
  window.addEventListener("popstate", (e) => { if (window.__rcSelfcheckPopState()) e.stopImmediatePropagation(); }, true);
}

function boot() {
  const root = document.getElementById("rc-selfcheck");
  if (root) init(root);
  else { W.forget = null; W.onPopState = null; W.normalizeUrl = null; forgetAnswers(); }  // instant navigation to another page: drop the last verdict
}

function subscribe() {
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(boot);
}

// Run as an async module placed after the form, the form is complete even while the page is still
// being parsed (#rc-sc-verdict is its last element); the theme's document$ exists only after its bundle.
if (document.getElementById("rc-sc-verdict")) boot();
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => { subscribe(); boot(); });
else { subscribe(); boot(); }
