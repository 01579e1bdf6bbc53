"""A register of 1,000,000 rows through the bulk page, end to end, as a user does it.

    .venv/bin/python bench/address_bulk.py [--rows 1000000] [--xlsx [--compare-readers]] [--keep]

What is timed is the user's path against a real server and a real worker:
log in -> upload the file through the bulk page's form -> the column page (preview) -> submit
the column mapping (the job is queued) -> the job runs in `hopnhat worker` (a separate process,
started fresh, so the gazetteer is built inside the job) while the page's progress endpoint is
polled every second as the page does -> download the converted table. The server is gunicorn
(the WSGI app) on a free local port. Not timed: making the file, loading the registry and the
demo directory into a fresh SQLite database (a throw-away HOPNHAT_VAR_DIR), starting the server
and the worker, and checking the download afterwards (every data row present, each with a
status).

The register: the addresses of bench/address_eval.py (the labelled NSO set, every old province,
all the ways people write an address, divided communes and made-up ones) repeated with their
own house numbers, plus the columns a real register has (row number, household code, name,
date of birth, phone, note). The house number sits in a column of its own, so the mapping joins
two columns (so_nha, dia_chi), as an official's register would need. 847,877 of the 1,000,000
(house number, address) pairs are distinct; the ward/district/province tails repeat, as they do
in a register.
With --xlsx the register is a workbook written as Excel writes one (shared strings, the dates of
birth as dates); --compare-readers then also times openpyxl's read-only mode (what the bulk path
used before) and hopnhat's reader on that workbook, taking turns.

The issue's peer figure: vietnamadminunits, the 2025 converter bench/address.py compares with,
converts one address at a time; if it is importable here (it is not a project dependency:
`pip install --target DIR vietnamadminunits` and PYTHONPATH=DIR), a sample of 2,000 rows of the
same register is timed with it in this process and its time for all the rows extrapolated (the
peer has no bulk page, so its figure has no upload, job or download in it).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Always a fresh folder of its own (it is removed at the end): never the working var/.
VAR_DIR = Path(tempfile.mkdtemp(prefix="hopnhat-bulk-"))
os.environ["HOPNHAT_VAR_DIR"] = str(VAR_DIR)
os.environ["DATABASE_URL"] = f"sqlite:///{VAR_DIR}/bench-bulk.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")
os.environ.pop("HOPNHAT_DEBUG", None)  # the server runs as in production: DEBUG off

import django  # noqa: E402

django.setup()

import requests  # noqa: E402

from bench.address_eval import generate  # noqa: E402

GOAL_SECONDS = 120.0
PASSWORD = "bench-bulk-password"
USER = "demo-editor"
ON = "2025-07-01"
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Xuân")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Tâm")
HEADER = ["stt", "ma_ho", "ho_ten", "ngay_sinh", "so_dien_thoai", "so_nha", "dia_chi", "ghi_chu"]
NOTES = ("", "", "", "chuyển đến 2019", "chủ hộ", "tạm trú", "")
STATUSES = {"converted", "unchanged", "ambiguous", "not_found", "invalid"}


# The register ---------------------------------------------------------------------------------


def register_rows(count: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """`count` rows of a household register; the address columns come from the labelled set."""
    addresses = generate(45, seed)
    rng = random.Random(seed)
    for i in range(count):
        source = addresses[i % len(addresses)]
        # A street is already in front of the "street" variant; the others get a house number.
        house = "" if source["variant"] == "street" else _house_number(rng)
        yield [
            str(i + 1),
            f"HK{source['old_code'] or '0'}-{i:07d}",
            f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1935, 2024)}",
            f"09{rng.randint(0, 99_999_999):08d}",
            house,
            source["address"],
            rng.choice(NOTES),
        ]


def _house_number(rng: random.Random) -> str:
    number = rng.randint(1, 400)
    style = rng.random()
    if style < 0.4:
        return f"số {number}"
    if style < 0.7:
        return f"{number}/{rng.randint(1, 60)}"
    if style < 0.9:
        return f"số {number} ngõ {rng.randint(1, 120)}"
    return str(number)


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(register_rows(count))


def write_xlsx(path: Path, count: int) -> None:
    """As Excel saves a register: shared strings, a dimension, dates as dates, numbers as numbers.

    Written by hand because openpyxl's writer stores inline strings, which Excel never does
    (and it is slow: 30 s for 200,000 rows).
    """
    strings: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as workbook:
        for name, text in XLSX_PARTS.items():
            workbook.writestr(name, text)
        with workbook.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                f'xmlns="{SHEET_NS}"><dimension ref="A1:H{count + 1}"/><sheetData>'.encode()
            )
            sheet.write(_xlsx_row(1, HEADER, strings).encode())
            batch = []
            for number, row in enumerate(register_rows(count), start=2):
                batch.append(_xlsx_row(number, row, strings))
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
        shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        workbook.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{SHEET_NS}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>',
        )


def _xlsx_row(number: int, row: list[str], strings: dict[str, int]) -> str:
    cells = []
    for at, value in enumerate(row):
        reference = f"{'ABCDEFGH'[at]}{number}"
        if not value:
            continue
        if number > 1 and at == 0:  # the row number is a number
            cells.append(f'<c r="{reference}"><v>{value}</v></c>')
        elif number > 1 and at == 3:  # the date of birth is a date (serial days, date style)
            day, month, year = map(int, value.split("/"))
            serial = (datetime.date(year, month, day) - EXCEL_EPOCH).days
            cells.append(f'<c r="{reference}" s="1"><v>{serial}</v></c>')
        else:
            index = strings.setdefault(value, len(strings))
            cells.append(f'<c r="{reference}" t="s"><v>{index}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
XLSX_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PACKAGE}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{SHEET_NS}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Sổ hộ khẩu" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{SHEET_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
        '</font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" xfId="0"/>'
        '<xf numFmtId="14" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
    ),
}


# The registry and the two processes -----------------------------------------------------------


def load_registry() -> None:
    from django.core.management import call_command

    from hopnhat.apps.directory.importers import load_demo_directory
    from hopnhat.apps.territory.actions import load_territory

    call_command("migrate", interactive=False, verbosity=0)
    load_demo_directory(password=PASSWORD)
    load_territory(actor=None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "hopnhat.config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--timeout", "600", "--chdir", str(ROOT)]
    return _spawn(command, log)


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    return _spawn([sys.executable, str(ROOT / "manage.py"), "worker"], log)


def _spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        # A process group of its own, so that stopping it stops its children (gunicorn's).
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_server(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode})")
        try:
            if requests.get(f"{base}/accounts/login/", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not come up")


def wait_for_worker(worker: subprocess.Popen[bytes]) -> None:
    from hopnhat.apps.jobs.models import WorkerHeartbeat

    for _ in range(600):
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped (exit {worker.returncode})")
        if WorkerHeartbeat.objects.exists():
            return
        time.sleep(0.1)
    raise SystemExit("the worker did not register")


# The user's path ------------------------------------------------------------------------------


@dataclass
class Run:
    phases: dict[str, float] = field(default_factory=dict)
    progress: list[tuple[float, int, str]] = field(default_factory=list)  # (s, percent, status)
    job_url: str = ""
    worker_peak_mb: float = 0.0

    def timed(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.phases[name] = now - started
        return now


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if found is None:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def through_the_page(base: str, source: Path, result: Path) -> Run:
    run = Run()
    session = requests.Session()
    started = clock = time.perf_counter()

    page = session.get(f"{base}/accounts/login/")
    login = session.post(
        f"{base}/accounts/login/",
        data={"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert login.status_code == 302, f"login failed: {login.status_code}"
    clock = run.timed("log in", clock)

    form = session.get(f"{base}/address/bulk/")
    with open(source, "rb") as handle:
        upload = session.post(
            f"{base}/address/bulk/",
            data={"csrfmiddlewaretoken": csrf_token(form.text)},
            files={"file": (source.name, handle)},
            headers={"Referer": f"{base}/address/bulk/"},
            allow_redirects=False,
        )
    assert upload.status_code == 302, f"upload refused: {upload.status_code} {upload.text[:500]}"
    columns_url = base + upload.headers["Location"]
    clock = run.timed("upload (bulk page form)", clock)

    columns_page = session.get(columns_url)
    assert columns_page.status_code == 200
    assert "dia_chi" in columns_page.text
    clock = run.timed("column page (header and first rows)", clock)

    mapping = session.post(
        columns_url,
        data={
            "csrfmiddlewaretoken": csrf_token(columns_page.text),
            "columns": ["so_nha", "dia_chi", "", ""],
            "lon_column": "",
            "lat_column": "",
            "on": ON,
        },
        headers={"Referer": columns_url},
        allow_redirects=False,
    )
    assert mapping.status_code == 302, f"mapping refused: {mapping.status_code}"
    run.job_url = base + mapping.headers["Location"]
    clock = run.timed("submit the column mapping (job queued)", clock)

    job_page = session.get(run.job_url).text
    progress_url = base + re.search(r'hx-get="(/jobs/[^"]+/progress/)"', job_page).group(1)  # type: ignore[union-attr]
    status = "queued"
    while status not in ("succeeded", "failed", "cancelled"):
        time.sleep(1.0)  # the page polls every second (hx-trigger="every 1s")
        fragment = session.get(progress_url, headers={"HX-Request": "true"}).text
        status = re.search(r'data-status="(\w+)"', fragment).group(1)  # type: ignore[union-attr]
        percent = int(re.search(r'data-testid="job-percent">(\d+)%', fragment).group(1))  # type: ignore[union-attr]
        run.progress.append((time.perf_counter() - started, percent, status))
    clock = run.timed("conversion in the worker (polled as the page does)", clock)
    finished_page = session.get(run.job_url).text
    if status != "succeeded":
        raise SystemExit(f"the job {status}: {finished_page[-3000:]}")

    link = re.search(r'href="([^"]+)" data-testid="download"', finished_page).group(1)  # type: ignore[union-attr]
    with session.get(base + link, stream=True) as download, open(result, "wb") as out:
        assert download.status_code == 200
        for chunk in download.iter_content(1 << 20):
            out.write(chunk)
    run.timed("download the converted table", clock)
    return run


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory so far (Linux), 0 where it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def check_result(result: Path, rows: int) -> Counter[str]:
    """Every data row came back, in order, each with a known status."""
    with open(result, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        assert header[: len(HEADER)] == HEADER, header
        assert "status" in header, header
        at = header.index("status")
        statuses: Counter[str] = Counter()
        count = 0
        for count, cells in enumerate(reader, start=1):
            assert cells[0] == str(count), f"row {count} is out of order or missing"
            statuses[cells[at]] += 1
    assert count == rows, f"{count:,} data rows came back, {rows:,} went in"
    assert set(statuses) <= STATUSES, statuses
    return statuses


# The peer -------------------------------------------------------------------------------------


def peer_seconds_per_row(sample: int = 2000) -> float | None:
    try:
        import vietnamadminunits.converter.converter_2025 as peer
        from vietnamadminunits import convert_address
    except ImportError:
        return None
    peer.get_geo_location = lambda address: None  # offline, as in bench/address.py
    rows = list(register_rows(sample))
    started = time.perf_counter()
    for row in rows:
        try:
            convert_address(", ".join(part for part in (row[5], row[6]) if part))
        except Exception:
            continue
    return (time.perf_counter() - started) / sample


def compare_xlsx_readers(path: Path, rounds: int = 3) -> None:
    """openpyxl's read-only mode (what the bulk path used) and ours, taking turns on one file."""
    from openpyxl import load_workbook

    from hopnhat.apps.address.importers import _text, open_table

    def openpyxl_rows() -> int:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            count = 0
            for row in book.worksheets[0].iter_rows(values_only=True):
                cells = [_text(c) for c in row]  # the cells as text, as the bulk path reads them
                count += cells is not None
            return count
        finally:
            book.close()

    def our_rows() -> int:
        return 1 + sum(1 for _row in open_table(path).rows)

    times: dict[str, list[float]] = {"openpyxl 3.1.5 read-only": [], "hopnhat xlsx.py": []}
    for _ in range(rounds):
        for name, read in zip(times, (openpyxl_rows, our_rows), strict=True):
            started = time.perf_counter()
            rows = read()
            times[name].append(time.perf_counter() - started)
    print(f"\nreading {path.name} ({rows - 1:,} rows), {rounds} rounds taking turns:")
    for name, seconds in times.items():
        runs = ", ".join(f"{t:.1f}" for t in seconds)
        print(
            f"  {name:<26} best {min(seconds):5.1f} s = {rows / min(seconds):,.0f} rows/s ({runs})"
        )
    ratio = min(times["openpyxl 3.1.5 read-only"]) / min(times["hopnhat xlsx.py"])
    print(f"  ratio: hopnhat's reader is {ratio:.1f}x openpyxl's read-only mode")


# Report ---------------------------------------------------------------------------------------


def report(run: Run, rows: int, source: Path, statuses: Counter[str], peer: float | None) -> None:
    total = sum(run.phases.values())
    print(f"\n{rows:,} rows, {source.suffix[1:].upper()} of {source.stat().st_size / 2**20:.1f} MB")
    for name, seconds in run.phases.items():
        print(f"  {name:<52} {seconds:7.1f} s")
    verdict = "under" if total < GOAL_SECONDS else "OVER"
    print(f"  {'total, end to end':<52} {total:7.1f} s  ({verdict} the {GOAL_SECONDS:.0f} s goal)")
    print(f"  rows/s end to end: {rows / total:,.0f}")
    moving = sorted({p for _s, p, status in run.progress if status == "running"})
    print(
        f"  progress bar: {len(run.progress)} polls, {len(moving)} distinct percentages while "
        f"running ({', '.join(map(str, moving[:12]))}{'…' if len(moving) > 12 else ''})"
    )
    print(f"  statuses: {dict(sorted(statuses.items()))}")
    print(f"  worker peak memory (VmHWM): {run.worker_peak_mb:,.0f} MB")
    if peer is None:
        print("  peer: vietnamadminunits is not installed here; no peer figure")
    else:
        print(
            f"  peer (vietnamadminunits, one address at a time, no upload/download): "
            f"{1 / peer:,.0f} rows/s -> {rows * peer:,.0f} s for these rows, extrapolated; "
            f"hopnhat end to end is {rows * peer / total:.1f}x faster"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx", action="store_true", help="upload an XLSX workbook, not a CSV")
    parser.add_argument("--keep", action="store_true", help=f"keep {VAR_DIR} afterwards")
    parser.add_argument(
        "--compare-readers",
        action="store_true",
        help="with --xlsx: also time openpyxl's read-only mode and ours on the file, side by side",
    )
    args = parser.parse_args()
    source = VAR_DIR / ("register.xlsx" if args.xlsx else "register.csv")
    try:
        started = time.perf_counter()
        (write_xlsx if args.xlsx else write_csv)(source, args.rows)
        print(f"made {source.name}: {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        load_registry()
        print(f"fresh database, registry and demo users in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = start_server(port, VAR_DIR / "server.log")
        worker = start_worker(VAR_DIR / "worker.log")
        try:
            wait_for_server(f"http://127.0.0.1:{port}", server)
            wait_for_worker(worker)
            run = through_the_page(f"http://127.0.0.1:{port}", source, VAR_DIR / "result.csv")
            run.worker_peak_mb = peak_memory_mb(worker.pid)
        finally:
            stop(worker)
            stop(server)
        statuses = check_result(VAR_DIR / "result.csv", args.rows)
        report(run, args.rows, source, statuses, peer_seconds_per_row())
        if args.xlsx and args.compare_readers:
            compare_xlsx_readers(source)
    finally:
        if not args.keep:
            shutil.rmtree(VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
