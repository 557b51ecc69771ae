"""Chinese search queries that match what was typed: a one-line repair of the theme's search worker.

mkdocs-material's worker cuts a Chinese query into the longest words found in the index, but its
loop only tries pieces shorter than the query itself (`for (j = i + 1; j < query.length; j++)`):
a query of one two-character word such as 容错 is never looked up whole. Since the index also holds
the single character 容 (the verb, as in 不能容), the query became `容*` and found 容缺, 容易 …
first. Trying pieces up to the whole query (`j <= query.length`) looks up 容错 itself.

The repaired worker is written next to the theme's, named by the hash of its own content (so the
one-year immutable caching of `*.<8 hex>.min.js` stays correct), and every page's theme config is
pointed at it. If a new theme version no longer has the loop, the build fails here: check whether
the theme fixed it, then drop this repair (plugin.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rongcuo_site.report import error

WORKERS = "assets/javascripts/workers/"
# the minified segment(): `for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)`
LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in (\w+)&&")


def _theme_worker() -> Path:
    import material

    found = sorted((Path(material.__file__).parent / "templates" / WORKERS).glob("search.*.min.js"))
    if len(found) != 1:
        raise error("rongcuo_site/search_query.py", f"主题的搜索脚本应当只有一个，找到 {len(found)} 个", "检查 mkdocs-material 的版本")
    return found[0]


class SearchWorker:
    """The theme's search worker with the loop repaired, under a name of its own content's hash."""

    def __init__(self) -> None:
        src = _theme_worker()
        code = src.read_text(encoding="utf-8")
        fixed, n = LOOP.subn(lambda m: m.group(0).replace(f"<{m.group(3)}.length", f"<={m.group(3)}.length", 1), code)
        if n != 1:
            raise error("rongcuo_site/search_query.py", "主题搜索脚本中没有找到要修正的分词循环（主题版本变了？）",
                        "看新版本是否已修正“整词查询”的问题；已修正就删去这一修补（rongcuo_site/plugin.py）")
        fixed = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", fixed)  # the theme's map describes the old file
        digest = hashlib.sha256(fixed.encode("utf-8")).hexdigest()[:8]
        self.old = WORKERS + src.name
        self.new = f"{WORKERS}search.{digest}.min.js"
        self.code = fixed

    def point(self, html: str) -> str:
        """Point a page's theme config at the repaired worker (named relative to the page: "../assets/…")."""
        return re.sub(r'("search": "(?:\.\./)*|"search": "\./)' + re.escape(self.old) + '"',
                      lambda m: m.group(1) + self.new + '"', html)

    def write(self, site_dir: str) -> None:
        out = Path(site_dir) / self.new
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.code, encoding="utf-8")
