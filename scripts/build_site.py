#!/usr/bin/env python3
"""Build the site atomically: strict mkdocs build into a temporary folder, check it, precompress it,
and only then swap it into site/. Any content error (bad front matter, broken link, unknown fact,
missing citation, invalid rule file, a resource from another origin) fails the build with the
file, the line where known, and what to fix, and leaves the previous site/ untouched.

    python scripts/build_site.py [--config mkdocs.yml] [--site-dir site] [--no-compress] [--quiet]

Steps
1. run every scripts/prebuild_*.py (name order) if any: build steps owned by other parts
   (e.g. the checker wheel, compiled rules JSON) that must exist before mkdocs runs;
2. refuse symlinks and non-regular files (FIFOs, devices) under the docs folder (content/) and
   rules/, with file:line errors: mkdocs would follow a symlink and publish what it points to;
3. `mkdocs build --strict` into <site-dir's parent>/site.build-<pid>-XXXX (same filesystem);
4. checks on the output: every page has its Content-Security-Policy, no page or stylesheet loads
   anything from another origin, the search index is segmented into Chinese words (jieba);
5. precompress text files (.br and .gz next to each; cached by content hash in .cache/);
6. publish: the folder becomes the release site.v-<time>-<pid>, and `site` is a symlink to the
   current release, replaced by a single rename(2) of a new symlink over it, so there is no moment
   without a site (a `site` that is still a real folder, from before, is exchanged atomically with
   renameat2(RENAME_EXCHANGE) where the kernel has it); then the previous release and whatever
   killed builds left behind (site.build-*, site.old-*, unlinked releases of dead processes) are
   removed. The same clean-up runs before each build.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from selfcheck.errors import Problem  # noqa: E402  (the checker's error format, standard library only)

COMPRESS_EXT = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".wasm",
                ".webmanifest", ".py", ".whl", ".zip"}  # .zip: the self-check's stored stdlib (a deflated zip gains < 5 %: no .br)
MIN_COMPRESS = 512
STDLIB_ZIP = re.compile(r"python_stdlib-[0-9a-f]{12}\.zip$")
CACHE_DAYS = 14

# Resource-loading attributes in HTML (not <a href>, which is an ordinary link the reader may click)
RESOURCE_TAG = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed|object|track|input|image|use)\b([^>]*)>", re.I | re.S)
URL_ATTR = re.compile(r"\b(src|href|srcset|data|poster|xlink:href)\s*=\s*[\"']([^\"']*)[\"']", re.I)
CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)|@import\s+[\"']([^\"']+)[\"']", re.I)
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.I)


class BuildFailed(Exception):
    pass


def problem_text(where: str, what: str, fix: str = "") -> str:
    """A problem in the checker's format: `where: what。修正方法：fix。`"""
    return str(Problem(where, what, fix=fix))


def say(msg: str, quiet: bool = False) -> None:
    if not quiet:
        print(f"build: {msg}", flush=True)


def run_prebuild(quiet: bool) -> None:
    for script in sorted((ROOT / "scripts").glob("prebuild_*.py")):
        say(f"running {script.relative_to(ROOT)}", quiet)
        r = subprocess.run([sys.executable, str(script)], cwd=ROOT)
        if r.returncode != 0:
            raise BuildFailed(f"{script.relative_to(ROOT)} 运行失败（退出码 {r.returncode}），详见上方输出")


def setup_logging(quiet: bool) -> None:
    log = logging.getLogger("mkdocs")
    for h in list(log.handlers):
        log.removeHandler(h)
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    h.setLevel(logging.WARNING if quiet else logging.INFO)
    log.addHandler(h)
    log.setLevel(logging.INFO)
    log.propagate = False


def mkdocs_build(config_file: Path, out: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    try:
        cfg = load_config(str(config_file), site_dir=str(out), strict=True)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except exceptions.Abort as exc:
        # mkdocs says e.g. "Aborted with 3 warnings, 1 errors in strict mode!"
        counts = re.findall(r"(\d+) (warning|error)s?\b", str(exc))
        kinds = {"warning": "警告", "error": "错误"}
        head = ("发现 " + "、".join(f"{n} 个{kinds[k]}" for n, k in counts) + "，严格模式下构建中止" if counts
                else f"构建中止（mkdocs：{str(exc).rstrip('!.')}）")
        raise BuildFailed(f"{head}；每个问题已在上方列出（文件:行号: 问题。修正方法：…）") from exc
    except exceptions.ConfigurationError as exc:
        raise BuildFailed(f"配置错误：{exc}") from exc
    except exceptions.MkDocsException as exc:  # PluginError, BuildError
        raise BuildFailed(str(exc)) from exc
    except Exception as exc:  # e.g. a missing snippet file, or a bug in the plugin: keep the traceback
        import traceback

        traceback.print_exc()
        raise BuildFailed(f"{type(exc).__name__}: {exc}（错误跟踪见上方）") from exc


def check_output(site: Path) -> list[str]:
    """Problems in the built files: missing CSP, external resources, unsegmented search index."""
    problems: list[str] = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        text = path.read_text(encoding="utf-8", errors="replace")
        if "<html" in text[:500].lower() and (
                'http-equiv="Content-Security-Policy"' not in text or "__RONGCUO" in text):
            problems.append(problem_text(f"site/{rel}", "缺少完整的 Content-Security-Policy meta 元素",
                                         "在 mkdocs.yml 中保留 theme.custom_dir: overrides 和 rongcuo 插件（plugins: - rongcuo）"))
        for m in RESOURCE_TAG.finditer(text):
            tag, attrs = m.group(1).lower(), m.group(2)
            if tag == "link" and not re.search(r"rel\s*=\s*[\"'][^\"']*(stylesheet|icon|preload|modulepreload|"
                                               r"manifest|prefetch|preconnect|dns-prefetch)", attrs, re.I):
                continue
            for a in URL_ATTR.finditer(attrs):
                urls = [u.strip().split(" ")[0] for u in a.group(2).split(",")] if a.group(1).lower() == "srcset" \
                    else [a.group(2)]
                for u in urls:
                    if EXTERNAL.match(u):
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append(problem_text(f"site/{rel}:{line}", f"<{tag}> 从外部网站加载 {u!r}",
                                                     "把文件复制到 content/assets/，用相对路径引用"))
        for m in re.finditer(r"<style\b[^>]*>(.*?)</style>", text, re.S | re.I):
            for u in CSS_URL.finditer(m.group(1)):
                url = u.group(1) or u.group(2)
                if EXTERNAL.match(url):
                    problems.append(problem_text(f"site/{rel}", f"内嵌样式从外部网站加载 {url!r}",
                                                 "把文件复制到 content/assets/，用相对路径引用"))
    for path in sorted(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for u in CSS_URL.finditer(text):
            url = u.group(1) or u.group(2)
            if EXTERNAL.match(url):
                problems.append(problem_text(f"site/{path.relative_to(site)}",
                                             f"从外部网站加载 {url!r}（网络字体或远程图片？）",
                                             "把文件放到本站，或者删掉这个引用"))
    index = site / "search" / "search_index.json"
    if index.exists():
        data = index.read_text(encoding="utf-8")
        if re.search(r"[\u4e00-\u9fff]", data) and "\\u200b" not in data and "\u200b" not in data:
            problems.append(problem_text("site/search/search_index.json", "中文文本没有按词语切分",
                                         "安装 jieba（运行 `make setup`）"))
    return problems


def _compress_one(path: Path, cache: Path) -> int:
    import brotli

    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    saved = 0
    # brotli quality: 11 (best, slow: ~1 MB/s) for small theme and asset files, which the cache
    # keeps across builds; 6 for pages, which change with every edit (q11 costs ~35 ms per page,
    # q6 ~2 ms, for ~10 % more bytes); 9 up to 2 MB; 5 above (Pyodide's wasm, a big search index).
    # The self-check's trimmed stdlib (python_stdlib-<hash>.zip, stored) gets 11 whatever its size: 2.5 MB
    # of Python source, 479 kB at 11 vs ~530 kB at 9; ~5 s once, the cache keeps it until it changes.
    n = len(data)
    quality = 6 if path.suffix == ".html" else 11 if n < 256_000 or STDLIB_ZIP.match(path.name) \
        else 9 if n < 2_000_000 else 5
    for suffix, fn in ((".br", lambda d: brotli.compress(d, quality=quality)),
                       (".gz", lambda d: gzip.compress(d, compresslevel=9, mtime=0))):
        cached = cache / f"{digest}-q{quality}{suffix}"
        if cached.exists():
            out = cached.read_bytes()
            os.utime(cached)  # mark as used: entries unused for CACHE_DAYS are removed
        else:
            out = fn(data)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(out)
            os.replace(tmp, cached)
        if len(out) < len(data) * 0.95:  # keep only when it pays
            path.with_name(path.name + suffix).write_bytes(out)
            saved += len(data) - len(out)
    return saved


def precompress(site: Path, quiet: bool) -> None:
    cache = Path(os.environ.get("RONGCUO_CACHE_DIR") or ROOT / ".cache") / "precompress"
    cache.mkdir(parents=True, exist_ok=True)
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in COMPRESS_EXT
             and p.stat().st_size >= MIN_COMPRESS]
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as ex:
        list(ex.map(lambda p: _compress_one(p, cache), files))
    say(f"precompressed {len(files)} files (.br, .gz) in {time.perf_counter() - t:.1f} s", quiet)
    old = time.time() - CACHE_DAYS * 86400
    for entry in cache.iterdir():
        try:
            if entry.stat().st_mtime < old:
                entry.unlink()
        except OSError:
            pass


def check_sources(config_file: Path) -> list[str]:
    """Symlinks and non-regular files under the docs folder and rules/: file:line problems."""
    root = config_file.parent
    m = re.search(r"^docs_dir:\s*['\"]?([^'\"\s#]+)", config_file.read_text(encoding="utf-8"), re.M)
    rules = Path(os.environ.get("RONGCUO_RULES_DIR") or root / "rules")
    problems: list[str] = []
    for top in (root / (m.group(1) if m else "docs"), rules):
        if not top.exists():
            continue
        if top.is_symlink():
            problems.append(problem_text(f"{_rel(top, root)}:1", f"是符号链接（指向 {os.readlink(top)}）",
                                         "构建不跟随符号链接：把文件夹本身放在这里"))
            continue
        for folder, dirs, files in os.walk(top):
            for name in sorted(dirs + files):
                path = Path(folder) / name
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode):
                    problems.append(problem_text(f"{_rel(path, root)}:1", f"是符号链接（指向 {os.readlink(path)}），不予发布",
                                                 "构建不跟随符号链接（它可能指向站点以外的文件）：把文件本身复制到这里"))
                elif not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                    problems.append(problem_text(f"{_rel(path, root)}:1", "不是普通文件（管道、设备或套接字），不予读取",
                                                 "删除它，或换成普通文件"))
            dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return problems


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_of(name: str) -> int | None:
    m = re.search(r"-(\d+)-[^-]*$", name)
    return int(m.group(1)) if m else None


def clean_leftovers(site: Path, keep: Path | None = None) -> list[Path]:
    """Remove what killed or finished builds left next to `site`; return what was removed.

    Kept: the current release (the target of the `site` symlink) and `keep`; folders of a process
    that is still running (a concurrent build). Removed: site.old-* and site.build-* of dead processes
    (and of the old naming without a pid), releases site.v-* that `site` does not point to and whose
    process is gone, stray temporary symlinks.
    """
    current = site.parent / os.readlink(site) if site.is_symlink() else None
    removed = []
    for entry in site.parent.glob(f"{site.name}.*"):
        kind = entry.name[len(site.name) + 1:].split("-", 1)[0]
        if kind not in ("build", "old", "v") or entry in (current, keep):
            continue
        pid = _pid_of(entry.name)
        if kind != "old" and pid is not None and pid != os.getpid() and _alive(pid):
            continue
        if entry.is_symlink() or entry.is_file():
            entry.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    for link in site.parent.glob(f".{site.name}.link-*"):
        pid = _pid_of(link.name + "-x")
        if pid is None or not _alive(pid) or pid == os.getpid():
            link.unlink(missing_ok=True)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False where unavailable."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap(new: Path, site: Path) -> Path:
    """Publish `new` as the site with one rename; return the release folder."""
    release = site.parent / f"{site.name}.v-{time.time_ns()}-{os.getpid()}-r"
    os.rename(new, release)
    link = site.parent / f".{site.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(release.name, link)  # relative: the project folder can move
    if site.is_symlink() or not site.exists():
        os.replace(link, site)  # the one atomic step: `site` names the old release, then the new one
    elif _exchange(link, site):  # a real folder from before: exchanged in one step too
        old = site.parent / f"{site.name}.old-{os.getpid()}-x"
        os.rename(link, old)
        shutil.rmtree(old, ignore_errors=True)
    else:  # no renameat2: a moment without a site, once, when converting a folder to a symlink
        old = site.parent / f"{site.name}.old-{os.getpid()}-x"
        os.rename(site, old)
        os.replace(link, site)
        shutil.rmtree(old, ignore_errors=True)
    clean_leftovers(site, keep=release)
    return release


def build(config_file: Path, site: Path, compress: bool = True, quiet: bool = False) -> dict[str, float]:
    """Build; return the seconds spent per stage (prebuild, mkdocs, checks, compress, swap, total)."""
    times: dict[str, float] = {}
    t0 = t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        times[name] = now - t
        t = now

    site = site.parent.resolve() / site.name  # not site.resolve(): `site` is a symlink to the release
    site.parent.mkdir(parents=True, exist_ok=True)
    for old in clean_leftovers(site):
        say(f"removed {old.name}, left by an earlier build", quiet)
    problems = check_sources(config_file)
    if problems:
        for p in problems:
            print(f"ERROR   -  {p}", file=sys.stderr)
        raise BuildFailed(f"源文件中有 {len(problems)} 个符号链接或非普通文件（见上方列表）")
    run_prebuild(quiet)
    lap("prebuild")
    tmp = Path(tempfile.mkdtemp(prefix=f"{site.name}.build-{os.getpid()}-", dir=site.parent))
    try:
        say(f"building {config_file.name} into a temporary folder (strict)", quiet)
        setup_logging(quiet)
        mkdocs_build(config_file, tmp)
        lap("mkdocs")
        problems = check_output(tmp)
        if problems:
            for p in problems:
                print(f"ERROR   -  {p}", file=sys.stderr)
            raise BuildFailed(f"构建出的文件中有 {len(problems)} 个问题（见上方列表）")
        lap("checks")
        if compress:
            precompress(tmp, quiet)
        lap("compress")
        swap(tmp, site)
        lap("swap")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    times["total"] = time.perf_counter() - t0
    pages = sum(1 for _ in site.rglob("index.html"))
    say(f"done in {times['total']:.1f} s (mkdocs {times['mkdocs']:.1f} s, checks {times['checks']:.1f} s, "
        f"compression {times['compress']:.1f} s): {pages} pages in {site}", quiet)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Strict, atomic site build (see module docstring).")
    ap.add_argument("--config", default=str(ROOT / "mkdocs.yml"))
    ap.add_argument("--site-dir", default=str(ROOT / "site"))
    ap.add_argument("--no-compress", action="store_true", help="skip writing .br/.gz files")
    ap.add_argument("--quiet", action="store_true", help="print warnings and errors only")
    args = ap.parse_args(argv)
    site = Path(args.site_dir)
    try:
        build(Path(args.config).resolve(), site, compress=not args.no_compress, quiet=args.quiet)
    except BuildFailed as exc:
        print(f"\n构建失败：{exc}", file=sys.stderr)
        state = f"原有的网站 {site} 保持不变，没有被改动" if site.exists() else f"{site} 还不存在（尚未成功构建过）"
        print(f"build: {state}。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
