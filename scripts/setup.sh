#!/usr/bin/env bash
# Install what rongcuo needs, skipping whatever is already done (safe to rerun; reruns take ~1 s).
#
#   scripts/setup.sh          everything: site build + tests (Debian chromium, npm packages)
#   scripts/setup.sh site     only what building and serving the site needs (.venv)
#
# Runs as root on a fresh Debian 12 with PyPI, Debian and npm reachable (CI: CI=true, fresh clone).
# Steps:
#   1. Debian packages, only if missing: python3-venv (when `python3 -m venv` fails: Debian's
#      python3 lacks ensurepip without it),
#      chromium (browser tests; Playwright drives /usr/lib/chromium/chromium, no browser download),
#      nginx + libnginx-mod-http-brotli-static (tests/site/test_servers.py runs
#      deploy/nginx/rongcuo.conf through scripts/nginx_local.py; when this script installs nginx it
#      stops and disables Debian's default nginx service, which the tests do not use),
#      nodejs + npm (only if `npm` is missing).
#   2. .venv with python3 (>= 3.11); pip install -e '.[dev]' (if pyproject.toml exists) plus
#      requirements/site.txt and requirements/test.txt, all under requirements/constraints.txt
#      (the exact versions of every package, transitive ones included).
#   3. npm ci (package.json + package-lock.json: pyodide for the self-check, copied into the site by
#      hooks/selfcheck_page.py; axe-core for the accessibility test). Also for `site`.
# Stamp files (.venv/.rongcuo-stamp, node_modules/.rongcuo-stamp) hold a hash of the inputs; a step
# runs again only when its inputs change.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WHAT=${1:-all}
PY=${PYTHON:-python3}
say() { printf 'setup: %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@";
  else say "need root for: $*"; say "run it yourself (as root), then rerun this script"; exit 1; fi
}
APT_UPDATED=
apt_install() {
  if [ -z "$APT_UPDATED" ]; then say "apt-get update"; as_root apt-get update -q >/dev/null; APT_UPDATED=1; fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "$@" >/dev/null
}

# --- 1. system packages -----------------------------------------------------------------------
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  say "python3 >= 3.11 not found as '$PY'"; apt_install python3
fi
if [ "$WHAT" = all ]; then
  if [ -x /usr/lib/chromium/chromium ]; then say "chromium present ($(/usr/lib/chromium/chromium --version 2>/dev/null | head -1))"
  else apt_install chromium; fi
  if [ -x /usr/sbin/nginx ] && [ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
    say "nginx present ($(/usr/sbin/nginx -v 2>&1))"
  else
    HAD_NGINX=$([ -x /usr/sbin/nginx ] && echo 1 || true)
    apt_install nginx libnginx-mod-http-brotli-static
    if [ -z "$HAD_NGINX" ]; then  # ours: the default site on port 80 is not needed
      if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
        as_root systemctl disable --now nginx >/dev/null 2>&1 || true
      else
        as_root service nginx stop >/dev/null 2>&1 || true
      fi
    fi
  fi
fi
# npm is needed by the site build too: the self-check's Pyodide runtime comes from node_modules/pyodide
if ! command -v npm >/dev/null; then apt_install nodejs npm; fi

# --- 2. Python virtual environment ------------------------------------------------------------
PYINPUTS=(requirements/site.txt requirements/test.txt requirements/constraints.txt)
[ -f pyproject.toml ] && PYINPUTS+=(pyproject.toml)
STAMP=$(hash_of "${PYINPUTS[@]}")-$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ -f .venv/.rongcuo-stamp ] && [ "$(cat .venv/.rongcuo-stamp)" = "$STAMP" ] && [ -x .venv/bin/python ]; then
  say ".venv up to date (skipped)"
else
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $("$PY" --version)"
    if ! "$PY" -m venv .venv >/dev/null 2>&1; then  # Debian's python3 needs python3-venv for ensurepip
      rm -rf .venv; apt_install python3-venv; "$PY" -m venv .venv
    fi
  fi
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  ARGS=(-r requirements/site.txt -r requirements/test.txt)
  if [ -f pyproject.toml ]; then ARGS+=(-e ".[dev]"); fi
  say "pip install ${ARGS[*]} -c requirements/constraints.txt"
  .venv/bin/python -m pip install -q -c requirements/constraints.txt "${ARGS[@]}"
  echo "$STAMP" > .venv/.rongcuo-stamp
fi

# --- 3. npm packages (site and all: pyodide for the self-check, axe-core for the tests) ----------
if true; then
  NSTAMP=$(hash_of package.json package-lock.json)
  if [ -f node_modules/.rongcuo-stamp ] && [ "$(cat node_modules/.rongcuo-stamp)" = "$NSTAMP" ]; then
    say "node_modules up to date (skipped)"
  else
    say "npm ci (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$NSTAMP" > node_modules/.rongcuo-stamp
  fi
fi
say "ready ($WHAT)"
