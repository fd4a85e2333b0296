"""sha256 of what HiGHS gets for every part (matrix, bounds, costs, integrality, warm start) from one source tree.

Usage: python same_input.py SRC SCENARIO... ; run it with two trees and compare the digests.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np


def main() -> None:
    sys.path.insert(0, sys.argv[1])  # the source tree to measure, before the project's imports
    from symbiosis import api
    from symbiosis.analysis import baselines
    from symbiosis.candidates import build_candidates, split_components
    from symbiosis.model import build_model, set_start
    from symbiosis.solver.highs import _to_highs

    digest = hashlib.sha256()
    for path in sys.argv[2:]:
        sc = api.load_scenario(path)
        for part in split_components(build_candidates(sc)):
            c = part.candidates
            handle = build_model(c, sc.settings)
            start = baselines.greedy(c, sc.settings)
            set_start(handle, c, start.flows, start.y, start.z, start.w)
            lp, columns = _to_highs(handle.model)
            values = np.array([0.0 if v.value is None else v.value for v in columns])
            matrix = lp.a_matrix_
            for arr in (lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_, matrix.start_, matrix.index_, matrix.value_, values):
                digest.update(np.asarray(arr).tobytes())
            digest.update(str(lp.offset_).encode())
            digest.update(str([int(t) for t in lp.integrality_]).encode())
    print(digest.hexdigest())


if __name__ == "__main__":
    main()
