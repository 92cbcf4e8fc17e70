"""Ensembles run out of process: chunks as tasks on a Dask cluster (the ``[distributed]`` extra).

An ensemble's result does not depend on how its members are chunked or where a chunk runs
(:mod:`sim.running.ensemble`), so a cluster only changes the wall time. Each chunk is one
task of whole blocks (at least :data:`sim.running.ensemble.BLOCK_SIZE` members: smaller
chunks doubled the CPU time when measured), run in a single-threaded worker *process* (a
run touches process-wide state such as the BLAS thread pool, which every chunk limits to
one thread: :func:`sim.running.ensemble.one_blas_thread`).

- :func:`sim.running.ensemble.run_ensemble`: every chunk here, one after another (the default).
- :func:`dask_runner`: ``workers=N`` starts a local cluster of N single-threaded worker
  processes on 127.0.0.1 for the duration of the ``with`` block; ``scheduler=ADDRESS`` uses
  an existing cluster (its workers need musclebrain installed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError
from sim.running.ensemble import (
    BLOCK_SIZE,
    Ensemble,
    EnsembleResult,
    merge,
    run_chunk,
)

INSTALL = "pip install 'musclebrain[distributed]'"
TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
MMAP = "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_"

Runner = Callable[[Ensemble, "int | None"], EnsembleResult]
"""How an ensemble is run: ``runner(ensemble, chunk_size)`` gives its result."""


@dataclass(frozen=True)
class DaskRunner:
    """Runs an ensemble's chunks as tasks through a ``distributed.Client``."""

    client: Any
    chunk_size: int = BLOCK_SIZE

    def __call__(self, ensemble: Ensemble, chunk_size: int | None = None) -> EnsembleResult:
        size = chunk_size or max(self.chunk_size, ensemble.block_size)
        size -= size % ensemble.block_size  # whole blocks
        chunks = ensemble.chunks(max(size, ensemble.block_size))
        futures = self.client.map(run_chunk, [ensemble] * len(chunks), chunks, pure=False)
        return merge(self.client.gather(futures))

    def map(self, fn: Callable[..., Any], *iterables: Any) -> list[Any]:
        """``fn`` over ``iterables`` as tasks on the cluster; the results in order."""
        return list(self.client.gather(self.client.map(fn, *iterables, pure=False)))


def require_distributed() -> Any:
    """The ``distributed`` package, or an InputError naming the extra to install (exit 2)."""
    try:
        import distributed
    except ImportError:
        raise InputError(
            f"--workers and --scheduler need Dask (dask.distributed), which is not installed. "
            f"Fix: {INSTALL}"
        ) from None
    return distributed


@contextlib.contextmanager
def dask_runner(workers: int | None = None, scheduler: str | None = None) -> Iterator[DaskRunner]:
    """A :class:`DaskRunner` on a local cluster of ``workers`` processes or at ``scheduler``."""
    distributed = require_distributed()
    if (workers is None) == (scheduler is None):
        raise InputError("give exactly one of --workers N and --scheduler ADDRESS.")
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(distributed.Client(scheduler, timeout="10s"))
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    f"--scheduler {scheduler}: no Dask scheduler answers there ({exc}). Fix: "
                    "start one (dask scheduler) or use --workers N for a local cluster."
                ) from None
        else:
            import dask

            # Dask's nannies set glibc's MALLOC_TRIM_THRESHOLD_ (64 KiB) in their workers.
            # Setting it also switches off glibc's adaptive mmap threshold, so every array
            # above 128 KiB (a block's states) is mmapped and unmapped again: measured, a
            # block of 1,500 parameter sets ran 2.9x slower, two thirds of it in the kernel
            # (page faults). Arrays up to 32 MiB come from the heap here, which is kept; the
            # workers live only as long as the ensemble.
            stack.enter_context(dask.config.set({TRIM: 2**40, MMAP: 2**25}))
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(distributed.Client(cluster))
        yield DaskRunner(client)
