"""The only code that touches HiGHS, and the scheduling of independent parts over time and workers."""

from symbiosis.solver.highs import lp_conflict, solve_model, solve_roadmap
from symbiosis.solver.schedule import Progress, Solved, decisions_of, part_workers, solve_in_turn, solve_parallel, solve_part, workers_for

__all__ = ["Progress", "Solved", "decisions_of", "lp_conflict", "part_workers", "solve_in_turn", "solve_model", "solve_parallel", "solve_part", "solve_roadmap", "workers_for"]
