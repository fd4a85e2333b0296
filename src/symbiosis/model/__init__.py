from symbiosis.model.build import *  # noqa
