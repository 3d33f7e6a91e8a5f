"""The `dms` command: the operator's tool (see the CLI contract in README.md).

Exit status: 0 success, 1 a failure the output explains, 2 bad usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report in one line and exit 1."""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    import django

    django.setup()


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


def _actor(args: argparse.Namespace) -> Any:
    """The user named by --as, or None (the operator, recorded by OS user name)."""
    from django.contrib.auth import get_user_model

    username = getattr(args, "as_user", None)
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user named {username!r}")
    return user


def operator_name() -> str:
    return f"cli:{getpass.getuser()}"


# Commands ------------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from .cli_search import dictionary_load, index_if_empty

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
    from retention.destruction import destruction_recover
    from retention.review import retention_daily_start

    from .archive.indexing import index_recover

    if settings.TASKS_KIND == "rq":
        # Any number of workers on any machines share the Redis queue: only a job older than
        # the queue's time limit can have been left by a dead worker.
        ingest_recover(stale_after=datetime.timedelta(seconds=settings.TASK_TIMEOUT))
    else:
        # A worker killed mid-task left its job in processing: queue it again (jobs are
        # idempotent).
        ingest_recover()
    # Likewise a destruction killed half way is finished, and the daily review run is queued.
    destruction_recover()
    # A process killed between filing a record and indexing it left it unfindable.
    index_recover()
    retention_daily_start()  # the daily chain: review notice, overdue loans, fixity
    if settings.TASKS_KIND == "rq":
        from .cli_search import dictionary_load

        # Loaded once here, so RQ's forked work-horses inherit it.
        dictionary_load(background=False)
        call_command(
            "rqworker",
            *settings.RQ_QUEUES,
            job_class="django_tasks_rq.Job",
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
    from records_dms.demo import demo_load

    result = demo_load(stdout=sys.stderr if args.json else sys.stdout)
    _emit(args, result.as_dict(), result.summary())
    return EXIT_OK


def cmd_customer_add(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from records_dms.api.serializers import CustomerSerializer
    from records_dms.archive.services import customer_create

    try:
        customer = customer_create(
            code=args.code, name=args.name, kind=args.kind, actor=_actor(args)
        )
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from error
    _emit(args, CustomerSerializer(customer).data, f"created {customer}")
    return EXIT_OK


def cmd_grant_add(args: argparse.Namespace) -> int:
    """Give a staff member access to one customer's dossier (clerks and administrators)."""
    from django.contrib.auth import get_user_model

    from records_dms.accounts.policy import policy
    from records_dms.accounts.roles import Action
    from records_dms.accounts.services import grant_create
    from records_dms.archive.models import Customer

    actor = _actor(args)
    if actor is not None and not policy.has(actor, Action.MANAGE_GRANTS):
        raise CommandError(f"{actor.get_username()} may not grant access")
    user = get_user_model().objects.filter(username=args.username).first()
    customer = Customer.objects.filter(code=args.code.upper()).first()
    if user is None or customer is None:
        raise CommandError(
            f"no user {args.username!r}" if user is None else f"no customer {args.code!r}"
        )
    grant = grant_create(user=user, customer=customer, actor=actor)
    payload = {"id": grant.pk, "user": user.get_username(), "customer": customer.code}
    _emit(args, payload, f"granted {user.get_username()} access to {customer}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from records_dms.archive.models import RecordType

    from .cli_import import run_import

    if args.type not in RecordType.values:
        raise CommandError(
            f"unknown record type {args.type!r}; one of {', '.join(RecordType.values)}"
        )

    def line(r: dict[str, Any]) -> None:  # each file as soon as it is taken
        text = f"{r['status']:<9} {r['reference'] or '-':<24} {r['file']}"
        print(text + (f"  ({r['error']})" if r["error"] else ""), flush=True)

    results, ok = run_import(args, _actor(args), on_result=None if args.json else line)
    if args.json:
        _emit(args, results, "")
    elif not results:
        print("nothing to import")
    return EXIT_OK if ok else EXIT_FAILURE


def cmd_inbox(args: argparse.Namespace) -> int:
    from ingestion.inbox import inbox_scan, inbox_watch

    if args.watch:
        inbox_watch(args.interval)
    outcomes = inbox_scan(settle_seconds=args.settle)
    payload = [
        {
            "file": str(o.path),
            "status": str(o.job.status) if o.job else "rejected",
            "reference": o.job.record.reference if o.job and o.job.record else None,
            "error": o.reason or None,
        }
        for o in outcomes
    ]
    _emit(
        args, payload, "\n".join(f"{p['status']:<9} {p['file']}" for p in payload) or "inbox empty"
    )
    return EXIT_OK


def cmd_retention(args: argparse.Namespace) -> int:
    from .cli_retention import RetentionCommandError, retention_dispatch

    try:
        return retention_dispatch(args, _actor(args), _emit)
    except RetentionCommandError as error:
        raise CommandError(str(error)) from error


def cmd_verify(args: argparse.Namespace) -> int:
    from records_dms.verify import Finding, verify_all

    if args.fixity:  # only the stored originals, every one, recorded and alerted
        from .fixity.services import fixity_run_all

        checked, problems = fixity_run_all()
        findings = [Finding("fixity", p.reference, p.problem) for p in problems]
        counts = {"originals": checked}
    else:
        findings, counts = verify_all()
    payload = {
        "ok": not findings,
        "counts": counts,
        "findings": [finding.as_dict() for finding in findings],
    }
    lines = [f"{f.check}: {f.subject}: {f.problem}" for f in findings]
    summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
    text = "\n".join(lines) if lines else f"verified: {summary}, no problems found"
    _emit(args, payload, text)
    return EXIT_FAILURE if findings else EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    import re

    from .cli_search import run_search

    hits = run_search(args, _actor(args))
    lines = [
        f"{h['reference']:<24} p.{h['page']:<4} {h['customer']:<10} "
        + re.sub(r"</?mark>", "*", h["snippet"]).replace("\n", " ")
        for h in hits
    ]
    _emit(args, hits, "\n".join(lines) or "no hits")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    from .cli_search import run_reindex

    counts = run_reindex(args, _actor(args))
    _emit(args, counts, f"reindexed {counts['pages']} pages")
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
        handler: Callable[[argparse.Namespace], int],
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

    customer = commands.add_parser("customer", help="customers")
    customer_commands = customer.add_subparsers(dest="subcommand", required=True)
    customer_add = add(
        "add", cmd_customer_add, "create a customer", customer_commands, json_flag=True
    )
    customer_add.add_argument("code")
    customer_add.add_argument("name")
    customer_add.add_argument(
        "--kind", default="enterprise", choices=["enterprise", "individual", "prospect", "partner"]
    )

    grant = commands.add_parser("grant", help="staff access to customers")
    grant_commands = grant.add_subparsers(dest="subcommand", required=True)
    grant_add = add(
        "add",
        cmd_grant_add,
        "grant a user access to a customer's dossier",
        grant_commands,
        json_flag=True,
    )
    grant_add.add_argument("username")
    grant_add.add_argument("code")

    from .cli_import import add_import_arguments

    add_import_arguments(
        add("import", cmd_import, "file files and folders into a dossier", json_flag=True)
    )
    inbox = add("inbox", cmd_inbox, "file what scanners dropped in the inbox", json_flag=True)
    inbox.add_argument("--watch", action="store_true", help="keep watching")
    inbox.add_argument("--interval", type=float, default=5.0)
    inbox.add_argument(
        "--settle",
        type=float,
        default=2.0,
        help="seconds a file must be unchanged before it is taken",
    )

    from .cli_loan import add_loan_commands

    add_loan_commands(commands, add)

    from .cli_search import add_search_arguments

    add_search_arguments(add("search", cmd_search, "full-text search", json_flag=True))
    add("reindex", cmd_reindex, "rebuild the search index without downtime", json_flag=True)

    from .cli_retention import add_retention_commands

    add_retention_commands(commands, add, cmd_retention)
    verify = add("verify", cmd_verify, "check the audit chain and stored originals", json_flag=True)
    verify.add_argument(
        "--fixity",
        action="store_true",
        help="re-hash every stored original now; audit and e-mail what is damaged or missing",
    )

    from .cli_backup import add_backup_commands

    add_backup_commands(add)
    manage = add("manage", cmd_manage, "run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup()
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
