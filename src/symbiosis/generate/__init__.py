from symbiosis.generate.park import *  # noqa
