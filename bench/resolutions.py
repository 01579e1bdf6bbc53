"""Parse the 34 arrangement resolutions and compare them, unit by unit, with the NSO table.

.venv/bin/python bench/resolutions.py [-v]
"""

from __future__ import annotations

import sys
import time

from hopnhat.engine.resolutions import parse_resolution
from hopnhat.engine.resolutions.tests.tables import (
    RESOLUTION_NUMBERS,
    match_against_nso,
    resolution_text,
)


def main(verbose: bool) -> None:
    started = time.perf_counter()
    resolutions = [parse_resolution(resolution_text(n)) for n in RESOLUTION_NUMBERS]
    parsed = time.perf_counter() - started
    matches = [match_against_nso(resolution) for resolution in resolutions]
    print(f"{'resolution':<20} {'province':<28} {'units':>5} {'NSO':>5} {'match':>5} {'%':>6}")
    for m in matches:
        share = 100 * m.matching / m.official_units
        print(
            f"{m.number:<20} {m.province:<28} {m.units:>5} {m.official_units:>5} "
            f"{m.matching:>5} {share:>6.1f}"
        )
        if verbose:
            for mismatch in m.mismatches:
                print(f"    {mismatch}")
    matching = sum(m.matching for m in matches)
    official = sum(m.official_units for m in matches)
    print(f"{'total':<49} {official:>5} {matching:>5} {100 * matching / official:>6.1f}")
    print(f"parsed 34 resolutions in {parsed * 1000:.0f} ms")


if __name__ == "__main__":
    main(verbose="-v" in sys.argv)
