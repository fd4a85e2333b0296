"""Estimates from a company register (DESIGN.md section 4f): coefficients, `estimate`, `intake` and `merge`."""
