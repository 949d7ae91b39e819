"""
=====================================
Dead ReLUs and the learning rate
=====================================

A ReLU unit whose pre-activation is negative for every training sample outputs
zero everywhere, gets zero gradient, and never recovers. The notes warn that
"as much as 40% of your network can be dead" if the learning rate is set too
high, and advise monitoring the fraction of dead units.

:meth:`~sklmlp.MLPClassifierPrimer.dead_unit_fraction` does that monitoring:
the share of hidden units that output exactly zero on every sample of the data
passed in. Here a net of 100 ReLU units learns the digits (pixels scaled to
[0, 1], so every input is non-negative, as with images) with SGD and momentum
for 10 epochs, at learning rates from 0.003 to 1, three seeds each.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sklmlp import MLPClassifierPrimer

X, y = load_digits(return_X_y=True)
X = X / 16.0
learning_rates = [0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0]
seeds = [0, 1, 2]


def make_net(learning_rate, seed, max_iter=10):
    """100 ReLU units trained with SGD and momentum 0.9."""
    return MLPClassifierPrimer(
        hidden_layer_sizes=(100,),
        activation="relu",
        solver="sgd",
        momentum=0.9,
        batch_size=32,
        learning_rate_init=learning_rate,
        max_iter=max_iter,
        n_iter_no_change=max_iter,
        random_state=seed,
    )


# Before training: one epoch at a negligible step size leaves the weights
# where the initializer put them.
at_init = np.mean(
    [
        make_net(1e-12, seed)
        .partial_fit(X, y, classes=np.unique(y))
        .dead_unit_fraction(X)[0]
        for seed in seeds
    ]
)

dead = np.zeros((len(learning_rates), len(seeds)))
accuracy = np.zeros_like(dead)
with warnings.catch_warnings():
    # 10 epochs is short on purpose: the units die early, if they die.
    warnings.simplefilter("ignore", ConvergenceWarning)
    for i, lr in enumerate(learning_rates):
        for j, seed in enumerate(seeds):
            clf = make_net(lr, seed).fit(X, y)
            dead[i, j] = clf.dead_unit_fraction(X)[0]
            accuracy[i, j] = clf.score(X, y)

fig, ax = plt.subplots(figsize=(7, 4.2))
ax.plot(learning_rates, 100 * dead.mean(axis=1), "o-", color="C3", label="dead units")
ax.fill_between(
    learning_rates,
    100 * dead.min(axis=1),
    100 * dead.max(axis=1),
    color="C3",
    alpha=0.2,
)
ax.axhline(100 * at_init, color="C3", ls=":", label="dead at initialization")
ax.set(
    xscale="log",
    xlabel="learning_rate_init (SGD, momentum 0.9)",
    ylabel="dead hidden units (%)",
    ylim=(-3, 103),
)
ax2 = ax.twinx()
ax2.plot(
    learning_rates,
    100 * accuracy.mean(axis=1),
    "s--",
    color="C0",
    label="training accuracy",
)
ax2.set(ylabel="training accuracy (%)", ylim=(-3, 103))
lines = ax.get_legend_handles_labels()
lines2 = ax2.get_legend_handles_labels()
ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="center left")
ax.set_title("Fraction of dead ReLUs after 10 epochs (mean and range of 3 seeds)")
fig.tight_layout()

# %%
# The figure in numbers: the dead fraction stays near its value at
# initialization for small steps and climbs past the notes' 40% as the step
# grows, until the whole layer is dead and the net predicts one class.
print(f"dead at initialization: {100 * at_init:.1f}%")
for lr, d, acc in zip(learning_rates, dead.mean(axis=1), accuracy.mean(axis=1)):
    print(
        f"learning_rate_init={lr:<5}: {100 * d:5.1f}% dead, "
        f"training accuracy {100 * acc:5.1f}%"
    )

plt.show()
