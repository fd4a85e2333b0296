from symbiosis.candidates.arcs import *  # noqa
