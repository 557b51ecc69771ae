"""Errors that reach the user: each names where, what is wrong, what is allowed and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One problem in one input file (or one fact)."""

    where: str  # "rules/jiangsu.yaml:12" or "事实 intent"
    what: str  # what is wrong, in plain Chinese
    allowed: str = ""  # the allowed keys or values, when there is a list
    fix: str = ""  # how to fix it

    def __str__(self) -> str:
        parts = [f"{self.where}: {self.what}"]
        if self.allowed:
            parts.append(f"允许的取值：{self.allowed}")
        if self.fix:
            parts.append(f"修正方法：{self.fix}")
        return "。".join(p.rstrip("。") for p in parts) + "。"


@dataclass
class InputError(Exception):
    """Invalid input: exit code 1. Carries every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RuleError(InputError):
    """A rule file (rules/*.yaml) is invalid."""


class FactsError(InputError):
    """A facts file or a facts object is invalid."""
