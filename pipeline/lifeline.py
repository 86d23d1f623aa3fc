"""Worker processes that end when the process that started them ends.

A worker of the build's own pool waits for work from the main process; if the main process is
killed (``kill -9``, an out-of-memory kill) nobody tells the worker, and it would wait for ever,
holding its memory. :func:`die_with_parent` makes a worker watch for that: a thread looks at the
worker's parent process id every :data:`EVERY` seconds, and when the parent is gone (the worker
was handed to another process) the worker exits at once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

#: How often a worker looks whether its parent is still there (seconds).
EVERY = 0.5


def die_with_parent() -> None:
    """Exit this process soon after the process that started it has ended (at once when it
    has ended already)."""
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
