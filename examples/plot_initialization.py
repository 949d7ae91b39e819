"""
=======================================================
Weight initialization through a 10-layer net
=======================================================

The notes' recipes for the first weights, each a ``weight_init`` option:

* ``'small'``: ``W = 0.01 * randn(fan_in, fan_out)``;
* ``'lecun'``: ``W = randn(fan_in, fan_out) / sqrt(fan_in)``, which keeps the
  variance of a unit's input about equal to the variance of the layer's input;
* ``'he'``: ``W = randn(fan_in, fan_out) * sqrt(2 / fan_in)``, the
  recommendation for ReLU units, which zero half of their input's variance;
* ``'zeros'``: every weight zero, the mistake the notes warn against.

The first figure pushes 500 samples of 500 standard-normal features through
ten hidden layers of 500 units, before any training, and plots the mean and
standard deviation of each layer's output
(:meth:`~sklmlp.MLPRegressorPrimer.hidden_activations`). The second trains
nets whose weights all start at zero and shows that their hidden units stay
identical.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

rng = np.random.RandomState(0)
X = rng.standard_normal((500, 500))
y = rng.standard_normal(500)


def untrained_net(activation, weight_init):
    """A 10-layer net as initialized (one SGD step of size 1e-12)."""
    reg = MLPRegressorPrimer(
        hidden_layer_sizes=(500,) * 10,
        activation=activation,
        weight_init=weight_init,
        bias_init=0.0,
        solver="sgd",
        learning_rate_init=1e-12,
        momentum=0.0,
        batch_size=500,
        random_state=0,
    )
    return reg.partial_fit(X, y)


configs = [("tanh", "small"), ("tanh", "lecun"), ("relu", "lecun"), ("relu", "he")]
stats = {}
for activation, weight_init in configs:
    hidden = untrained_net(activation, weight_init).hidden_activations(X)
    stats[activation, weight_init] = (
        np.array([h.mean() for h in hidden]),
        np.array([h.std() for h in hidden]),
    )

layers = np.arange(1, 11)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for (activation, weight_init), (mean, std) in stats.items():
    label = f"{activation}, weight_init='{weight_init}'"
    (line,) = axes[1].semilogy(layers, std, "o-", label=label)
    axes[0].plot(layers, mean, "o-", color=line.get_color(), label=label)
axes[0].set(
    title="mean of each layer's output", xlabel="hidden layer", ylim=(-0.1, 0.7)
)
axes[1].set(
    title="standard deviation of each layer's output (log scale)", xlabel="hidden layer"
)
axes[1].legend(fontsize=8)
fig.tight_layout()

# %%
# The figure in numbers. With ``'small'`` weights the tanh outputs shrink about
# fivefold per layer and reach ~1e-7 at layer 10: every unit outputs almost
# zero, and so would the gradients. ``'lecun'`` keeps tanh nets alive but
# halves the variance of ReLU outputs at each layer (ReLU zeroes half of its
# input), so they collapse too, more slowly; ``'he'`` doubles the variance
# to compensate and keeps ReLU outputs at the same scale through all ten
# layers, the notes' reason to recommend it for ReLU units. (With the
# estimators' default training, Adam, it still trains worse than Glorot's
# start, so ``weight_init='auto'`` is Glorot; see the user guide.)
for (activation, weight_init), (mean, std) in stats.items():
    print(
        f"{activation:>4}, {weight_init:>5}: std layer 1 = {std[0]:.3g}, "
        f"layer 5 = {std[4]:.3g}, layer 10 = {std[9]:.3g} "
        f"(ratio 10/1: {std[9] / std[0]:.1e}); mean layer 10 = {mean[9]:+.3g}"
    )

# %%
# All-zero initialization: the symmetry is never broken
# ------------------------------------------------------
# If every weight starts equal, every hidden unit computes the same output,
# receives the same gradient and takes the same step: the units stay copies of
# one another, so a layer of 8 is worth one unit. With tanh (or ReLU) units
# the hidden outputs start at exactly zero and so do the gradients of both
# weight layers: nothing but the output biases ever moves. Logistic units
# start at 0.5 and do learn, but all as one. Below, 8-unit nets learn the
# digits with L-BFGS; each image shows the hidden layer's output for the first
# 40 samples (rows) and the 8 units (columns).
Xd, yd = load_digits(return_X_y=True)
Xd = StandardScaler().fit_transform(Xd)
nets = [("tanh", "zeros"), ("logistic", "zeros"), ("logistic", "auto")]
fig, axes = plt.subplots(1, 3, figsize=(11, 4.2))
zero_rows = []
for ax, (activation, weight_init) in zip(axes, nets):
    clf = MLPClassifierPrimer(
        hidden_layer_sizes=(8,),
        activation=activation,
        weight_init=weight_init,
        solver="lbfgs",
        max_iter=100,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xd, yd)
    H = clf.hidden_activations(Xd)[0]
    # How far apart the units are: the largest gap between two units' outputs.
    spread = float(np.ptp(H, axis=1).max())
    n_distinct = len(np.unique(H.round(12), axis=1).T)
    zero_rows.append((activation, weight_init, clf.score(Xd, yd), spread, n_distinct))
    ax.imshow(H[:40], aspect="auto", cmap="viridis", vmin=H.min(), vmax=H.max() + 1e-9)
    ax.set(
        title=f"{activation}, weight_init='{weight_init}'\n"
        f"{n_distinct} distinct unit(s), accuracy {clf.score(Xd, yd):.3f}",
        xlabel="hidden unit",
        ylabel="sample",
    )
fig.tight_layout()

# %%
# The figure in numbers: with ``weight_init='zeros'`` every column of the
# image is the same, i.e. every unit's output equals every other's on every
# sample (a spread of exactly 0), and the net fits far worse than the same
# net started from random weights.
for activation, weight_init, score, spread, n_distinct in zero_rows:
    print(
        f"{activation:>8}, weight_init={weight_init!r:>7}: training accuracy "
        f"{score:.3f}, {n_distinct} distinct hidden unit(s), largest gap between "
        f"two units' outputs {spread:.2g}"
    )

plt.show()
