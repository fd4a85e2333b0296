"""``symbiosis bench``: the optimiser against the baselines on generated parks and Haasrode."""

from symbiosis.bench.suite import (
    HAASRODE,
    METHODS,
    Instance,
    add_quality,
    bench_folder,
    holds_full_results,
    machine,
    markdown,
    run,
    run_one,
    suite,
    write_tables,
)

__all__ = ["HAASRODE", "METHODS", "Instance", "add_quality", "bench_folder", "holds_full_results", "machine", "markdown", "run", "run_one", "suite", "write_tables"]
