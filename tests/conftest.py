"""Shared fixtures: the shipped rule base, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def rb():
    from selfcheck.load import load_rulebase

    return load_rulebase(RULES)
