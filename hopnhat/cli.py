"""`hopnhat`: the management commands, plus `serve` (web + worker) and `demo`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

USAGE = """usage: hopnhat COMMAND [ARGS]

  demo [--fresh]            migrate and load the Hải Phòng demo workspace (fresh: wipe first)
  serve [--port N] [--web-workers N] [--job-workers N]
                            web server (gunicorn) plus job workers, until Ctrl+C
  worker                    one background job worker
  token create USERNAME     print a new API token for USERNAME
  audit verify              check the audit trail's hash chain
  arrange, address, ...     (modules add their own commands)
  any Django management command (migrate, createsuperuser, shell, ...)
"""


def _django(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hopnhat.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hopnhat", *argv])


def _option(argv: list[str], name: str, default: str) -> str:
    if name in argv:
        index = argv.index(name)
        return argv[index + 1]
    return default


def serve(argv: list[str]) -> int:
    port = _option(argv, "--port", os.environ.get("PORT", "8000"))
    host = _option(argv, "--host", os.environ.get("HOST", "127.0.0.1"))
    web_workers = _option(argv, "--web-workers", os.environ.get("WEB_CONCURRENCY", "2"))
    job_workers = int(_option(argv, "--job-workers", os.environ.get("JOB_WORKERS", "1")))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hopnhat.config.settings"}
    python = sys.executable
    subprocess.run(
        [python, "-m", "django", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    processes = [
        subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "hopnhat.config.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                web_workers,
                "--access-logfile",
                "-",
                "--timeout",
                "120",
            ],
            env=env,
        )
    ]
    for _ in range(job_workers):
        processes.append(
            subprocess.Popen(
                [python, "-m", "django", "worker", "--no-reload", "--queue-name", "*"], env=env
            )
        )
    print(
        f"hopnhat is serving http://{host}:{port} with {job_workers} job worker(s). Ctrl+C stops."
    )

    def stop(*_args: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        # If any process ends, stop the others: a server without its worker is not healthy.
        while all(process.poll() is None for process in processes):
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            process.wait(timeout=30)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    if args[0] == "serve":
        return serve(args[1:])
    _django(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
