"""Property values as the four formats can hold them."""

from __future__ import annotations

import math
from typing import Any, Literal

ColumnKind = Literal["int", "float", "bool", "str"]


def plain_value(value: Any) -> Any:
    """str/int/float/bool/None as they are; anything else (dates, Decimals) as text."""
    if value is None or isinstance(value, str | int | float | bool):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value
    return str(value)


def column_kind(values: list[Any]) -> ColumnKind:
    """One column type for a property across features; mixed types fall back to text."""
    present = [plain_value(v) for v in values if v is not None]
    if not present:
        return "str"
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "float"
    return "str"
