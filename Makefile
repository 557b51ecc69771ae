# rongcuo: the README's two commands are `make serve` and `make test`. Every target installs what
# it needs first (scripts/setup.sh skips what is already done) and prints what it does.
PY    := .venv/bin/python
PORT  ?= 8000

.PHONY: help setup setup-site build serve test test-site bench clean

help:
	@echo "make serve   install (if needed), build the site, serve it on http://127.0.0.1:$(PORT)/"
	@echo "make test    install (if needed), run every test with pytest"
	@echo "make build   strict, atomic build into site/ (a content error leaves site/ unchanged)"
	@echo "make bench   print site build times (real site, +1,000 and +5,000 case pages)"
	@echo "make setup   install everything: Debian chromium, .venv, node_modules"

setup:
	bash scripts/setup.sh all

setup-site:
	bash scripts/setup.sh site

# site_url = the address it is served at: the theme's instant navigation needs the exact origin
build: setup-site
	RONGCUO_SITE_URL=$${RONGCUO_SITE_URL:-http://127.0.0.1:$(PORT)/} $(PY) scripts/build_site.py

serve: build
	$(PY) scripts/serve.py --port $(PORT)

test: setup
	$(PY) -m pytest

test-site: setup
	$(PY) -m pytest tests/site

bench: setup-site
	$(PY) scripts/bench_build.py

clean:
	rm -rf site .cache site.build-* site.old-* site.v-* .site.link-*
