"""Processes that end: workers when the process that started them ends, a command soon after
Ctrl-C.

A worker of the build's own pool waits for work from the main process; if the main process is
killed (``kill -9``, an out-of-memory kill) nobody tells the worker, and it would wait for ever,
holding its memory. :func:`tie_to_parent` makes a worker watch for that: a thread looks at the
worker's parent process id every :data:`EVERY` seconds, and when the parent is gone (the worker
was handed to another process) the worker exits at once. The same function leaves Ctrl-C to the
parent: a terminal sends it to every process of the command, and a worker struck by it while it
sends a result back would leave half a message in the pipe, which the pool's reader then waits
on for ever. The parent, interrupted, lets the work under way finish and stops its workers.

Ctrl-C raises KeyboardInterrupt in a command, which stops its workers and exits with 130 (the
command line's :func:`~pipeline.cli.interrupted`). Ending a pool whose processes the same signal
has just struck, or the interpreter's own end (which waits for every pool's thread), can wait on
a process or a pipe that will never answer. :func:`ending_after_interrupt` makes the end
certain: from the first Ctrl-C the command has :data:`GRACE` seconds to end by itself; after
that, or at a second Ctrl-C, its worker processes are killed and it exits with 130 there and
then. Every output is written whole or not at all (a temporary file renamed into place; the
manifest in SQLite transactions), so ending at any moment loses only the work under way.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: How often a worker looks whether its parent is still there (seconds).
EVERY = 0.5
#: After Ctrl-C, the most seconds a command is given to end by itself.
GRACE = 15.0
#: The exit status of a command ended by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130
#: What a command ended by Ctrl-C says.
INTERRUPTED_MESSAGE = "interrupted: the next run goes on from what was written"


def tie_to_parent() -> None:
    """Make this worker process ignore Ctrl-C, which its parent handles, and exit soon after
    the process that started it has ended (at once when it has ended already)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None and started_by.pid else os.getppid()
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(EVERY)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="teipipe-lifeline", daemon=True).start()


def stop_workers() -> None:
    """End every worker process this process started and wait for them to go.

    Called when a run is interrupted (Ctrl-C): the pool of a stage may be half made or still
    waiting for work that will never come, and the interpreter would wait for its workers at
    exit for ever. Every output is written whole or not at all, so stopping them loses nothing.
    """
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()


@contextmanager
def ending_after_interrupt(grace: float = GRACE) -> Iterator[None]:
    """Run the block with Ctrl-C raising KeyboardInterrupt as usual, and ending the process for
    certain: ``grace`` seconds after the first Ctrl-C, or at a second one, the process kills its
    worker processes, says :data:`INTERRUPTED_MESSAGE` and exits with :data:`INTERRUPTED`,
    wherever it is. The deadline runs on past the block, while the interpreter ends. Outside
    the main thread (where no signal handler can be set) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    deadline: list[threading.Timer] = []

    def on_interrupt(number, frame) -> None:
        if deadline:
            end_now()
        timer = threading.Timer(grace, end_now)
        timer.daemon = True  # the process may end by itself before it fires
        timer.start()
        deadline.append(timer)
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGINT, on_interrupt)
    if before is None:  # a handler set outside Python: the default stands in for it
        before = signal.SIG_DFL
    try:
        yield
    except BaseException:
        if not deadline:
            signal.signal(signal.SIGINT, before)
        raise  # interrupted: the deadline, and a second Ctrl-C, hold while the process ends
    signal.signal(signal.SIGINT, before)
    for timer in deadline:  # the command took Ctrl-C as its way to stop (as the review server does)
        timer.cancel()


def end_now() -> None:
    """Kill every worker process this process started, say that the command was interrupted,
    and exit with :data:`INTERRUPTED` at once, without the interpreter's clean-up."""
    for child in multiprocessing.active_children():
        try:
            child.kill()
        except OSError:
            pass  # already gone
    try:
        sys.stderr.write(INTERRUPTED_MESSAGE + "\n")
        sys.stderr.flush()
        sys.stdout.flush()
    except (OSError, ValueError):
        pass  # a closed or broken stream: the exit status says it all the same
    os._exit(INTERRUPTED)
