"""The distributed engine: a dask.distributed client, local or on an existing cluster.

By default an embedded ``LocalCluster`` of worker processes with one thread each
(HiGHS wants one solver per process, and one thread keeps runs repeatable); with a
scheduler address (``tcp://HOST:8786``) the work goes to a cluster started with
``dask scheduler`` and ``dask worker``. Workers get plain data (scenarios, candidate
tables) and build their own models: no Pyomo model is ever pickled.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from symbiosis.errors import SettingsError

SCHEMES = ("tcp", "tls", "inproc", "ucx")

# The local workers' own bookkeeping, for a dashboard symbiosis does not start: the
# statistical profiler (a stack sample every 10 ms), the event-loop health tick (20 ms)
# and the system monitor (500 ms). Off or rarer, a sweep's worker spends about 0.3 s
# less CPU a sample on a loaded 2-core machine (benchmarks/README, "Sweep benchmark").
# The memory monitor (spill, pause, terminate) keeps its default.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it, else all)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return max(os.cpu_count() or 1, 1)


def usable_workers(asked: int, flag: str = "--workers") -> tuple[int, str | None]:
    """How many local worker processes to start for ``asked``: at most the cores, and a note when fewer.

    A worker solves one model at a time with one thread, so more workers than cores
    only share the cores and add each worker's memory.
    """
    cores = usable_cores()
    if asked <= cores:
        return asked, None
    return cores, f"{flag} {asked}: this machine has {cores} core(s); {cores} local worker(s) are started (more would only share the cores and add memory)"


def check_scheduler(address: str) -> str:
    """A Dask scheduler address as ``scheme://host:port``, or ``SettingsError`` naming what is wrong (before any connection)."""
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError as exc:
        raise SettingsError(f"--scheduler '{address}': not an address ({exc}); expected e.g. tcp://HOST:8786") from None
    if parts.scheme not in SCHEMES:
        raise SettingsError(f"--scheduler '{address}': expected an address such as tcp://HOST:8786 (scheme {', '.join(SCHEMES)})")
    if parts.scheme in ("tcp", "tls") and (not parts.hostname or port is None):
        raise SettingsError(f"--scheduler '{address}': give the host and the port, e.g. tcp://HOST:8786")
    return address


@contextmanager
def dask_client(workers: int = 1, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: on ``scheduler`` when given, else on a local cluster of ``workers`` processes.

    The local cluster listens on the loopback address only, without a dashboard, and
    is shut down on leaving the block (also on Ctrl-C).
    """
    import dask
    from distributed import Client, LocalCluster  # heavy: loaded only when a cluster is asked for (and before dask.config.set below)

    if workers < 1:
        raise SettingsError(f"--workers {workers}: at least 1 worker is needed")
    if scheduler is not None:
        check_scheduler(scheduler)
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, ValueError) as exc:
            raise SettingsError(f"--scheduler '{scheduler}': cannot reach the scheduler ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
    with warnings.catch_warnings(), dask.config.set(QUIET_WORKERS):
        # Its scheduler's HTTP server moves to a free port when another cluster holds 8787: nothing for the user to do.
        warnings.filterwarnings("ignore", message="Port 8787 is already in use", category=UserWarning)
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
