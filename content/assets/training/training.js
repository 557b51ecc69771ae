/* rongcuo trainers' kit (专题培训): decide-then-reveal cards, the self-study quiz and the projector.
 *
 * Everything stays in the page: no storage API (no cookies, localStorage, sessionStorage,
 * IndexedDB), no request of any kind, no inline script. The verdicts shown are in the HTML,
 * computed at build time by the checker (rongcuo_site/training.py); this file only hides and shows them.
 *
 * mkdocs-material's instant navigation re-runs this script for each training page it shows, so
 * every element is set up once (data-rc-ready) and the keyboard handler is installed once.
 */
(function () {
  "use strict";

  function one(sel, root) { return (root || document).querySelector(sel); }
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }
  function ready(el) {
    if (el.getAttribute("data-rc-ready")) return false;
    el.setAttribute("data-rc-ready", "1");
    return true;
  }

  /* ---------------------------------------------------------------- one card: decide, then reveal */
  function setupCard(card) {
    if (!ready(card)) return;
    const decide = one(".rc-decide", card);
    const reveal = one(".rc-reveal", card);
    const msg = one(".rc-decide-msg", card);
    const showBtn = one(".rc-reveal-btn", card);
    const resetBtn = one(".rc-reset-btn", card);
    const compare = one(".rc-compare", card);
    const note = one(".rc-note", card);
    let status = {};
    try { status = JSON.parse(card.getAttribute("data-status") || "{}"); } catch (e) { status = {}; }
    if (!decide || !reveal || !showBtn) return;

    function labelOfInput(input) { return text(input.parentNode); }
    function itemLabel(id) {
      const li = one('.rc-sc-r[data-id="' + id + '"] .rc-sc-status', reveal);
      return text(li);
    }
    function itemTitle(id) {
      const box = one('input[type=checkbox][value="' + id + '"]', decide);
      return box ? labelOfInput(box) : id;
    }
    function setLocked(locked) {
      all("input, textarea", decide).forEach(function (el) { el.disabled = locked; });
      showBtn.hidden = locked;
      if (resetBtn) resetBtn.hidden = !locked;
    }

    showBtn.addEventListener("click", function () {
      const chosen = one("input[type=radio]:checked", decide);
      const reasons = all("input[type=checkbox]:checked", decide).map(function (b) { return b.value; });
      const own = note ? note.value.trim() : "";
      if (!chosen) { msg.textContent = "请先在第一步选出您的判断。"; return; }
      if (!reasons.length && !own) { msg.textContent = "请在第二步至少勾选一条理由，或写下您的理由。"; return; }
      msg.textContent = "";
      const expected = card.getAttribute("data-outcome");
      const parts = [];
      if (chosen.value === expected) {
        parts.push("您的判断与检查器一致：" + card.getAttribute("data-outcome-label") + "。");
        card.setAttribute("data-result", "right");
      } else {
        parts.push("您的判断是“" + labelOfInput(chosen) + "”，检查器的结论是“" +
                   card.getAttribute("data-outcome-label") + "”。");
        card.setAttribute("data-result", "wrong");
      }
      const agree = [], differ = [];
      reasons.forEach(function (id) {
        const st = status[id];
        if (st === "hit" || st === "met") agree.push(itemTitle(id));
        else differ.push(itemTitle(id) + "（检查器：" + (itemLabel(id) || "未涉及") + "）");
      });
      const missed = Object.keys(status).filter(function (id) {
        return (status[id] === "hit" || status[id] === "met") && reasons.indexOf(id) < 0;
      }).map(itemTitle);
      if (agree.length) parts.push("您勾选的理由中，检查器也认定成立的：" + agree.join("；") + "。");
      if (differ.length) parts.push("检查器不认为成立的：" + differ.join("；") + "。");
      if (missed.length) parts.push("检查器认定成立、您没有勾选的：" + missed.join("；") + "。");
      compare.textContent = parts.join(" ");
      setLocked(true);
      reveal.hidden = false;
      reveal.setAttribute("tabindex", "-1");
      reveal.focus();
    });

    if (resetBtn) {
      resetBtn.addEventListener("click", function () {
        all("input", decide).forEach(function (el) { el.checked = false; });
        if (note) note.value = "";
        compare.textContent = "";
        reveal.hidden = true;
        card.removeAttribute("data-result");
        setLocked(false);
        const first = one("input", decide);
        if (first) first.focus();
      });
    }
  }

  /* ---------------------------------------------------------------- quiz: scored in the page only */
  function setupQuiz(quiz) {
    if (!ready(quiz)) return;
    let score = 0, answered = 0;
    const scoreEl = one(".rc-score", quiz), answeredEl = one(".rc-answered", quiz);
    function show() {
      scoreEl.textContent = String(score);
      answeredEl.textContent = String(answered);
      quiz.setAttribute("data-score", String(score));
      quiz.setAttribute("data-answered", String(answered));
    }
    all(".rc-quiz-q", quiz).forEach(function (q) {
      const btn = one(".rc-quiz-submit", q);
      const fb = one(".rc-quiz-feedback", q);
      const verdict = one(".rc-quiz-verdict", q);
      const msg = one(".rc-quiz-msg", q);
      btn.addEventListener("click", function () {
        const chosen = one("input[type=radio]:checked", q);
        if (!chosen) { if (msg) msg.textContent = "请先选一个结论。"; return; }
        if (msg) msg.textContent = "";
        const checker = chosen.value === q.getAttribute("data-answer");
        const real = chosen.value === q.getAttribute("data-actual");  // a real case: its real outcome counts too
        const right = checker || real;
        answered += 1;
        if (right) score += 1;
        q.setAttribute("data-result", right ? "right" : "wrong");
        if (checker) verdict.textContent = "回答正确。";
        else if (real) verdict.textContent = "回答正确：这是实际的处理结果。按本站收录的规定推演，结论不同，原因见下。";
        else verdict.textContent = "回答错误：您选的是“" + text(chosen.parentNode) + "”。"
          + (q.getAttribute("data-actual") ? "实际的处理结果是“" + q.getAttribute("data-actual-label") + "”。" : "");
        all("input", q).forEach(function (el) { el.disabled = true; });
        btn.hidden = true;
        fb.hidden = false;
        show();
      });
    });
    const restart = one(".rc-quiz-restart", quiz);
    if (restart) {
      restart.addEventListener("click", function () {
        score = 0; answered = 0;
        all(".rc-quiz-q", quiz).forEach(function (q) {
          all("input", q).forEach(function (el) { el.disabled = false; el.checked = false; });
          one(".rc-quiz-submit", q).hidden = false;
          one(".rc-quiz-feedback", q).hidden = true;
          const msg = one(".rc-quiz-msg", q);
          if (msg) msg.textContent = "";
          q.removeAttribute("data-result");
        });
        show();
      });
    }
    show();
  }

  /* ---------------------------------------------------------------- projector: one card per screen */
  function setupProjector(p) {
    if (!ready(p)) return;
    const every = all(".rc-slide", p);
    // talking-point slides (讲解) are shown only when a plan's link asks for them
    let slides = every.filter(function (s) { return !s.hasAttribute("data-talk"); });
    // ?cards=id1,id2 projects only that group, in that order (the links on the session plans)
    const wanted = new URLSearchParams(location.search).get("cards");
    if (wanted) {
      const group = wanted.split(",").map(function (id) {
        return every.filter(function (s) { return s.id === id.trim(); })[0];
      }).filter(Boolean);
      if (group.length) slides = group;
    }
    if (!slides.length) return;
    every.forEach(function (s) { if (slides.indexOf(s) < 0) s.hidden = true; });
    const counter = one(".rc-counter", p);
    const showBtn = one(".rc-show", p);
    let current = 0;
    const start = decodeURIComponent((location.hash || "").slice(1));
    slides.forEach(function (s, i) { if (s.id === start) current = i; });

    function answerOf(i) { return one(".rc-slide-answer", slides[i]); }
    // While presenting, the slide's type is shrunk in 5 % steps only as far as it needs to fit the screen.
    function fit() {
      const s = slides[current];
      s.style.removeProperty("--rc-fit");
      if (!document.documentElement.classList.contains("rc-presenting")) return;
      for (let k = 1; k > 0.5 && s.scrollHeight > s.clientHeight + 1; k -= 0.05) s.style.setProperty("--rc-fit", k.toFixed(2));
    }
    function go(i) {
      current = Math.max(0, Math.min(slides.length - 1, i));
      slides.forEach(function (s, j) { s.hidden = j !== current; });
      counter.textContent = "第 " + (current + 1) + " 张，共 " + slides.length + " 张";
      p.setAttribute("data-current", slides[current].getAttribute("data-card"));
      const a = answerOf(current);
      showBtn.hidden = !a;   // a talking point has nothing to reveal
      if (a) showBtn.textContent = a.hidden ? "揭晓结论" : "收起结论";
      fit();
    }
    function toggle() {
      const a = answerOf(current);
      if (!a) return;
      a.hidden = !a.hidden;
      if (a.hidden) slides[current].removeAttribute("data-revealed");
      else slides[current].setAttribute("data-revealed", "");
      showBtn.textContent = a.hidden ? "揭晓结论" : "收起结论";
      fit();
    }
    function present() {
      document.documentElement.classList.toggle("rc-presenting");
      fit();
    }
    function full() {
      if (document.fullscreenElement) { document.exitFullscreen(); return; }
      if (p.requestFullscreen) p.requestFullscreen();
    }
    p.rcProjector = { next: function () { go(current + 1); }, prev: function () { go(current - 1); },
                      first: function () { go(0); }, last: function () { go(slides.length - 1); },
                      toggle: toggle, full: full, present: present };
    one(".rc-prev", p).addEventListener("click", p.rcProjector.prev);
    one(".rc-next", p).addEventListener("click", p.rcProjector.next);
    showBtn.addEventListener("click", toggle);
    const fullBtn = one(".rc-full", p);
    if (fullBtn) fullBtn.addEventListener("click", full);
    p.classList.add("rc-projector--on");
    document.documentElement.classList.add("rc-presenting");
    window.addEventListener("resize", fit);
    go(current);
  }

  function onKey(e) {
    const p = document.querySelector("[data-rc-projector]");
    if (!p || !p.rcProjector || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    const tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    const onControl = tag === "button" || tag === "a";
    let act = null;
    switch (e.key) {
      case "ArrowRight": case "PageDown": act = p.rcProjector.next; break;
      case "ArrowLeft": case "PageUp": act = p.rcProjector.prev; break;
      case " ": if (!onControl) act = p.rcProjector.next; break;
      case "Home": act = p.rcProjector.first; break;
      case "End": act = p.rcProjector.last; break;
      case "Enter": if (!onControl) act = p.rcProjector.toggle; break;
      case "r": case "R": act = p.rcProjector.toggle; break;
      case "f": case "F": act = p.rcProjector.full; break;
      case "Escape": if (!document.fullscreenElement) act = p.rcProjector.present; break;
      default: break;
    }
    if (!act) return;
    e.preventDefault();
    e.stopPropagation();   // keep the theme's own shortcuts (f = search) out of the projector
    act();
  }

  /* ---------------------------------------------------------------- deck: print just a session's cards */
  // ?cards=id1,id2 keeps only those cards, in that order, numbered 1..n, and lays them out again on
  // A4 sheets (fronts, then answers), so the printout is exactly the session's set.
  function setupDeck(d) {
    const wanted = new URLSearchParams(location.search).get("cards");
    if (!wanted || !ready(d)) return;
    const ids = wanted.split(",").map(function (x) { return x.trim(); });
    function pick(sel) {
      return ids.map(function (id) { return all(sel, d).filter(function (e) { return e.getAttribute("data-card") === id; })[0]; })
        .filter(Boolean);
    }
    const fronts = pick(".rc-deck-card"), answers = pick(".rc-deck-answer");
    if (!fronts.length) return;
    const frontSheet = one(".rc-sheet--deck", d), answerSheet = one(".rc-sheet--answers", d);
    const foot = one(".rc-sheet-foot", frontSheet), heading = one("h2", answerSheet);
    function sheets(cells, per, cls, head) {
      const out = [];
      for (let i = 0; i < cells.length; i += per) {
        const s = document.createElement("section");
        s.className = "rc-sheet " + cls;
        if (head) s.appendChild(head.cloneNode(true));
        cells.slice(i, i + per).forEach(function (c, k) {
          one(".rc-card-num", c).textContent = "卡片 " + (i + k + 1);
          s.appendChild(c);
        });
        if (foot) s.appendChild(foot.cloneNode(true));
        out.push(s);
      }
      return out;
    }
    const a = sheets(fronts, Number(d.getAttribute("data-rc-per-page")) || 3, "rc-sheet--deck", null);
    const b = sheets(answers, Number(d.getAttribute("data-rc-answers-per-page")) || 6, "rc-sheet--answers", heading);
    d.replaceChildren.apply(d, a.concat(b));
    d.setAttribute("data-rc-pages", String(a.length + b.length));
    d.setAttribute("data-rc-front-pages", String(a.length));
    d.setAttribute("data-rc-selected", String(fronts.length));
  }

  function init() {
    all("[data-rc-deck]").forEach(setupDeck);
    all("[data-rc-card]").forEach(setupCard);
    all("[data-rc-quiz]").forEach(setupQuiz);
    all("[data-rc-projector]").forEach(setupProjector);
  }

  if (!window.__rcTrainingKeys) {
    window.__rcTrainingKeys = true;
    document.addEventListener("keydown", onKey, true);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
