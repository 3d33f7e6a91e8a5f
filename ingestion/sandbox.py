"""Untrusted files are read in a child process with a bounded address space.

The parsers (pdfplumber, PDFium, Pillow, the email package) and the programs they start
(pdftoppm, Tesseract) run in a ``fork`` of the calling process whose ``RLIMIT_AS`` is what
it already maps plus a budget. Whatever a file makes them allocate beyond it fails in the
child (``MemoryError``, or a C library giving up) and the file is refused with the reason;
the worker, the web process or ``dms import`` itself never grows, and nothing of the file
was stored by then (the pipeline removes what it stored when a stage refuses).

A fork, not a fresh interpreter: it costs milliseconds instead of a second of imports, and
the parser configuration (``ParseContext``), the active language and any test's settings
are simply there. The child touches no database connection and leaves by ``os._exit``.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from PIL import Image

from ingestion.parsers.base import RejectedInput
from ingestion.rendition import PDFIUM_LOCK

T = TypeVar("T")
MB = 1024 * 1024
# Signals with which a C library ends a process it could not give memory to.
_CRASHES = (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS)


def memory_budget(max_inflate_bytes: int, threads: int = 1) -> int:
    """Bytes of address space a child may add to what it inherits: room for a few copies
    of the largest stream or image the bounds let through, the libraries' own needs, and
    for each OCR thread its stack and the malloc arena glibc reserves for it (address
    space reserved, mostly never used: the limit counts it all the same)."""
    return 4 * max_inflate_bytes + 512 * MB + threads * 128 * MB


def _mapped_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def bounded(
    function: Callable[..., T],
    *args: Any,
    budget: int,
    max_pixels: int,
    cpu_seconds: int | None = None,
) -> T:
    """``function(*args)`` run in a child limited to ``budget`` more bytes than it inherits,
    and to ``cpu_seconds`` of processor time when given.

    RejectedInput raised in the child is raised here; running out of memory or time there
    raises RejectedInput naming the limit; any other error raises RuntimeError with its text.
    """
    read_end, write_end = os.pipe()
    with PDFIUM_LOCK:  # no other thread is inside PDFium while the process is copied
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(function, args, budget, max_pixels, cpu_seconds, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise _died(status, budget, cpu_seconds)
    # Our own child's answer: it ran the parser, nothing else writes to this pipe.
    kind, value = pickle.loads(data)  # noqa: S301
    if kind == "ok":
        return value
    if kind == "rejected":
        raise RejectedInput(value)
    if kind == "memory":
        raise _out_of_memory(budget)
    raise RuntimeError(value)


def _child(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    budget: int,
    max_pixels: int,
    cpu_seconds: int | None,
    out: int,
) -> None:
    code = 0
    try:
        limit = _mapped_bytes() + budget
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if cpu_seconds is not None:
            # Past the soft limit the kernel ends the child with SIGXCPU, past the hard one
            # with SIGKILL: a file that keeps a parser busy cannot keep a process busy.
            used = int(sum(os.times()[:2]))  # a fork starts its count at nought; be sure
            resource.setrlimit(resource.RLIMIT_CPU, (used + cpu_seconds, used + cpu_seconds + 1))
        # Every image Pillow opens here (a page's raster, a PDF's embedded scan) is held to
        # the same bound as the files themselves: a warning past it, an error past twice it.
        Image.MAX_IMAGE_PIXELS = max_pixels
        outcome: tuple[str, Any]
        try:
            outcome = ("ok", function(*args))
        except RejectedInput as error:
            outcome = ("rejected", str(error))
        except MemoryError:
            outcome = ("memory", "")
        except Image.DecompressionBombError as error:
            outcome = (
                "rejected",
                _("the image is a decompression bomb (%(error)s)") % {"error": error},
            )
        except BaseException as error:  # reported to the parent, which marks the job failed
            outcome = ("error", f"{type(error).__name__}: {error}"[:2000])
        try:
            payload = pickle.dumps(outcome)
        except MemoryError:
            payload = pickle.dumps(("memory", ""))
        with os.fdopen(out, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _out_of_memory(budget: int) -> RejectedInput:
    return RejectedInput(
        _("reading the file needs more memory than the limit of %(mb)d MB (a decompression bomb?)")
        % {"mb": budget // MB}
    )


def _died(status: int, budget: int, cpu_seconds: int | None) -> Exception:
    timed_out = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
    if cpu_seconds is not None and timed_out:
        return RejectedInput(
            _("reading the file takes more than the limit of %(seconds)d s of processor time")
            % {"seconds": cpu_seconds}
        )
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in _CRASHES:
        # Under the address-space limit, that is how PDFium or libtiff say "out of memory".
        return _out_of_memory(budget)
    if os.WIFSIGNALED(status):
        return RuntimeError(
            f"the process reading the file was stopped ({signal.Signals(os.WTERMSIG(status)).name})"
        )
    return RuntimeError(f"the process reading the file ended without an answer ({status})")
