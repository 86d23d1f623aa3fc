"""Ctrl-C ends a command for certain (pipeline/lifeline.py): a command that does not end by
itself within the grace period after Ctrl-C, or gets a second Ctrl-C, kills its workers and exits
with 130; a command that takes Ctrl-C as its way to stop ends as it likes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: A process that runs ``body`` (indented as the block's) under ending_after_interrupt(grace=GRACE) with a worker process
#: of its own. The body prints "ready" (and the worker's process id) where it is ready for Ctrl-C: inside its ``try``,
#: so that a signal sent at once is not taken before the body can catch it.
PROGRAM = """
import multiprocessing, sys, threading, time
from pipeline.lifeline import ending_after_interrupt

def idle():
    time.sleep(600)

if __name__ == "__main__":
    worker = multiprocessing.get_context("spawn").Process(target=idle, daemon=True)
    worker.start()
    with ending_after_interrupt(grace={grace}):
{body}
    print("ended by itself", flush=True)
"""

#: Takes Ctrl-C and then waits for ever, as a pool would whose processes the signal struck.
STUCK = """
        try:
            print("ready", worker.pid, flush=True)
            time.sleep(600)
        except KeyboardInterrupt:
            threading.Event().wait()
"""

#: Takes Ctrl-C as its way to stop, as the review server does.
STOPS_ON_CTRL_C = """
        try:
            print("ready", worker.pid, flush=True)
            time.sleep(600)
        except KeyboardInterrupt:
            pass
    time.sleep({after})
"""


def start(tmp_path: Path, body: str, grace: float) -> tuple[subprocess.Popen, int]:
    script = tmp_path / "program.py"
    script.write_text(PROGRAM.format(grace=grace, body=body.strip("\n")),
                      encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready = process.stdout.readline().split()
    assert ready[:1] == ["ready"], process.stderr.read()
    return process, int(ready[1])


def gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_command_stuck_after_ctrl_c_ends_with_130_when_the_grace_period_is_over(tmp_path: Path) -> None:
    process, worker = start(tmp_path, STUCK, grace=1.0)
    began = time.monotonic()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert time.monotonic() - began >= 1.0  # it was given the grace period first
    assert "interrupted: the next run goes on from what was written" in process.stderr.read()
    assert gone(worker)


def test_a_second_ctrl_c_ends_it_at_once(tmp_path: Path) -> None:
    process, worker = start(tmp_path, STUCK, grace=300.0)
    process.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert process.poll() is None  # still within the grace period
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert gone(worker)


def test_a_command_that_stops_on_ctrl_c_ends_as_it_likes(tmp_path: Path) -> None:
    process, worker = start(tmp_path, STOPS_ON_CTRL_C.format(after=2.0), grace=0.5)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0  # not cut short when the grace period is over
    assert process.stdout.read() == "ended by itself\n"
    assert gone(worker)  # a daemon process, ended by the interpreter at exit


def test_outside_the_main_thread_the_block_runs_as_it_is() -> None:
    import threading

    from pipeline.lifeline import ending_after_interrupt

    before = signal.getsignal(signal.SIGINT)
    ran = []

    def elsewhere() -> None:
        with ending_after_interrupt():
            ran.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert ran == [before]


def test_the_handler_of_before_is_back_after_a_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    before = signal.getsignal(signal.SIGINT)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])  # runs, and finds nothing to check
    assert result.exit_code == 2 and "no .xml files" in result.output
    assert signal.getsignal(signal.SIGINT) is before
