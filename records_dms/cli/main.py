"""The `dms` command: the operator's tool (see the CLI contract in README.md).

Exit status: 0 success, 1 a failure the output explains, 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from records_dms.cli.base import EXIT_FAILURE, EXIT_OK, CommandError, Handler, emit, operator_name

OURS = ("records_dms", "ingestion", "retention")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    import django

    django.setup()


def command_modules() -> list[Any]:
    """Each installed app of ours that has a ``cli.py``, in INSTALLED_APPS order."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.cli"
        if config.name.split(".")[0] in OURS and importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def _migrate_if_new(command: str) -> None:
    """A fresh DMS_DATA_DIR (or one from an older version) gets its tables before any command
    uses them; `dms manage` is left alone (it may be the migrate command itself)."""
    if command == "manage":
        return
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        from django.core.management import call_command

        print("dms: preparing the database (first use or a new version)", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)


# Commands ------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from records_dms.archive.indexing import dictionary_load, index_if_empty

    index_if_empty()
    dictionary_load(background=True)
    children = []
    if not args.no_worker:  # at scale the workers run apart (`dms worker`, any number)
        children.append(subprocess.Popen([sys.executable, "-m", "records_dms", "worker"]))
    children.append(subprocess.Popen([sys.executable, "-m", "records_dms", "inbox", "--watch"]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        from waitress import serve

        from records_dms.wsgi import application

        print(
            f"records-dms is serving on http://{args.host}:{args.port}/ "
            f"(data in {settings.DATA_DIR}); Ctrl+C stops it.",
            flush=True,
        )
        serve(application, host=args.host, port=args.port, threads=8, ident="records-dms")
    finally:
        for child in children:
            child.terminate()
            child.wait(timeout=30)
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    import datetime

    from django.conf import settings
    from django.core.management import call_command

    from ingestion.services import ingest_recover
    from records_dms.archive.indexing import index_recover
    from retention.services.execution import destruction_recover
    from retention.services.review import retention_daily_start

    if settings.WORKER.kind == "rq":
        # Any number of workers on any machines share the Redis queue: only a job older than
        # the queue's time limit can have been left by a dead worker.
        ingest_recover(stale_after=datetime.timedelta(seconds=settings.WORKER.task_timeout))
    else:
        # A worker killed mid-task left its job in processing: queue it again (jobs are
        # idempotent).
        ingest_recover()
    # Likewise a destruction killed half way is finished, and the daily review run is queued.
    destruction_recover()
    # A process killed between filing a record and indexing it left it unfindable.
    index_recover()
    retention_daily_start()  # the daily chain: review notice, overdue loans, fixity
    if settings.WORKER.kind == "rq":
        from records_dms.archive.indexing import dictionary_load

        # Loaded once here, so RQ's forked work-horses inherit it.
        dictionary_load(background=False)
        call_command(
            "rqworker",
            *settings.RQ_QUEUES,
            job_class="django_tasks_rq.Job",
            # RQ's worker would take 60 s to stop after a SIGTERM now and then (see there).
            worker_class="records_dms.rq_worker.PromptShutdownWorker",
            burst=args.batch,
            name=args.name,
            # Tasks deferred with run_after (the daily retention run) wait in RQ's scheduler;
            # of all the workers one at a time holds its lock.
            with_scheduler=True,
            verbosity=0 if args.batch else 1,
        )
        return EXIT_OK
    options: dict[str, Any] = {"queue_name": "*", "reload": False}
    if args.batch:
        options["batch"] = True
        options["startup_delay"] = False
    call_command("db_worker", **options)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from records_dms.cli.demo import demo_load

    result = demo_load(stdout=sys.stderr if args.json else sys.stdout)
    emit(args, result.as_dict(), result.summary())
    return EXIT_OK


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dms manage", *args.rest])
    return EXIT_OK


# Parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dms", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str,
        handler: Handler,
        help_text: str,
        parent: Any = commands,
        json_flag: bool = False,
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print JSON")
        sub.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="act with this user's permissions (recorded in the audit trail)",
        )
        return sub

    run = add("run", cmd_run, "migrate, then serve the web app with a task worker")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument(
        "--no-worker", action="store_true", help="serve only; workers run apart (dms worker)"
    )
    worker = add("worker", cmd_worker, "run a background task worker")
    worker.add_argument("--batch", action="store_true", help="run queued tasks, then exit")
    worker.add_argument("--name", help="the worker's name on the queue (DMS_TASKS=rq)")
    add("demo", cmd_demo, "load demo customers, records and users", json_flag=True)

    for module in command_modules():
        module.register(commands, add)
    manage = add("manage", cmd_manage, "run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _setup()
    args = build_parser().parse_args(argv)
    _migrate_if_new(args.command)
    from records_dms.audit.services import audit_operator

    try:
        with audit_operator(operator_name()):
            result: int = args.handler(args)
    except CommandError as error:
        print(f"dms: {error}", file=sys.stderr)
        return EXIT_FAILURE
    return result


if __name__ == "__main__":
    raise SystemExit(main())
