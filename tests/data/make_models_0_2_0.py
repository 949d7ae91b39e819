"""Write the sklmlp 0.2.0 models that tests/test_persistence.py loads.

Run once, from sklmlp 0.2.0 as released (before the package's modules moved)::

    python tests/data/make_models_0_2_0.py

It writes ``models_sklmlp_0.2.0.pkl`` (pickle) and ``models_sklmlp_0.2.0.skops``
(skops), each a dict name -> fitted estimator, and
``models_sklmlp_0.2.0_outputs.npz``: the input ``X`` and, per model and
prediction method, what the model predicted on ``X`` when it was saved.
"""

import pickle
import warnings
from pathlib import Path
from zipfile import ZIP_DEFLATED

import numpy as np
import skops.io as sio
from sklearn.exceptions import ConvergenceWarning

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer, __version__
from sklmlp.callbacks import EarlyStopping, EpochScoring

HERE = Path(__file__).parent
METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function")


def models():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    y3 = np.array(["ant", "bee", "cow"])[np.arange(60) % 3]
    yr = 5 * X[:, 0] - X[:, 1] ** 2 + 20
    small = dict(max_iter=12, random_state=0)
    fits = {
        "clf-adam-batch-norm": (
            MLPClassifierPrimer((6, 5), batch_norm=True, batch_size=16, **small),
            y3,
        ),
        "clf-lbfgs-prelu-maxout": (
            MLPClassifierPrimer(
                (5, 4), solver="lbfgs", activation=["prelu", "maxout"], **small
            ),
            y3,
        ),
        "clf-sgd-hinge-early-stopping": (
            MLPClassifierPrimer(
                (6,), solver="sgd", loss="hinge", early_stopping=True, **small
            ),
            y3,
        ),
        "clf-callbacks": (
            MLPClassifierPrimer(
                (6,),
                callbacks=[EpochScoring("accuracy"), EarlyStopping(patience=3)],
                **small,
            ),
            y3,
        ),
        "reg-adam-batch-norm-prelu": (
            MLPRegressorPrimer(
                hidden_layer_sizes=(6,), activation="prelu", batch_norm=True, **small
            ),
            yr,
        ),
        "reg-sgd-normalize-y": (
            MLPRegressorPrimer(hidden_layer_sizes=(6,), solver="sgd", **small),
            np.c_[yr, X[:, 2]],
        ),
        "reg-poisson-lbfgs": (
            MLPRegressorPrimer(
                "poisson", hidden_layer_sizes=(4,), solver="lbfgs", **small
            ),
            np.abs(X[:, 0]),
        ),
    }
    fitted = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, (est, y) in fits.items():
            fitted[name] = est.fit(X, y)
    return X, fitted


def main():
    assert __version__ == "0.2.0", __version__
    X, fitted = models()
    outputs = {"X": X}
    for name, est in fitted.items():
        for method in METHODS:
            if hasattr(est, method):
                outputs[f"{name}/{method}"] = getattr(est, method)(X)
    (HERE / "models_sklmlp_0.2.0.pkl").write_bytes(pickle.dumps(fitted))
    sio.dump(fitted, HERE / "models_sklmlp_0.2.0.skops", compression=ZIP_DEFLATED)
    np.savez(HERE / "models_sklmlp_0.2.0_outputs.npz", **outputs)
    print(sorted(sio.get_untrusted_types(file=HERE / "models_sklmlp_0.2.0.skops")))


if __name__ == "__main__":
    main()
