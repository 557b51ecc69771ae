"""Render a procedure from rules/procedure.yaml as a static SVG flowchart (no JavaScript, no CDN).

Layout: one column per stage, read left to right (stage name on top, its steps below joined by
arrows); appeal steps (申诉、复核) form a last, dashed column. Colours and fonts come from
classes styled in content/assets/stylesheets/site.css, so the diagram follows the theme and prints in black and white. Presentation attributes only: no
`style` attributes, which the Content-Security-Policy (style-src 'self') would block.

A second, tall layout (`render_tall`) stacks the stages in one narrow column for phones: drawn at
its own width (TALL_W px, no scaling down on a 390 px screen) its smallest text is 13 px. `render_pair`
gives both; site.css shows the tall one on narrow screens and the wide one elsewhere and in print.

Text is wrapped by counting characters: a CJK character is about one em wide, a Latin character
about half. The full step descriptions are printed as a list under the diagram; the SVG carries
names and actors only.
"""

from __future__ import annotations

import html
import unicodedata

FONT = 15          # px, step name
SMALL = 13         # px, actor line
BOX_W = 200
PAD = 10
GAP = 26           # vertical gap between boxes (room for the arrow)
STAGE_PAD = 14
STAGE_LABEL_W = 34  # vertical stage label column (one CJK char per line)
COL_GAP = 36


def _w(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


def wrap(text: str, size: int, width: float) -> list[str]:
    """Wrap `text` so that each line fits in `width` px at font `size`."""
    max_em = width / size
    lines, cur, cur_w = [], "", 0.0
    for ch in text:
        w = _w(ch)
        if cur and cur_w + w > max_em:
            lines.append(cur)
            cur, cur_w = "", 0.0
        cur += ch
        cur_w += w
    if cur:
        lines.append(cur)
    return lines or [""]


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


class _Box:
    def __init__(self, step: dict, x: float, y: float, appeal: bool = False):
        self.step = step
        self.x, self.y = x, y
        inner = BOX_W - 2 * PAD
        self.name_lines = wrap(step["name"], FONT, inner)
        self.actor_lines = wrap(step.get("actor", ""), SMALL, inner) if step.get("actor") else []
        self.h = PAD * 2 + len(self.name_lines) * (FONT + 5) + len(self.actor_lines) * (SMALL + 4)
        self.appeal = appeal

    def svg(self, n: int) -> str:
        cls = "rc-proc-step rc-proc-appeal" if self.appeal else "rc-proc-step"
        out = [f'<g class="{cls}" id="{_esc(self.step["id"])}-box">',
               f'<rect x="{self.x}" y="{self.y}" width="{BOX_W}" height="{self.h}" rx="6" ry="6"/>']
        ty = self.y + PAD + FONT
        out.append(f'<text class="rc-proc-num" x="{self.x + 6}" y="{self.y + 14}" font-size="12">{n}</text>')
        for line in self.name_lines:
            out.append(f'<text class="rc-proc-name" x="{self.x + BOX_W / 2}" y="{ty}" '
                       f'text-anchor="middle" font-size="{FONT}">{_esc(line)}</text>')
            ty += FONT + 5
        for line in self.actor_lines:
            out.append(f'<text class="rc-proc-actor" x="{self.x + BOX_W / 2}" y="{ty - 1}" '
                       f'text-anchor="middle" font-size="{SMALL}">{_esc(line)}</text>')
            ty += SMALL + 4
        out.append("</g>")
        return "".join(out)


def render(key: str, proc: dict) -> str:
    """SVG markup for one procedure (compiled form: title, stages[{name, steps}], appeal).

    Stages are columns read left to right (a header with the stage name, its steps below joined
    by arrows, arrows between the headers); appeal steps form a last, dashed column.
    """
    uid = f"rc-proc-{key}"
    columns = [(st["name"], st.get("steps", []), False) for st in proc.get("stages", [])]
    if proc.get("appeal"):
        columns.append(("申诉与复核", proc["appeal"], True))
    parts: list[str] = []
    arrows: list[str] = []
    boxes: list[_Box] = []
    heads: list[tuple[float, float, float]] = []  # (x, y_mid, width)
    col_w = BOX_W + 2 * STAGE_PAD
    bottom = 0.0
    cols: list[tuple[float, float, float, bool]] = []
    for c, (name, steps, appeal) in enumerate(columns):
        x = 8 + c * (col_w + COL_GAP)
        head_lines = wrap(name, FONT, BOX_W)
        head_h = 12 + len(head_lines) * (FONT + 5)
        y = 8 + STAGE_PAD
        cls = "rc-proc-head rc-proc-appeal" if appeal else "rc-proc-head"
        parts.append(f'<g class="{cls}"><rect x="{x + STAGE_PAD}" y="{y}" width="{BOX_W}" height="{head_h}" '
                     f'rx="4" ry="4"/>' + "".join(
                         f'<text class="rc-proc-head-label" x="{x + col_w / 2}" y="{y + 6 + FONT + i * (FONT + 5)}" '
                         f'text-anchor="middle" font-size="{FONT}">{_esc(t)}</text>' for i, t in enumerate(head_lines))
                     + "</g>")
        heads.append((x + STAGE_PAD, y + head_h / 2, BOX_W))
        y += head_h + GAP
        col_boxes = []
        for step in steps:
            b = _Box(step, x + STAGE_PAD, y, appeal=appeal)
            col_boxes.append(b)
            y += b.h + GAP
        for a, b in zip(col_boxes, col_boxes[1:], strict=False):
            arrows.append(f'<line class="rc-proc-arrow" x1="{a.x + BOX_W / 2}" y1="{a.y + a.h}" '
                          f'x2="{a.x + BOX_W / 2}" y2="{b.y - 3}" marker-end="url(#{uid}-arrow)"/>')
        if col_boxes:
            first = col_boxes[0]
            arrows.append(f'<line class="rc-proc-arrow" x1="{first.x + BOX_W / 2}" y1="{first.y - GAP}" '
                          f'x2="{first.x + BOX_W / 2}" y2="{first.y - 3}" marker-end="url(#{uid}-arrow)"/>')
        boxes += col_boxes
        bottom = max(bottom, y - GAP + STAGE_PAD)
        cols.append((x, col_w, 0, appeal))
    for (sx, sw, _, s_appeal) in cols:
        cls = "rc-proc-stage rc-proc-appeal" if s_appeal else "rc-proc-stage"
        parts.insert(0, f'<rect class="{cls}" x="{sx}" y="8" width="{sw}" height="{bottom - 8}" rx="8" ry="8"/>')
    for i, (ha, hb) in enumerate(zip(heads, heads[1:], strict=False)):
        dashed = columns[i + 1][2]
        arrows.append(f'<line class="rc-proc-arrow{" rc-proc-dashed" if dashed else ""}" x1="{ha[0] + ha[2]}" '
                      f'y1="{ha[1]}" x2="{hb[0] - 3}" y2="{hb[1]}"'
                      + (' stroke-dasharray="6 4"' if dashed else "") + f' marker-end="url(#{uid}-arrow)"/>')
    width = 8 + len(columns) * col_w + (len(columns) - 1) * COL_GAP + 8
    height = bottom + 8
    body = "".join(parts) + "".join(arrows) + "".join(b.svg(i + 1) for i, b in enumerate(boxes))
    return _svg_document(uid, key, proc, "rc-proc-wide", f"{width:.0f}", f"{height:.0f}", "从左到右、自上而下", body)


def _svg_document(uid: str, key: str, proc: dict, variant: str, width: str, height: str, order: str,
                  body: str) -> str:
    """The <svg> of a procedure diagram (wide or tall): its title, a description saying how many
    stages and steps it has and in which order to read them, the arrowhead marker, and the body."""
    step_count = sum(len(s.get("steps", [])) for s in proc.get("stages", []))
    appeal_steps = proc.get("appeal") or []
    desc = (f"{len(proc.get('stages', []))} 个阶段、{step_count} 个步骤"
            + (f"，另有 {len(appeal_steps)} 个申诉复核步骤" if appeal_steps else "") + f"，{order}依次进行。"
            "各步骤的文字说明见图下方的列表。")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rc-proc {variant}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">流程图：{_esc(proc.get("title", key))}</title>'
        f'<desc id="{uid}-desc">{_esc(desc)}</desc>'
        f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path class="rc-proc-arrowhead" d="M0,0 L10,5 L0,10 z"/>'
        f'</marker></defs>' + body + "</svg>"
    )


TALL_W = 330        # px: fits the text column of a 390 px phone (about 358 px) without scaling down
TALL_FONT = 16
TALL_SMALL = 14
TALL_NUM = 13


def render_tall(key: str, proc: dict) -> str:
    """The same procedure as one column read top to bottom: each stage a header bar with its steps
    below, an arrow into every step; the appeal steps last, dashed. For narrow screens."""
    uid = f"rc-proc-tall-{key}"
    columns = [(st["name"], st.get("steps", []), False) for st in proc.get("stages", [])]
    if proc.get("appeal"):
        columns.append(("申诉与复核", proc["appeal"], True))
    x0, box_w = 4, TALL_W - 8
    inner = box_w - 2 * PAD - 14  # room for the step number on the left
    parts: list[str] = []
    y = 4.0
    n = 0
    prev_bottom: float | None = None
    for name, steps, appeal in columns:
        head_lines = wrap(name, TALL_FONT, box_w - 2 * PAD)
        head_h = 10 + len(head_lines) * (TALL_FONT + 5)
        if prev_bottom is not None:
            parts.append(_tall_arrow(uid, prev_bottom, y, appeal))
        cls = "rc-proc-head rc-proc-appeal" if appeal else "rc-proc-head"
        parts.append(f'<g class="{cls}"><rect x="{x0}" y="{y}" width="{box_w}" height="{head_h}" rx="4" ry="4"/>'
                     + "".join(f'<text class="rc-proc-head-label" x="{TALL_W / 2}" '
                               f'y="{y + 4 + TALL_FONT + i * (TALL_FONT + 5)}" text-anchor="middle" '
                               f'font-size="{TALL_FONT}">{_esc(t)}</text>' for i, t in enumerate(head_lines))
                     + "</g>")
        prev_bottom = y + head_h
        y = prev_bottom + GAP
        for step in steps:
            n += 1
            name_lines = wrap(step["name"], TALL_FONT, inner)
            actor_lines = wrap(step.get("actor", ""), TALL_SMALL, inner) if step.get("actor") else []
            h = PAD * 2 + len(name_lines) * (TALL_FONT + 5) + len(actor_lines) * (TALL_SMALL + 4)
            parts.append(_tall_arrow(uid, prev_bottom, y, appeal))
            cls = "rc-proc-step rc-proc-appeal" if appeal else "rc-proc-step"
            out = [f'<g class="{cls}"><rect x="{x0}" y="{y}" width="{box_w}" height="{h}" rx="6" ry="6"/>',
                   f'<text class="rc-proc-num" x="{x0 + 6}" y="{y + PAD + TALL_NUM}" font-size="{TALL_NUM}">{n}</text>']
            cx = x0 + 14 + box_w / 2
            ty = y + PAD + TALL_FONT
            for line in name_lines:
                out.append(f'<text class="rc-proc-name" x="{cx}" y="{ty}" text-anchor="middle" '
                           f'font-size="{TALL_FONT}">{_esc(line)}</text>')
                ty += TALL_FONT + 5
            for line in actor_lines:
                out.append(f'<text class="rc-proc-actor" x="{cx}" y="{ty - 1}" text-anchor="middle" '
                           f'font-size="{TALL_SMALL}">{_esc(line)}</text>')
                ty += TALL_SMALL + 4
            out.append("</g>")
            parts.append("".join(out))
            prev_bottom = y + h
            y = prev_bottom + GAP
    height = (prev_bottom or y) + 4
    return _svg_document(uid, key, proc, "rc-proc-tall", str(TALL_W), f"{height:.0f}", "自上而下", "".join(parts))


def _tall_arrow(uid: str, y1: float, y2: float, dashed: bool) -> str:
    x = TALL_W / 2
    return (f'<line class="rc-proc-arrow{" rc-proc-dashed" if dashed else ""}" x1="{x}" y1="{y1}" x2="{x}" '
            f'y2="{y2 - 3}"' + (' stroke-dasharray="6 4"' if dashed else "") + f' marker-end="url(#{uid}-arrow)"/>')


def render_pair(key: str, proc: dict) -> str:
    """Both layouts: the wide one (screens from tablet width up, and print) and the tall one (phones)."""
    return render(key, proc) + render_tall(key, proc)
