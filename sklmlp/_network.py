"""Where sklmlp 0.1 and 0.2 kept the network; saved models still name it.

Pickles and skops files record a class by the module that defined it when the
model was saved: ``sklmlp._network.Network`` for models saved by sklmlp 0.1 and
0.2. The class now lives in :mod:`sklmlp._core.network`; this module keeps the
old name importable so that those files load. New code imports from
:mod:`sklmlp._core.network`.
"""

from ._core.network import Network

__all__ = ["Network"]
