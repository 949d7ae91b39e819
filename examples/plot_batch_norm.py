"""
=====================================================
Batch normalization rescues a badly initialized net
=====================================================

The notes on weight initialization end with batch normalization: it
"alleviates a lot of headaches with properly initializing neural networks by
explicitly forcing the activations throughout a network to take on a unit
gaussian distribution at the beginning of the training", so that "networks
that use Batch Normalization are significantly more robust to bad
initialization".

Here the notes' first recipe, ``W = 0.01 * randn(fan_in, fan_out)``
(``weight_init='small'``), starts a deep net of 8 hidden tanh layers, trained
on the digits with plain SGD (no momentum), once as it is and once with
``batch_norm=True``. We look at each layer's activations at the start, then at
the training curves.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

DEPTH = 8
settings = dict(
    hidden_layer_sizes=(100,) * DEPTH,
    activation="tanh",
    weight_init="small",
    solver="sgd",
    momentum=0.0,
    learning_rate_init=0.01,
    batch_size=64,
    random_state=0,
)

# %%
# Activations at the start
# ------------------------
# ``hidden_activations`` shows a fitted model's layers as ``predict`` runs
# them: a normalized layer with its running statistics. To see the start,
# one ``partial_fit`` pass over the training set as a single batch, with a
# negligible step, leaves the weights where they were drawn, and with
# ``batch_norm_momentum=1`` sets the running statistics to that batch's own:
# what training normalizes the first batches with.
start = {}
for name, extra in [("plain", {}), ("batch_norm", dict(batch_norm=True))]:
    probe = MLPClassifierPrimer(
        **{**settings, "learning_rate_init": 1e-12, "batch_size": len(y_train)},
        batch_norm_momentum=1.0,
        **extra,
    )
    probe.partial_fit(X_train, y_train, classes=np.unique(y))
    start[name] = [h.std() for h in probe.hidden_activations(X_train)]

layers = np.arange(1, DEPTH + 1)
for name, stds in start.items():
    print(
        f"{name:>10}: std of each layer's tanh outputs "
        + " ".join(f"{s:.2g}" for s in stds)
    )

# %%
# Training
# --------
# 40 epochs of plain SGD each; a callback records the held-out accuracy after
# every epoch.
curves = {}
for name, extra in [("plain", {}), ("batch_norm", dict(batch_norm=True))]:
    accuracy = []
    model = MLPClassifierPrimer(
        **settings,
        max_iter=40,
        n_iter_no_change=40,
        callbacks=lambda est, info: accuracy.append(est.score(X_test, y_test)),
        **extra,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    curves[name] = (np.array(model.loss_curve_), np.array(accuracy))
    print(
        f"{name:>10}: training loss {model.loss_curve_[0]:.3f} -> "
        f"{model.loss_:.3f}, test accuracy {accuracy[-1]:.3f} after "
        f"{model.n_iter_} epochs"
    )

fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for name, stds in start.items():
    axes[0].semilogy(layers, stds, "o-", label=name)
axes[0].set(
    title="at the start: std of each layer's output",
    xlabel="hidden layer",
    xticks=layers,
)
for name, (loss, accuracy) in curves.items():
    epochs = np.arange(1, len(loss) + 1)
    axes[1].plot(epochs, loss, label=name)
    axes[2].plot(epochs, accuracy, label=name)
axes[1].set(title="training loss", xlabel="epoch", yscale="log")
axes[2].set(title="held-out accuracy", xlabel="epoch", ylim=(0, 1))
for ax in axes:
    ax.legend()
fig.tight_layout()

# %%
# What the figures show
# ---------------------
# Without normalization, ``0.01 * randn`` weights shrink the signal by about
# ``0.01 * sqrt(100) = 0.1`` per layer: by the eighth layer the tanh outputs
# are around 1e-8, the gradients reaching the first layers are as small, and
# plain SGD makes no progress (the loss stays at ``log(10) = 2.30``, the
# accuracy at chance). With ``batch_norm=True`` every layer's pre-activations
# are rescaled to unit variance before the tanh, whatever the weights' scale:
# the outputs keep a standard deviation near 0.6 through all eight layers,
# and the same net, from the same weights, learns the digits (0.97 held-out
# accuracy). The notes' claim reproduces: the bad initialization no longer
# matters.

plt.show()
