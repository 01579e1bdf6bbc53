"""Benchmark: the work plan dashboard and task list over 20,000 tasks of 200 organisations.

Run: .venv/bin/python bench/workplan.py [--tasks 20000] [--orgs 200] [--runs 40]
Seeds a separate SQLite database under /tmp (never the project's), then times the dashboard
page, the task list page and GET /api/v1/tasks as a steering user (who reads everything) and
as one department's editor. Prints p50/p95 in milliseconds. Goal: p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKDIR = Path(tempfile.gettempdir()) / "hopnhat-bench-workplan"
WORKDIR.mkdir(exist_ok=True)
os.environ["HOPNHAT_VAR_DIR"] = str(WORKDIR)
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from hopnhat.apps.accounts.models import User  # noqa: E402
from hopnhat.apps.directory.models import Membership, Organisation, Role  # noqa: E402
from hopnhat.apps.workplan.models import (  # noqa: E402
    Clause,
    Directive,
    DirectiveState,
    Task,
    TaskGroup,
    TaskState,
)

AS_OF = dt.date(2025, 6, 20)


def seed(tasks: int, orgs: int, seed: int) -> None:
    rng = random.Random(seed)
    Task.objects.all().delete()
    Directive.objects.all().delete()
    Membership.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()
    # Children first: the parent link is protected.
    Organisation.objects.filter(code__startswith="B.").delete()
    Organisation.objects.filter(code="B").delete()
    root = Organisation.objects.create(code="B", name="Tỉnh Bench", kind="locality")
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    children = Organisation.objects.bulk_create(
        Organisation(code=f"B.{i:03d}", name=f"Sở số {i:03d}", kind="department", parent=root)
        for i in range(orgs - 1)
    )
    for child in children:
        child.path = f"{root.path}{child.pk}/"
    Organisation.objects.bulk_update(children, ["path"])
    steering = User.objects.create_user(username="bench-steering", password="x")
    editor = User.objects.create_user(username="bench-editor", password="x")
    Membership.objects.create(user=steering, organisation=root, role=Role.STEERING)
    Membership.objects.create(user=editor, organisation=children[0], role=Role.EDITOR)
    directives = []
    for n in range(20):
        directive = Directive.objects.create(
            kind="thong_bao_ket_luan",
            number=f"{n + 1}-TB/BENCH",
            issued_on=dt.date(2025, 5, 1),
            title=f"Thông báo kết luận số {n + 1}",
            text="…",
            owner_org=root,
            state=DirectiveState.CONFIRMED,
        )
        clause = Clause.objects.create(directive=directive, ref="II.1", text="…", position=0)
        group = TaskGroup.objects.create(directive=directive, title="Nhiệm vụ")
        directives.append((directive, clause, group))
    rows = []
    for i in range(tasks):
        directive, clause, group = directives[i % len(directives)]
        deadline = dt.date(2025, 5, 1) + dt.timedelta(days=rng.randint(10, 180))
        started = (
            dt.date(2025, 5, 1) + dt.timedelta(days=rng.randint(0, 60))
            if rng.random() < 0.7
            else None
        )
        completed = None
        if started and rng.random() < 0.4:
            completed = started + dt.timedelta(days=rng.randint(1, 60))
        rows.append(
            Task(
                directive=directive,
                clause=clause,
                group=group,
                sequence=i,
                title=f"Nhiệm vụ {i}",
                lead_org=children[rng.randrange(len(children))],
                assigned_on=dt.date(2025, 5, 1),
                start_on=dt.date(2025, 5, 1),
                deadline=deadline,
                state=TaskState.ACTIVE,
                percent=100 if completed else (rng.randint(1, 90) if started else 0),
                started_on=started,
                completed_on=completed,
            )
        )
    Task.objects.bulk_create(rows, batch_size=2000)


def timed(client: Client, path: str, runs: int) -> list[float]:
    client.get(path)  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    seed(args.tasks, args.orgs, args.seed)
    print(
        f"seeded {Task.objects.count()} tasks across {args.orgs} organisations in {time.perf_counter() - t0:.1f} s"
    )
    print(f"database: {os.environ['DATABASE_URL']}")
    as_of = AS_OF.isoformat()
    targets = [
        ("dashboard page", f"/workplan/?as_of={as_of}"),
        ("task list page (100/page)", f"/workplan/tasks/?as_of={as_of}"),
        ("task list page, status=overdue", f"/workplan/tasks/?as_of={as_of}&status=overdue"),
        ("GET /api/v1/tasks (50/page)", f"/api/v1/tasks?as_of={as_of}"),
        (
            "GET /api/v1/tasks?status=overdue&due_before",
            f"/api/v1/tasks?as_of={as_of}&status=overdue&due_before=2025-06-10",
        ),
        ("GET /api/v1/reports/dashboard", f"/api/v1/reports/dashboard?as_of={as_of}"),
    ]
    print(f"{'user':16} {'request':46} {'p50 ms':>8} {'p95 ms':>8}  goal p95 < 300 ms")
    for username in ("bench-steering", "bench-editor"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for label, path in targets:
            samples = timed(client, path, args.runs)
            verdict = "ok" if p95(samples) < 300 else "OVER"
            print(
                f"{username:16} {label:46} {statistics.median(samples):8.1f} {p95(samples):8.1f}  {verdict}"
            )


if __name__ == "__main__":
    main()
