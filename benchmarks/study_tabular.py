"""The ablation behind the tabular defaults, on the development suite.

Each configuration is a prototype of one choice, mostly written as a step in
front of the estimator (``RobustClip``: robust or standard scaling with smooth
clipping at 3, the bound first tried) or as estimator parameters, scored as
``bench_tabular.py`` scores (default parameters otherwise, shuffled 5-fold
cross-validation, ``random_state=0``, one thread) on the 25 sets of
``../shared/tabular``. Results go to a JSON-lines file, one line per
(configuration, data set), so that a run can be resumed and configurations
compared afterwards; the user guide's "The tabular defaults, measured" quotes
them. ``realmlp`` needs pytabkit (never a dependency of sklmlp).

``python benchmarks/study_tabular.py p_raw p_rc p_rc_b2 --out results.jsonl``
"""

import argparse
import json
import pathlib
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp.callbacks import LRScheduler

HERE = pathlib.Path(__file__).resolve().parents[2] / "shared" / "tabular"


class RobustClip(TransformerMixin, BaseEstimator):
    def __init__(self, clip=3.0, norm=1.0, std=False):
        self.clip = clip
        self.norm = norm
        self.std = std

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        q1, med, q3 = np.quantile(X, [0.25, 0.5, 0.75], axis=0)
        scale = q3 - q1
        span = X.max(0) - X.min(0)
        scale = np.where(scale > 0, scale, span / 2)
        scale = np.where(scale > 0, scale, 1.0)
        if self.std:
            med, scale = X.mean(0), np.where(X.std(0) > 0, X.std(0), 1.0)
        self.center_, self.scale_ = med, scale / self.norm
        return self

    def transform(self, X):
        z = (np.asarray(X, dtype=float) - self.center_) / self.scale_
        if self.clip is None:
            return z
        return z / np.sqrt(1 + (z / self.clip) ** 2)


BASELINE = dict(input_scaling=None, beta_2=0.999)


class LSClassifier(MLPClassifierPrimer):
    def __init__(self, smoothing=0.1, **kw):
        super().__init__(**kw)
        self.smoothing = smoothing

    def get_params(self, deep=True):
        params = MLPClassifierPrimer().get_params()
        out = {k: getattr(self, k) for k in params}
        out["smoothing"] = self.smoothing
        return out

    def _new_targets(self):
        # Label smoothing: the encoded indicators pulled towards 1/k.
        targets = super()._new_targets()
        encode, smoothing = targets.encode, self.smoothing

        def smoothed(y, *, dtype, **kwargs):
            Y = encode(y, dtype=dtype, **kwargs)
            k = Y.shape[1] if Y.shape[1] > 1 else 2
            return ((1 - smoothing) * Y + smoothing / k).astype(dtype)

        targets.encode = smoothed
        return targets


def make(kind, name):
    clf = kind == "clf"
    # The baseline is sklmlp 0.2's defaults (the study chose 0.3's): inputs
    # as given, beta_2=0.999, the regressor's targets standardized.
    Primer = MLPClassifierPrimer if clf else MLPRegressorPrimer

    def P(**kw):
        return Primer(**{**BASELINE, **kw})

    def LS(**kw):
        return LSClassifier(**{**BASELINE, **kw})

    S = MLPClassifier if clf else MLPRegressor
    H = HistGradientBoostingClassifier if clf else HistGradientBoostingRegressor
    rs = dict(random_state=0)
    if name == "realmlp":
        from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

        R = RealMLP_TD_Classifier if clf else RealMLP_TD_Regressor
        return R(random_state=0, n_threads=1, device="cpu", verbosity=0)
    table = {
        "hgb": lambda: H(**rs),
        "sk_scaled": lambda: make_pipeline(StandardScaler(), S(**rs)),
        "p_raw": lambda: P(**rs),
        "p_scaled": lambda: make_pipeline(StandardScaler(), P(**rs)),
        "p_rc": lambda: make_pipeline(RobustClip(), P(**rs)),
        "p_rc_es": lambda: make_pipeline(
            RobustClip(), P(early_stopping=True, n_iter_no_change=20, **rs)
        ),
        "p_rc_256x3": lambda: make_pipeline(
            RobustClip(), P(hidden_layer_sizes=(256, 256, 256), **rs)
        ),
        "p_rc_b2": lambda: make_pipeline(RobustClip(), P(beta_2=0.95, **rs)),
        "p_rc_cos": lambda: make_pipeline(
            RobustClip(), P(callbacks=[LRScheduler("cosine")], **rs)
        ),
        "p_rc_ls": lambda: make_pipeline(RobustClip(), (LS if clf else P)(**rs)),
        "p_rcn": lambda: make_pipeline(RobustClip(norm=1.349), P(**rs)),
        "p_rcn_b2": lambda: make_pipeline(RobustClip(norm=1.349), P(beta_2=0.95, **rs)),
        "p_stdclip": lambda: make_pipeline(RobustClip(std=True), P(**rs)),
        "p_rcn_b2_ls": lambda: make_pipeline(
            RobustClip(norm=1.349), (LS if clf else P)(beta_2=0.95, **rs)
        ),
        "p_rcn_b2_mid": lambda: make_pipeline(
            RobustClip(norm=1.349), P(hidden_layer_sizes=(256, 256), beta_2=0.95, **rs)
        ),
        "p_rc_b2_ls": lambda: make_pipeline(
            RobustClip(), (LS if clf else P)(beta_2=0.95, **rs)
        ),
        "p_rc_b2_ens4": lambda: make_pipeline(
            RobustClip(),
            (VotingClassifier if clf else VotingRegressor)(
                [(f"m{i}", P(beta_2=0.95, random_state=i)) for i in range(4)],
                **({"voting": "soft"} if clf else {}),
            ),
        ),
        "p_rc_b2_drop": lambda: make_pipeline(
            RobustClip(), P(beta_2=0.95, dropout=0.1, **rs)
        ),
        "p_rc_b2_it400": lambda: make_pipeline(
            RobustClip(), P(beta_2=0.95, max_iter=400, **rs)
        ),
        "sk_ttr": lambda: make_pipeline(
            StandardScaler(),
            TransformedTargetRegressor(S(**rs), transformer=StandardScaler()),
        ),
        "p_scaled_glorot": lambda: make_pipeline(
            StandardScaler(), P(weight_init="glorot", **rs)
        ),
        "p_rc_b2_bs64": lambda: make_pipeline(
            RobustClip(), P(beta_2=0.95, batch_size=64, **rs)
        ),
        "p_rc_b2_lr3": lambda: make_pipeline(
            RobustClip(), P(beta_2=0.95, learning_rate_init=0.003, **rs)
        ),
        "p_rc_b2_128x2": lambda: make_pipeline(
            RobustClip(), P(beta_2=0.95, hidden_layer_sizes=(128, 128), **rs)
        ),
        "p_sc_b2": lambda: make_pipeline(RobustClip(std=True), P(beta_2=0.95, **rs)),
        "p_sc_b2_ss": lambda: make_pipeline(
            StandardScaler(), RobustClip(std=True), P(beta_2=0.95, **rs)
        ),
        "p_rc_b2_ss": lambda: make_pipeline(
            StandardScaler(), RobustClip(), P(beta_2=0.95, **rs)
        ),
        "p_ss_b2": lambda: make_pipeline(StandardScaler(), P(beta_2=0.95, **rs)),
        "p_rc_glorot": lambda: make_pipeline(
            RobustClip(), P(weight_init="glorot", **rs)
        ),
        "p_rc_es10": lambda: make_pipeline(
            RobustClip(), P(early_stopping=True, n_iter_no_change=10, **rs)
        ),
        "p_rc_big": lambda: make_pipeline(
            RobustClip(),
            P(
                hidden_layer_sizes=(256, 256, 256),
                beta_2=0.95,
                early_stopping=True,
                n_iter_no_change=20,
                weight_init="glorot",
                **rs,
            ),
        ),
        "p_rc_mid": lambda: make_pipeline(
            RobustClip(),
            P(hidden_layer_sizes=(256, 256), beta_2=0.95, weight_init="glorot", **rs),
        ),
    }
    return table[name]()


def run(config, names, out, folds=5):
    index = json.loads((HERE / "index.json").read_text())
    done = set()
    if out.exists():
        for line in out.read_text().splitlines():
            r = json.loads(line)
            done.add((r["config"], r["data"]))
    for name in names:
        if (config, name) in done:
            continue
        kind = index[name]["task"]
        d = np.load(HERE / f"{name}.npz")
        X, y = d["X"], d["y"]
        if kind == "clf":
            cv = StratifiedKFold(folds, shuffle=True, random_state=0)
        else:
            cv = KFold(folds, shuffle=True, random_state=0)
        scores, cpu = [], 0.0
        for tr, te in cv.split(X, y):
            model = make(kind, config)
            t0 = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X[tr], y[tr])
                pred = model.predict(X[te])
            cpu += time.process_time() - t0
            score = accuracy_score if kind == "clf" else r2_score
            scores.append(float(score(y[te], pred)))
        rec = dict(
            config=config,
            data=name,
            kind=kind,
            score=float(np.mean(scores)),
            folds=scores,
            cpu=cpu,
        )
        with out.open("a") as f:
            f.write(json.dumps(rec) + "\n")
        print(f"{config:14s} {name:16s} {rec['score']:.4f} {cpu:7.1f}s", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("configs", nargs="+")
    p.add_argument("--data", nargs="*")
    p.add_argument("--out", default="study_tabular.jsonl", type=pathlib.Path)
    a = p.parse_args()
    index = json.loads((HERE / "index.json").read_text())
    names = a.data or sorted(
        index, key=lambda n: index[n]["n_rows"] * index[n]["n_features"]
    )
    with threadpool_limits(1):
        for c in a.configs:
            run(c, names, a.out)
