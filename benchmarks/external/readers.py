"""The readers now live in the package (``symbiosis.bench.instances``); this re-exports them for the scripts here.

``python benchmarks/external/readers.py OUT_DIR [name ...]`` writes one scenario folder per instance.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from symbiosis.bench.instances import *  # noqa: F403
from symbiosis.bench.instances import BENCH_DIR, PUBLISHED, buyer_price, published_cost, read_instance, total_demand, write_scenario  # noqa: F401


def main(argv: Sequence[str]) -> int:
    """``python readers.py OUT_DIR [name ...]``: write one scenario folder per instance into OUT_DIR."""
    if not argv:
        print("usage: readers.py OUT_DIR [name ...]  (names: " + ", ".join(PUBLISHED) + ")")
        return 2
    out = Path(argv[0])
    for name in list(argv[1:]) or list(PUBLISHED):
        inst = read_instance(name, BENCH_DIR)
        folder = write_scenario(inst, out / name)
        print(f"{name}: {folder} M={buyer_price(inst)!r} total_demand={total_demand(inst)!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
