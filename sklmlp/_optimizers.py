"""Where sklmlp 0.1 and 0.2 kept the optimizers; saved models still name them.

Pickles and skops files of models trained with 'sgd' or 'adam' by sklmlp 0.1
and 0.2 record ``sklmlp._optimizers.SGD`` or ``sklmlp._optimizers.Adam``. The
classes now live in :mod:`sklmlp._core.optimizers`; this module keeps the old
names importable so that those files load. New code imports from
:mod:`sklmlp._core.optimizers`.
"""

from ._core.optimizers import SGD, Adam

__all__ = ["SGD", "Adam"]
