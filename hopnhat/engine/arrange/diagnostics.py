"""Why no feasible plan can exist, in terms of units, and a capacity bound on the count."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hopnhat.engine.arrange.atoms import Atoms
from hopnhat.engine.arrange.problem import Adjacency, Floor, Options, Rules, Units
from hopnhat.engine.arrange.rules import KIND_NAMES


@dataclass(frozen=True)
class Diagnosis:
    messages: tuple[str, ...]
    blockers: tuple[tuple[str, ...], ...]  # unit ids of each minimal blocking set
    count_low: int  # at least this many regions: one per component and fixed group
    count_high: int  # at most this many regions can meet the floors or the exemption


def _components(atoms: Atoms, allowed: list[bool]) -> list[list[int]]:
    seen = [False] * atoms.size
    out = []
    for start in range(atoms.size):
        if seen[start] or not allowed[start]:
            continue
        seen[start] = True
        stack, comp = [start], []
        while stack:
            v = stack.pop()
            comp.append(v)
            for u in atoms.nbr[v]:
                if allowed[u] and not seen[u]:
                    seen[u] = True
                    stack.append(u)
        out.append(sorted(comp))
    return out


def _meets(floor: Floor | None, *, area: float, pop: float) -> bool:
    return floor is None or (area >= floor.area_km2 and pop >= floor.population)


def _where(units: Units, unit: int) -> str:
    hard = [g for g in units.groups if g.mode == "hard"]
    if not hard:
        return "with any contiguous group of units"
    inside = " and ".join(f"its {g.name} ({g.labels[unit]})" for g in hard)
    return f"with any contiguous group inside {inside}"


def _fmt(floor: Floor) -> str:
    return f"{floor.population:,.0f} people and {floor.area_km2:g} km²"


def _capacity(atoms: Atoms, comp: list[int], rules: Rules) -> int:
    """Most regions a component can hold if each meets its floor (or the exemption)."""
    fx, fp = rules.floors.get("xa"), rules.floors.get("phuong")
    units = sum(atoms.constituents[v] for v in comp)
    pop = sum(atoms.pop[v] for v in comp)
    area = sum(atoms.area[v] for v in comp)
    xa_atoms = [v for v in comp if atoms.phuong[v] == 0]
    pop_xa = sum(atoms.pop[v] for v in xa_atoms)
    area_xa = sum(atoms.area[v] for v in xa_atoms)
    phuong_atoms = len(comp) - len(xa_atoms)

    def most(p: float, a: float, floor: Floor | None, cap: int) -> int:
        if floor is None:
            return cap
        limits = [cap]
        if floor.population > 0:
            limits.append(math.floor(p / floor.population + 1e-9))
        if floor.area_km2 > 0:
            limits.append(math.floor(a / floor.area_km2 + 1e-9))
        return max(0, min(limits))

    best = 0
    for n_xa in range(most(pop_xa, area_xa, fx, len(xa_atoms)) + 1):
        rest_pop = pop - n_xa * (fx.population if fx else 0.0)
        rest_area = area - n_xa * (fx.area_km2 if fx else 0.0)
        best = max(best, n_xa + most(rest_pop, rest_area, fp, phuong_atoms))
    if rules.exempt_constituents:
        best += units // rules.exempt_constituents
    return min(best, len(comp))


def diagnose(
    units: Units, adjacency: Adjacency, atoms: Atoms, rules: Rules, options: Options
) -> Diagnosis:
    messages: list[str] = []
    blockers: list[tuple[str, ...]] = []
    bridged = {u for pair in adjacency.bridges for u in pair}
    for unit in adjacency.islands:
        if atoms.unit_atom[unit] >= 0 and unit not in bridged:
            messages.append(
                f"{units.name(unit)} touches no other unit: make it a fixed group or connect it "
                "explicitly to a neighbour"
            )
    everything = [True] * atoms.size
    xa_only = [atoms.phuong[v] == 0 for v in range(atoms.size)]
    xa_comp_of: dict[int, list[int]] = {}
    for comp in _components(atoms, xa_only):
        for v in comp:
            xa_comp_of[v] = comp
    components = _components(atoms, everything)
    k = rules.exempt_constituents
    fx, fp = rules.floors.get("xa"), rules.floors.get("phuong")
    high = len(options.fixed_groups)
    for comp in components:
        high += _capacity(atoms, comp, rules)
        size = sum(atoms.constituents[v] for v in comp)
        if k is not None and size >= k:
            continue
        pop = sum(atoms.pop[v] for v in comp)
        area = sum(atoms.area[v] for v in comp)
        has_phuong = any(atoms.phuong[v] for v in comp)
        as_phuong = has_phuong and _meets(fp, area=area, pop=pop)
        blocked: list[int] = []
        for v in comp:
            if atoms.phuong[v]:
                ok = as_phuong
            else:
                xc = xa_comp_of[v]
                xa_ok = _meets(
                    fx, area=sum(atoms.area[u] for u in xc), pop=sum(atoms.pop[u] for u in xc)
                )
                ok = xa_ok or as_phuong
            if not ok:
                blocked.append(v)
        if not blocked:
            continue
        ids = tuple(str(units.ids[u]) for v in blocked for u in atoms.members[v])
        blockers.append(ids)
        first = atoms.members[blocked[0]][0]
        kind = "phuong" if atoms.phuong[blocked[0]] else "xa"
        floor = fp if kind == "phuong" else fx
        assert floor is not None
        who = units.name(first)
        others = sum(len(atoms.members[v]) for v in blocked) - 1
        if others:
            who += f" (and {others} more unit{'s' if others > 1 else ''} with it)"
        messages.append(
            f"{who} cannot reach {_fmt(floor)} (the {KIND_NAMES[kind]} floor) {_where(units, first)}: "
            f"everything contiguous with it there totals {pop:,.0f} people and {area:,.1f} km²"
        )
    low = len(components) + len(options.fixed_groups)
    target = options.target_count
    if target is not None:
        if target[0] > high:
            messages.append(
                f"At most {high} regions can meet the floors (capacity of each hard group), "
                f"but the target asks for at least {target[0]}"
            )
        if target[1] < low:
            messages.append(
                f"At least {low} regions are needed ({len(components)} separate areas that "
                f"cannot be joined, {len(options.fixed_groups)} fixed groups), "
                f"but the target allows at most {target[1]}"
            )
    return Diagnosis(tuple(messages), tuple(blockers), low, high)
