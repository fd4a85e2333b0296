"""From a company register to estimated streams (DESIGN.md section 4f): coefficients, `estimate`, `intake` and `merge`.

A package of its own, not `symbiosis.estimate`, so that it does not shadow the API function of that name.
"""
