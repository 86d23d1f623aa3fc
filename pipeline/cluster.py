"""The build's per-document work on a ``dask.distributed`` cluster.

``teipipe build --executor dask --scheduler tcp://host:8786`` connects to a running cluster;
without ``--scheduler`` a local cluster of ``--jobs`` worker processes (one thread each) is
started for the build and stopped after it. The workers share no file system with the build:
every job carries the bytes of its document and returns bytes (:mod:`pipeline.executor`), and
the build's toolkit, with the files of its schema and stylesheets, is given to every worker as
a worker plugin, which the scheduler also gives to the workers that join later (one restarted
after a crash, say): each worker installs it once, compiling the profile and the stylesheets,
and keeps it for every job. The workers need the ``teipipe`` package installed, nothing else.

A worker process keeps one compiled stylesheet of each kind and one authority, which a task
changes while it runs: each worker runs one task at a time (one thread). A worker lost while it
works is replaced by the nanny and its tasks run again elsewhere: the jobs are pure functions,
so the build is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from . import executor as work

PLUGIN_NAME = "teipipe-toolkit"


class ToolkitPlugin(WorkerPlugin):
    """Installs the build's toolkit on a worker (:func:`executor.install`), once, before it runs
    a job: on every worker there when it is registered and on every worker that joins later."""

    def __init__(self, toolkit: work.Toolkit) -> None:
        self.toolkit = toolkit

    def setup(self, worker: Any = None) -> None:
        work.install(self.toolkit)

    def teardown(self, worker: Any = None) -> None:
        work.uninstall(self.toolkit.key)


@dataclass
class Cluster:
    """A client of a dask.distributed cluster, and the local cluster it started if any."""

    client: Any
    local: Any = None
    plugins: list[str] = field(default_factory=list)  # the names of the plugins this build gave

    @classmethod
    def start(cls, scheduler: str | None, jobs: int) -> "Cluster":
        """Connect to the scheduler at ``scheduler``, or start a local cluster of ``jobs``
        worker processes with one thread each (bound to 127.0.0.1, no dashboard)."""
        if scheduler:
            return cls(Client(scheduler))
        local = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                             host="127.0.0.1", dashboard_address=None)
        return cls(Client(local), local)

    @property
    def executor(self):
        """The cluster as a ``concurrent.futures`` executor."""
        return self.client.get_executor(pure=False)

    def workers(self) -> int:
        """How many jobs the cluster runs at once (its worker threads)."""
        return max(1, sum(self.client.nthreads().values()))

    def provide(self, toolkit: work.Toolkit) -> None:
        """Give ``toolkit``, with its files, to every worker, now and when one joins. Each
        toolkit is a plugin of its own (named by its key), so that builds sharing a cluster do
        not take each other's away; a build takes its own away when it is done."""
        name = f"{PLUGIN_NAME}-{toolkit.key[:16]}"
        if name not in self.plugins:
            self.client.register_plugin(ToolkitPlugin(toolkit.shipped()), name=name)
            self.plugins.append(name)

    def close(self) -> None:
        try:
            for name in self.plugins:
                self.client.unregister_worker_plugin(name)
        except Exception:  # noqa: BLE001 - a cluster going away takes its plugins with it
            pass
        self.client.close()
        if self.local is not None:
            self.local.close()
