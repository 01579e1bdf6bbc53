"""Territory figures: time to load the nationwide registry, warm latency of units.geojson.

Run: HOPNHAT_VAR_DIR=/tmp/hn-bench .venv/bin/python bench/territory.py
Uses a throw-away SQLite database under HOPNHAT_VAR_DIR (never the working one).
"""

import os
import statistics
import tempfile
import time

os.environ.setdefault("HOPNHAT_VAR_DIR", tempfile.mkdtemp(prefix="hopnhat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['HOPNHAT_VAR_DIR']}/bench-territory.sqlite3"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from hopnhat.apps.territory.actions import load_territory  # noqa: E402

GOAL_MS = 150.0
REQUESTS = 50


def main() -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("flush", interactive=False, verbosity=0) if _migrated() else None
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    counts = load_territory(actor=None)
    first = time.perf_counter() - started
    started = time.perf_counter()
    load_territory(actor=None)
    again = time.perf_counter() - started
    print(
        f"nationwide load (empty database): {first:.2f} s for {counts['units']} units, "
        f"{counts['edges']} lineage edges"
    )
    print(f"reload (nothing changes):         {again:.2f} s")

    client = Client()
    # The 375 commune-level units of Hải Dương + Hải Phòng before the merger.
    params = {"on": "2025-06-30", "level": "commune", "province": "30,31"}
    client.get("/api/v1/units.geojson", params)  # warm-up
    timings = []
    size = 0
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/api/v1/units.geojson", params)
        timings.append((time.perf_counter() - started) * 1000)
        size = len(response.content)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"units.geojson, 375 units, simplified ({size / 1e6:.2f} MB), {REQUESTS} warm requests: "
        f"median {median:.1f} ms, p95 {p95:.1f} ms (goal < {GOAL_MS:.0f} ms: "
        f"{median / GOAL_MS:.2f}x of goal)"
    )


def _migrated() -> bool:
    from django.db import connection

    return "territory_unit" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
