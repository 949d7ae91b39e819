"""Where sklmlp 0.1 and 0.2 defined the estimators; saved models still name it.

Pickles and skops files record a class by the module that defined it when the
model was saved: ``sklmlp._estimators.MLPClassifierPrimer`` and
``sklmlp._estimators.MLPRegressorPrimer`` for models saved by sklmlp 0.1 and
0.2. Each estimator is now defined, whole, in its own module
(:mod:`sklmlp._classifier`, :mod:`sklmlp._regressor`); this module keeps the old
names importable so that those files load. New code imports from
:mod:`sklmlp`.
"""

from ._classifier import MLPClassifierPrimer
from ._regressor import MLPRegressorPrimer

__all__ = ["MLPClassifierPrimer", "MLPRegressorPrimer"]
