"""
==================================================
ReLU, tanh and sigmoid: how fast does SGD train?
==================================================

The notes credit ReLU units with greatly accelerating the convergence of
stochastic gradient descent compared to sigmoid and tanh units (a factor of 6
in Krizhevsky et al.'s convolutional net on CIFAR-10), because they do not
saturate. Here the same net (4 hidden layers of 64 units) learns the digits
with plain SGD (no momentum, step 0.01, batches of 32) under each activation,
with three seeds each, each activation with the notes' initialization (He for
ReLU, ``weight_init='he'``; Glorot for tanh and sigmoid). A callback records
the training error after every epoch.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
activations = ["relu", "tanh", "logistic"]
seeds = [0, 1, 2]
n_epochs = 40


def train(activation, seed):
    """Return the loss and training-error curves of one run."""
    errors = []

    def record_error(estimator, info):
        errors.append(1.0 - estimator.score(X, y))

    clf = MLPClassifierPrimer(
        hidden_layer_sizes=(64, 64, 64, 64),
        activation=activation,
        weight_init="he" if activation == "relu" else "glorot",
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=n_epochs,
        n_iter_no_change=n_epochs,
        random_state=seed,
        callbacks=record_error,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return np.array(clf.loss_curve_), np.array(errors)


curves = {
    act: [np.array(c) for c in zip(*[train(act, s) for s in seeds])]
    for act in activations
}

epochs = np.arange(1, n_epochs + 1)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for act, (losses, errors) in curves.items():
    (line,) = axes[0].semilogy(epochs, losses.mean(axis=0), label=act)
    axes[1].plot(epochs, 100 * errors.mean(axis=0), color=line.get_color(), label=act)
    for ax, values in ((axes[0], losses), (axes[1], 100 * errors)):
        ax.fill_between(
            epochs,
            values.min(axis=0),
            values.max(axis=0),
            color=line.get_color(),
            alpha=0.2,
        )
axes[1].axhline(25, color="k", ls=":", lw=1)
axes[0].set(title="training loss (mean and range of 3 seeds)", xlabel="epoch")
axes[1].set(title="training error (%)", xlabel="epoch", ylim=(0, 100))
axes[1].legend()
fig.tight_layout()


# %%
# The figure in numbers: the epoch at which each run first reaches 25% training
# error (Krizhevsky et al.'s mark, dotted) and 5%, the epoch at which its loss
# first falls below 0.1, and the mean loss after 40 epochs.
def first_epoch_below(values, level):
    hits = np.flatnonzero(values <= level)
    return int(hits[0]) + 1 if hits.size else None


for act, (losses, errors) in curves.items():
    at25 = [first_epoch_below(e, 0.25) for e in errors]
    at5 = [first_epoch_below(e, 0.05) for e in errors]
    loss01 = [first_epoch_below(c, 0.1) for c in losses]
    print(
        f"{act:>8}: epochs to 25% error {at25}, to 5% error {at5}, "
        f"to loss 0.1 {loss01}; loss after {n_epochs} epochs "
        f"{losses[:, -1].mean():.3f}"
    )

# %%
# On this small fully connected net the sigmoid net barely moves from chance
# in 40 epochs (its loss stays near ``log(10) = 2.30``): four layers of
# saturating units whose derivative is at most 0.25 pass back almost no
# gradient. ReLU and tanh reach the error marks in about the same number of
# epochs; ReLU then drives the loss down faster. The 6x factor of the notes
# was measured on a convolutional net and is not reproduced at this scale.

plt.show()
