"""The distributed engine: a dask.distributed client, local or on an existing cluster.

By default an embedded ``LocalCluster`` of worker processes with one thread each
(HiGHS wants one solver per process, and one thread keeps runs repeatable); with a
scheduler address (``tcp://HOST:8786``) the work goes to a cluster started with
``dask scheduler`` and ``dask worker``. Workers get plain data (scenarios, candidate
tables) and build their own models: no Pyomo model is ever pickled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from symbiosis.errors import SettingsError


@contextmanager
def dask_client(workers: int = 1, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: on ``scheduler`` when given, else on a local cluster of ``workers`` processes.

    The local cluster listens on the loopback address only, without a dashboard, and
    is shut down on leaving the block (also on Ctrl-C).
    """
    from distributed import Client, LocalCluster  # heavy: loaded only when a cluster is asked for

    if workers < 1:
        raise SettingsError(f"--workers {workers}: at least 1 worker is needed")
    if scheduler is not None:
        if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise SettingsError(f"--scheduler '{scheduler}': expected an address such as tcp://HOST:8786")
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise SettingsError(f"--scheduler '{scheduler}': cannot reach the scheduler ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
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
