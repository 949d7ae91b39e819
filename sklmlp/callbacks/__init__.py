"""Ready-made callbacks: score, stop, save, schedule and watch training.

Pass them in the estimators' ``callbacks`` list; they are called after every
epoch (every iteration of 'lbfgs') in list order, with one dict of the epoch's
numbers shared along the list, so a number one callback adds (an
:class:`EpochScoring`) is seen by the next (an :class:`EarlyStopping`, a
:class:`ProgressBar`). See :ref:`training` for the protocol and the examples.

Each callback is configured by its constructor, as an estimator is: ``clone``,
``GridSearchCV`` and pickling copy that configuration, and what a callback
learns while training lives in attributes ending in ``_``.
"""

from ._base import Callback
from ._checkpoint import Checkpoint
from ._early_stopping import EarlyStopping
from ._lr_scheduler import LRScheduler
from ._progress_bar import ProgressBar
from ._scoring import EpochScoring

__all__ = [
    "Callback",
    "Checkpoint",
    "EarlyStopping",
    "EpochScoring",
    "LRScheduler",
    "ProgressBar",
]
