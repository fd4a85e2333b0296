"""The only code that touches HiGHS, and the scheduling of independent parts over time and workers."""

from symbiosis.solver.highs import lp_conflict, solve_model, solve_roadmap
from symbiosis.solver.schedule import Progress, Solved, decisions_of, solve_in_turn, solve_parallel, solve_part

__all__ = ["Progress", "Solved", "decisions_of", "lp_conflict", "solve_in_turn", "solve_model", "solve_parallel", "solve_part", "solve_roadmap"]
