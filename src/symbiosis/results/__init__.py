from symbiosis.results.result import *  # noqa
