"""The rongcuo site build: one mkdocs plugin (plugin.py, registered as `rongcuo` in pyproject.toml)
and the page generators it calls. docs/architecture.md draws how they fit together."""
