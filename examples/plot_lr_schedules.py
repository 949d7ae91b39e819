"""
=============================================
A cosine learning-rate schedule against SGD's
=============================================

Stochastic gradient descent with a constant step size does not settle: near
a minimum, every minibatch still pushes the weights by a step as large as the
first ones, and the loss keeps jumping. Annealing the step size to zero along
half a cosine (Loshchilov and Hutter's SGDR, without restarts) takes the same
large steps early and ever smaller ones late. Here the same net learns the
same noisy 4-class problem twice with SGD (momentum 0.9, step 0.2, batches of
32, 40 epochs): once with the constant rate, once with
:class:`~sklmlp.callbacks.LRScheduler` ``('cosine')``. A quarter of the data
is held out (``early_stopping=True`` with ``n_iter_no_change=np.inf``: held
out and scored every epoch, never used to stop), and
:class:`~sklmlp.TrainingCurveDisplay` draws each run's curves.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, TrainingCurveDisplay
from sklmlp.callbacks import LRScheduler

X, y = make_classification(
    n_samples=3000,
    n_features=20,
    n_informative=10,
    n_classes=4,
    flip_y=0.05,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)


def train(schedule):
    """Fit the net with or without a schedule; return it and its rates."""
    rates = []

    def record_rate(estimator, info):
        rates.append(info["learning_rate"])

    callbacks = [record_rate] if schedule is None else [schedule, record_rate]
    clf = MLPClassifierPrimer(
        hidden_layer_sizes=(64,),
        solver="sgd",
        learning_rate_init=0.2,
        batch_size=32,
        max_iter=40,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=np.inf,
        random_state=0,
        callbacks=callbacks,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 40 epochs, on purpose
        clf.fit(X_train, y_train)
    return clf, rates


runs = {"constant": train(None), "cosine": train(LRScheduler("cosine"))}

# %%
# The training loss (left axis) and the held-out loss and accuracy of each
# run, and the step size each epoch used.
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
for ax, (name, (clf, rates)) in zip(axes, runs.items()):
    display = TrainingCurveDisplay.from_estimator(clf, ax=ax, name=f"{name} rate")
    # Room at the top for the legend: losses low on the left axis, scores
    # low on the right one.
    display.ax_.set_ylim(0, 2.6)
    display.score_ax_.set_ylim(0.6, 1.1)
    lines = list(display.lines_.values())
    labels = [line.get_label() for line in lines]
    display.ax_.legend(lines, labels, loc="upper right", fontsize="small")
for name, (clf, rates) in runs.items():
    axes[2].plot(np.arange(1, len(rates) + 1), rates, label=name)
axes[2].set(title="step size", xlabel="epoch", ylabel="learning rate")
axes[2].legend()
fig.tight_layout()

# %%
# With the constant rate the training loss stalls and the held-out numbers
# swing from epoch to epoch; annealed, the training loss keeps falling and the
# held-out numbers settle. Both runs overfit after their first few epochs
# (the held-out loss climbs back up): a fixed budget of epochs is no
# substitute for early stopping, which would keep an earlier epoch. Over the
# last ten epochs:
for name, (clf, _) in runs.items():
    held_out = np.array(clf.validation_loss_curve_[-10:])
    print(
        f"{name:>8}: training loss {np.mean(clf.loss_curve_[-10:]):.3f}, "
        f"held-out loss {held_out.mean():.3f} +- {held_out.std():.3f}, "
        f"test accuracy {clf.score(X_test, y_test):.3f}"
    )
