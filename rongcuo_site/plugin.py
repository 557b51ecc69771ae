"""The rongcuo mkdocs plugin: every page the rules and the cases make, and every repair of the
theme's output, in one place and in a stated order.

The rules are compiled once per build, in on_config, by the checker's own loader; every part below
gets them from here. Each mkdocs event calls the parts in the order written in its method, so no
part depends on the order of entries in mkdocs.yml. A part made in on_config holds the state of one
build (mkdocs keeps this plugin's instance across `mkdocs serve` rebuilds because it has
on_startup; on_config makes every part anew).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from rongcuo_site import a11y, cjk_abbr, nav_fill
from rongcuo_site.case_library import CaseLibrary
from rongcuo_site.config import RongcuoConfig
from rongcuo_site.content_checks import ContentChecks, require_jieba
from rongcuo_site.csp import ContentSecurityPolicy
from rongcuo_site.rules_pages import RulePages, report_rule_problems
from rongcuo_site.search_query import SearchWorker
from rongcuo_site.selfcheck_form import SelfcheckPage
from rongcuo_site.training import TrainingKit, with_page_assets
from selfcheck.load import compile_rules_with_problems
from selfcheck.model import RuleBase


class RongcuoPlugin(BasePlugin[RongcuoConfig]):
    def __init__(self) -> None:
        self.serving = False

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # before any on_config: the search plugin's own on_config crashes on jieba_dict_user without jieba
        require_jieba()
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        require_jieba()
        self.rules_dir = Path(self.config.rules_dir)
        compiled, problems = compile_rules_with_problems(self.rules_dir)
        report_rule_problems(problems)
        # one rule base for every part of this build (and so one memo of the checker's evaluations)
        rb = RuleBase.from_compiled(compiled) if compiled.get("rulesets") else None
        self.checks = ContentChecks()
        self.rule_pages = RulePages(compiled, rb, config.docs_dir)
        self.case_library = CaseLibrary(None if problems else rb)
        self.training = TrainingKit(rb)
        nav_fill.complete_nav(config, compiled)
        cjk_abbr.register(config)
        self.search_worker = SearchWorker()
        self.selfcheck_page = SelfcheckPage(compiled, problems, self.rules_dir)
        SelfcheckPage.add_assets(config)
        self.csp = ContentSecurityPolicy(serving=self.serving)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        files = self.rule_pages.add_pages(files, config)
        files = self.case_library.add_pages(files, config)
        return self.training.add_pages(files, config)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.checks.know_files(files)  # after every on_files: generated pages are link targets too
        return nav

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        self.checks.check_page(page, config.docs_dir)
        return None  # mkdocs reads the file itself

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        markdown = self.rule_pages.page_markdown(markdown, page)
        markdown = self.case_library.page_markdown(markdown, page)
        return self.training.page_markdown(markdown, page)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = with_page_assets(html, page)
        return self.selfcheck_page.page_content(html, page)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = self.search_worker.point(a11y.repair(output))
        output = self.selfcheck_page.post_page(output, page)
        return self.csp.fill(output, page.meta.get("csp"), page.file.src_uri)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        output = self.search_worker.point(a11y.repair(output_content))
        return self.csp.fill_template(output, template_name)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.search_worker.write(config.site_dir)
        self.selfcheck_page.pack(config.site_dir)
        self.csp.write_hashes(config.site_dir)  # last: every page's policy lists the whole site's hashes

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        server.watch(str(self.rules_dir))
        return server
