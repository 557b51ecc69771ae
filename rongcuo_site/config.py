"""The options of the rongcuo plugin (mkdocs.yml, under `plugins: - rongcuo:`)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class RongcuoConfig(base.Config):
    # The rule files, relative to mkdocs.yml. Not required to exist here: a missing folder is
    # reported by the checker's own loader, in its words and with its fix.
    rules_dir = c.Dir(exists=False, default="rules")
