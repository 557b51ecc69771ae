"""The exact three-valued evaluation of one rule set. Standard library only.

Facts are held as bit masks of their possible values: a known fact has one bit, an unknown fact
all of them. An expression is true if it holds for every possible value, false if for none, and
unknown otherwise (Kleene logic). Kleene logic alone is sound but not complete, so when it leaves
the outcome open the engine branches on one unknown fact at a time, over the *classes* of its
values that no expression in the rule set tells apart, and memoizes every state it has seen. The
outcome is determinate only if every completion of the unknown facts gives the same outcome.

Outcome of a complete set of facts, on two tracks (docs/rules-format.md, "Outcome of a verdict"):
    eligible      容错免责: no exclusion and no aggravation hit, every condition met, and at least
                  one situation matches;
    mitigable     otherwise, if 容错减责 applies (a reduction of the rule set, and no exclusion hit),
                  or if a general 从轻/减轻 circumstance applies (a mitigation: evaluated whether or
                  not an exclusion is hit — it is not 容错);
    not_eligible  otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .model import KINDS, UNKNOWN, Item, RuleBase, RuleSet

Expr = tuple[Any, ...]  # ("a", fact_index, mask) | ("&", children) | ("|", children) | ("!", child)
State = tuple[int, ...]

ELIGIBLE, MITIGABLE, NOT_ELIGIBLE = "eligible", "mitigable", "not_eligible"
MEMO_LIMIT = 200_000
ANALYSES_LIMIT = 4_096  # analysed states kept (each holds its verdict parts, tens of KiB)
ALL_OUTCOMES = frozenset((ELIGIBLE, MITIGABLE, NOT_ELIGIBLE))
# Keys of the derived expressions the verdict reports besides the items (see Evaluator.derived).
EXEMPT, REDUCED, MITIGATED, AGGRAVATED, GAP = "@exempt", "@reduced", "@mitigated", "@aggravated", "@gap"


def closure(e: Expr) -> Callable[[State], bool | None]:
    """Compile an expression tuple to a function of the state (faster than walking the tuple)."""
    op = e[0]
    if op == "a":
        i, mask = e[1], e[2]

        def atom(s: State) -> bool | None:
            m = s[i]
            x = m & mask
            return True if x == m else (False if x == 0 else None)

        return atom
    if op == "!":
        inner = closure(e[1])

        def neg(s: State) -> bool | None:
            v = inner(s)
            return None if v is None else not v

        return neg
    children = tuple(closure(c) for c in e[1])
    stop, keep = (False, True) if op == "&" else (True, False)

    def junction(s: State) -> bool | None:
        result: bool | None = keep
        for c in children:
            v = c(s)
            if v is stop:
                return stop
            if v is None:
                result = None
        return result

    return junction


class Evaluator:
    """One rule set, compiled for fast exact evaluation as of a date."""

    def __init__(self, rb: RuleBase, rs: RuleSet, as_of: str) -> None:
        self.rb = rb
        self.rs = rs
        self.as_of = as_of
        self.fact_ids = [f.id for f in rb.facts]
        self.index = {fid: i for i, fid in enumerate(self.fact_ids)}
        self.bits = [{v: 1 << j for j, v in enumerate(f.value_ids)} for f in rb.facts]
        self.full = [(1 << len(f.values)) - 1 for f in rb.facts]
        self.ordered = [list(f.value_ids) for f in rb.facts]
        self.items: dict[str, list[Item]] = {k: [it for it in rs.items[k] if it.in_force(as_of)] for k in KINDS}
        self.exprs: dict[str, Expr] = {}
        self.expr_facts: dict[Any, frozenset[int]] = {}  # item id, or id() of a distinction expression
        atoms: dict[int, set[int]] = {}
        for kind in KINDS:
            for it in self.items[kind]:
                self.exprs[it.id] = self.compile(it.when, atoms)
                self.expr_facts[it.id] = frozenset(self._facts(self.exprs[it.id]))
        self.distinctions = [(d, self.compile(d.tolerable_when, atoms), self.compile(d.other_when, atoms))
                             for d in rb.distinctions()]
        for _, t, o in self.distinctions:
            self.expr_facts[id(t)] = frozenset(self._facts(t))
            self.expr_facts[id(o)] = frozenset(self._facts(o))
        self.derived = self._derived()
        for key, e in self.derived.items():
            self.expr_facts[key] = frozenset(self._facts(e))
        # Classes: values of a fact that every atom treats alike.
        self.classes: list[list[int]] = []
        for i, full in enumerate(self.full):
            groups: dict[tuple[bool, ...], int] = {}
            for j in range(full.bit_length()):
                bit = 1 << j
                sig = tuple(bool(m & bit) for m in sorted(atoms.get(i, ())))
                groups[sig] = groups.get(sig, 0) | bit
            self.classes.append(list(groups.values()))
        self.class_set = [frozenset(c) for c in self.classes]
        # Items in kind order; bounds are the ends of the six kinds in that order.
        self.order = [it.id for kind in KINDS for it in self.items[kind]]
        self.item_of = {it.id: it for kind in KINDS for it in self.items[kind]}
        # each item's unremarkable value (not hit, not met; met for a condition): the others decide
        self.plain = [kind == "conditions" for kind in KINDS for _ in self.items[kind]]
        self.kind_of = [n for n, kind in enumerate(KINDS) for _ in self.items[kind]]
        ends, n = [], 0
        for kind in KINDS:
            n += len(self.items[kind])
            ends.append(n)
        self.bounds = tuple(ends)
        self.fns = [closure(self.exprs[iid]) for iid in self.order]
        self.fn_of: dict[Any, Callable[[State], bool | None]] = dict(zip(self.order, self.fns, strict=True))
        for _, t, o in self.distinctions:
            self.fn_of[id(t)] = closure(t)
            self.fn_of[id(o)] = closure(o)
        for key, e in self.derived.items():
            self.fn_of[key] = closure(e)
        self.sorted_facts = {iid: sorted(fs) for iid, fs in self.expr_facts.items() if isinstance(iid, str)}
        self.mitigation_facts = frozenset(f for it in self.items["mitigations"] for f in self.expr_facts[it.id])
        self.positions_of_fact: dict[int, list[int]] = {}
        for k, iid in enumerate(self.order):
            for f in self.expr_facts[iid]:
                self.positions_of_fact.setdefault(f, []).append(k)
        self.affected_fns = {f: [(k, self.fns[k]) for k in ks] for f, ks in self.positions_of_fact.items()}
        self.memo: dict[State, frozenset[str]] = {}
        self.exact_memo: dict[tuple[Any, State], bool | None] = {}
        self.search_memo: dict[tuple[State, frozenset[str]], frozenset[str]] = {}
        self.analyses: dict[tuple[State, int | None], Analysis] = {}
        self.views: dict[Any, Any] = {}  # verdict parts by what they depend on (filled by explain)
        self._canon_cache: dict[tuple[int, int], int] = {}

    # -- compiling ------------------------------------------------------------------------------------
    def compile(self, when: dict[str, Any], atoms: dict[int, set[int]]) -> Expr:
        if "all" in when:
            return ("&", tuple(self.compile(w, atoms) for w in when["all"]))
        if "any" in when:
            return ("|", tuple(self.compile(w, atoms) for w in when["any"]))
        if "not" in when:
            return ("!", self.compile(when["not"], atoms))
        i = self.index[when["fact"]]
        order = self.ordered[i]
        if "is" in when:
            values = [when["is"]]
        elif "in" in when:
            values = list(when["in"])
        elif "at_most" in when:  # at most as bad as V: V or a more favourable value
            values = order[: order.index(when["at_most"]) + 1]
        else:
            values = order[order.index(when["at_least"]):]
        mask = 0
        for v in values:
            mask |= self.bits[i][v]
        atoms.setdefault(i, set()).add(mask)
        return ("a", i, mask)

    def _derived(self) -> dict[str, Expr]:
        """The two tracks as expressions over the items: 容错免责 (exempt), 容错减责 available
        (reduced), a general mitigating / aggravating circumstance, and the coverage gap (nothing
        bars tolerance, yet no collected situation matches)."""
        def any_of(kind: str) -> Expr:
            return ("|", tuple(self.exprs[it.id] for it in self.items[kind]))

        clear = ("&", (("!", any_of("exclusions")), ("!", any_of("aggravations")),
                       ("&", tuple(self.exprs[it.id] for it in self.items["conditions"]))))
        return {
            EXEMPT: ("&", (clear, any_of("situations"))),
            REDUCED: ("&", (("!", any_of("exclusions")), any_of("reductions"))),
            MITIGATED: any_of("mitigations"),
            AGGRAVATED: any_of("aggravations"),
            GAP: ("&", (clear, ("!", any_of("situations")))),
        }

    def _facts(self, e: Expr) -> Iterable[int]:
        if e[0] == "a":
            yield e[1]
        elif e[0] == "!":
            yield from self._facts(e[1])
        else:
            for c in e[1]:
                yield from self._facts(c)

    # -- states -----------------------------------------------------------------------------------------
    def state(self, facts: dict[str, Any], loss_levels: list[str] | None = None) -> State:
        s = []
        for i, fid in enumerate(self.fact_ids):
            v = facts.get(fid, UNKNOWN)
            s.append(self.full[i] if v == UNKNOWN else self.bits[i][v])
        if loss_levels is not None and "loss_level" in self.index:
            i = self.index["loss_level"]
            allowed = 0
            for lv in loss_levels:
                allowed |= self.bits[i][lv]
            s[i] &= allowed
        return tuple(s)

    # -- canonical states -------------------------------------------------------------------------------
    def canon(self, s: State) -> State:
        """Widen each mask to the union of the classes it touches: no expression can tell the
        difference, and equal canonical states share every memo entry."""
        out = []
        for i, m in enumerate(s):
            key = (i, m)
            c = self._canon_cache.get(key)
            if c is None:
                c = 0
                for cls in self.classes[i]:
                    if cls & m:
                        c |= cls
                self._canon_cache[key] = c
            out.append(c)
        return tuple(out)

    # -- the outcome ---------------------------------------------------------------------------------------
    def values(self, s: State) -> list[bool | None]:
        """Kleene value of every item, in self.order."""
        return [f(s) for f in self.fns]

    def _tracks(self, vals: list[bool | None]) -> tuple[bool | None, bool | None]:
        """Kleene values of (容错免责, a lighter handling: 容错减责 or a general mitigation)."""
        a, b, c, d, e, f = self.bounds
        if None not in vals:  # every item decided: plain booleans
            clear = True not in vals[:a]
            return (clear and True not in vals[a:b] and False not in vals[b:c] and True in vals[c:d],
                    (clear and True in vals[d:e]) or True in vals[e:f])
        ex, ag, cond, sit, red, mit = vals[:a], vals[a:b], vals[b:c], vals[c:d], vals[d:e], vals[e:f]
        not_excluded = _not(_any(ex))
        exempt = _and(not_excluded, _not(_any(ag)), _all(cond), _any(sit))
        lighter = _or(_and(not_excluded, _any(red)), _any(mit))
        return exempt, lighter

    def _decide(self, vals: list[bool | None]) -> str | None:
        """The outcome from the Kleene values of the items, or None when they leave it open."""
        exempt, lighter = self._tracks(vals)
        if exempt is True:
            return ELIGIBLE
        if exempt is False:
            if lighter is True:
                return MITIGABLE
            if lighter is False:
                return NOT_ELIGIBLE
        return None

    def outcomes(self, s: State) -> frozenset[str]:
        """Every outcome some completion of s gives (exact). s must be canonical."""
        hit = self.memo.get(s)
        if hit is None:
            hit = self.search(s, ALL_OUTCOMES)
            if len(self.memo) > MEMO_LIMIT:
                self.memo.clear()
            self.memo[s] = hit
        return hit

    def search(self, s: State, wanted: frozenset[str]) -> frozenset[str]:
        """The outcomes in `wanted` that some completion of s gives (s canonical).

        A depth-first search over the classes of one unknown fact at a time: a branch is pruned as
        soon as the items' Kleene values rule out every outcome still wanted, and the search stops
        once every wanted outcome has been found."""
        vals = self.values(s)
        exempt, lighter = self._tracks(vals)
        can = set()
        if exempt is not False:
            can.add(ELIGIBLE)
        if exempt is not True:
            if lighter is not False:
                can.add(MITIGABLE)
            if lighter is not True:
                can.add(NOT_ELIGIBLE)
        want = wanted.intersection(can)
        if not want:
            return frozenset()
        decided = self._decide(vals)
        if decided is not None:
            return frozenset((decided,)) & want
        key = (s, frozenset(want))
        hit = self.search_memo.get(key)
        if hit is not None:
            return hit
        i = self._branch_fact(s, (self.order[k] for k, val in enumerate(vals) if val is None))
        found: set[str] = set()
        for cls in self.classes[i]:
            if s[i] & cls:
                found |= self.search(s[:i] + (cls,) + s[i + 1:], frozenset(want - found))
                if len(found) == len(want):
                    break
        result = frozenset(found)
        if len(self.search_memo) > MEMO_LIMIT:
            self.search_memo.clear()
        self.search_memo[key] = result
        return result

    def _branch_fact(self, s: State, open_ids: Iterable[Any]) -> int:
        counts: dict[int, int] = {}
        for iid in open_ids:
            for f in self.expr_facts[iid]:
                if s[f] not in self.class_set[f]:  # more than one class still possible
                    counts[f] = counts.get(f, 0) + 1
        return max(counts, key=lambda f: (counts[f], -f))

    def exact(self, key: Any, s: State) -> bool | None:
        """The exact value of one expression: True/False for every completion, else None (s canonical)."""
        fn = self.fn_of[key]
        v = fn(s)
        if v is not None:
            return v
        facts = self.expr_facts[key]
        mk = (key, tuple(s[f] for f in sorted(facts)))
        if mk in self.exact_memo:
            return self.exact_memo[mk]
        i = self._branch_fact(s, (key,))
        seen: set[bool | None] = set()
        for cls in self.classes[i]:
            if s[i] & cls:
                seen.add(self.exact(key, s[:i] + (cls,) + s[i + 1:]))
                if None in seen or len(seen) == 2:
                    break
        result = seen.pop() if len(seen) == 1 else None
        self.exact_memo[mk] = result
        return result

    def analyse(self, raw: State, loss_mask: int | None) -> Analysis:
        """Outcomes, exact item values and class-level counterfactuals of a state (cached)."""
        s = self.canon(raw)
        key = (s, loss_mask)
        hit = self.analyses.get(key)
        if hit is not None:
            return hit
        vals = self.values(s)
        decided = self._decide(vals)
        found = frozenset((decided,)) if decided is not None else self.outcomes(s)
        current = next(iter(found)) if len(found) == 1 else "undetermined"
        if None in vals:
            items = {iid: self.exact(iid, s) for iid in self.order}
            tracks = {key: self.exact(key, s) for key in self.derived}
        else:  # every item decided by Kleene logic alone: the values are exact
            items = dict(zip(self.order, vals, strict=True))
            tracks = {key: self.fn_of[key](s) for key in self.derived}
        result = Analysis(s, found, current, items, self._would_change(s, vals, current, loss_mask), tracks)
        if len(self.analyses) > ANALYSES_LIMIT:
            self.analyses.clear()
        self.analyses[key] = result
        return result

    # -- counterfactuals ---------------------------------------------------------------------------------
    def _would_change(self, s: State, base: list[bool | None], current: str,
                      loss_mask: int | None) -> list[tuple[int, int, str]]:
        """Single-fact changes that change the outcome: (fact index, target class mask, new outcome).

        Values of one class give the same outcome, so one evaluation per class suffices. A known
        fact is tried at every other class; an unknown one at every class ("if it turns out to be").
        loss_mask limits loss_level to what the given quantities allow.
        """
        out: list[tuple[int, int, str]] = []
        loss_i = self.index.get("loss_level")
        # An exclusion that is surely hit (and that a change of fact i leaves hit) rules out both
        # 容错免责 and 容错减责: the outcome then hangs on the mitigations alone.
        hit = [self.expr_facts[self.order[k]] for k in range(self.bounds[0]) if base[k] is True]
        complete = None not in base
        if complete:  # every item decided: count per kind, then adjust by the items a change touches
            counts = [0, 0, 0, 0, 0, 0]  # True exclusions/aggravations/-/situations/reductions/mitigations; False conditions
            kind_of = self.kind_of
            for k, v in enumerate(base):
                if v is (kind_of[k] != 2):
                    counts[kind_of[k]] += 1
        for i, cur in enumerate(s):
            affected = self.affected_fns.get(i)
            if not affected or (any(i not in facts for facts in hit) and i not in self.mitigation_facts):
                continue
            known = cur in self.class_set[i]
            for cls in self.classes[i]:
                if known and cls == cur:
                    continue
                target = cls & loss_mask if (i == loss_i and loss_mask is not None) else cls
                if not target:
                    continue
                new_s = s[:i] + (cls,) + s[i + 1:]
                decided = None
                if complete:
                    c = counts.copy()
                    for k, fn in affected:
                        v = fn(new_s)
                        if v is None:
                            break
                        if v is not base[k]:  # the item flips: one more or one fewer of its kind
                            c[kind_of[k]] += 1 if v is (kind_of[k] != 2) else -1
                    else:
                        clear = c[0] == 0
                        if clear and c[1] == 0 and c[2] == 0 and c[3] > 0:
                            decided = ELIGIBLE
                        else:
                            decided = MITIGABLE if (clear and c[4] > 0) or c[5] > 0 else NOT_ELIGIBLE
                if decided is None:
                    vals = base.copy()
                    for k, fn in affected:
                        vals[k] = fn(new_s)
                    decided = self._decide(vals)
                found = frozenset((decided,)) if decided else self.outcomes(new_s)
                new = next(iter(found)) if len(found) == 1 else "undetermined"
                if new != current:
                    out.append((i, target, new))
        return out


class Analysis:
    """What the engine knows about one (canonical) state."""

    __slots__ = ("state", "found", "outcome", "items", "changes", "tracks", "view")

    def __init__(self, state: State, found: frozenset[str], outcome: str, items: dict[str, bool | None],
                 changes: list[tuple[int, int, str]], tracks: dict[str, bool | None]) -> None:
        self.state = state  # canonical
        self.found = found
        self.outcome = outcome
        self.items = items
        self.changes = changes
        self.tracks = tracks  # exact value of each derived expression (EXEMPT, REDUCED, …)
        self.view: dict[str, Any] | None = None  # the verdict parts that depend on this state only


def _any(vals: list[bool | None]) -> bool | None:
    """Kleene OR of item values."""
    return True if True in vals else (None if None in vals else False)


def _all(vals: list[bool | None]) -> bool | None:
    """Kleene AND of item values."""
    return False if False in vals else (None if None in vals else True)


def _and(*vals: bool | None) -> bool | None:
    return _all(list(vals))


def _or(*vals: bool | None) -> bool | None:
    return _any(list(vals))


def _not(v: bool | None) -> bool | None:
    return None if v is None else not v


_EVALUATORS: dict[tuple[str, str, tuple[str, ...]], Evaluator] = {}
_BY_DATE: dict[tuple[str, str, str], Evaluator] = {}


def evaluator(rb: RuleBase, rs: RuleSet, as_of: str) -> Evaluator:
    """A cached evaluator: items in force on as_of decide the cache key, not the date itself."""
    dated = (rb.version, rs.id, as_of)
    ev = _BY_DATE.get(dated)
    if ev is not None and _EVALUATORS:
        return ev
    key = (rb.version, rs.id, tuple(it.id for it in rs.all_items() if it.in_force(as_of)))
    ev = _EVALUATORS.get(key)
    if ev is None:
        if len(_EVALUATORS) > 64:
            _EVALUATORS.clear()
            _BY_DATE.clear()
        ev = _EVALUATORS[key] = Evaluator(rb, rs, as_of)
    if len(_BY_DATE) > 256:
        _BY_DATE.clear()
    _BY_DATE[dated] = ev
    return ev


def value_of_bit(ev: Evaluator, i: int, bit: int) -> str:
    return ev.ordered[i][bit.bit_length() - 1]


__all__ = ["AGGRAVATED", "EXEMPT", "GAP", "MITIGATED", "REDUCED", "Analysis", "Evaluator", "closure",
           "evaluator", "value_of_bit"]
