"""TrainingCurveDisplay: the training curves of a fitted model, in one plot.

A scikit-learn Display: build it from a fitted estimator
(:meth:`TrainingCurveDisplay.from_estimator`) or from the curves themselves,
draw it with :meth:`~TrainingCurveDisplay.plot`, and find what was drawn in
``ax_``, ``figure_``, ``line_`` and ``lines_``. matplotlib is imported only
when something is drawn.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

__all__ = ["TrainingCurveDisplay"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - matplotlib is in the dev extras
        raise ImportError(
            "TrainingCurveDisplay needs matplotlib: pip install matplotlib"
        ) from error
    return plt


def _epochs(values, n_epochs):
    """Epoch numbers of a record that ends with the last epoch."""
    values = np.asarray(values, dtype=float)[-n_epochs:] if n_epochs else values
    return np.arange(n_epochs - len(values) + 1, n_epochs + 1), values


class TrainingCurveDisplay:
    """Training curves: the loss per epoch, and the held-out loss and score.

    The training loss (``loss_curve_``) and, when there is one, the held-out
    loss (``validation_loss_curve_``, without the L2 term) share the left
    axis; the held-out score (``validation_scores_``) and the scores of
    :class:`~sklmlp.callbacks.EpochScoring` callbacks (``epoch_scores_``)
    go on a second axis on the right. Build it with :meth:`from_estimator`.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        The training loss after each epoch.
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        The held-out loss after each epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        The held-out score after each epoch.
    epoch_scores : dict of str to array-like, default=None
        More scores by name, each ending with the last epoch.
    score_name : str, default='validation score'
        Label of ``validation_scores``.
    estimator_name : str, default=None
        The title.
    xlabel : str, default='epoch'
        What an x step is ('iteration' for lbfgs).

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the losses.
    score_ax_ : matplotlib Axes or None
        The axes of the scores (a twin of ``ax_``), None without scores.
    figure_ : matplotlib Figure
        The figure.
    line_ : matplotlib Line2D
        The training loss.
    lines_ : dict of str to matplotlib Line2D
        Every line by what it shows: 'loss', 'validation_loss',
        'validation_score', and the names of ``epoch_scores``.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the
        number of training samples.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_digits
    >>> from sklmlp import MLPClassifierPrimer, TrainingCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifierPrimer((32,), early_stopping=True, random_state=0)
    >>> clf = clf.fit(X / 16, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['loss', 'validation_loss', 'validation_score']
    >>> len(display.line_.get_xdata()) == clf.n_iter_
    True
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        epoch_scores=None,
        score_name="validation score",
        estimator_name=None,
        xlabel="epoch",
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.epoch_scores = epoch_scores
        self.score_name = score_name
        self.estimator_name = estimator_name
        self.xlabel = xlabel

    def plot(self, ax=None, *, name=None, loss_scale="linear"):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw the losses; None makes a new figure.
        name : str, default=None
            The title; None: ``estimator_name``.
        loss_scale : {'linear', 'log'}, default='linear'
            The scale of the loss axis.

        Returns
        -------
        display : TrainingCurveDisplay
            This object, with ``ax_``, ``figure_``, ``line_`` and ``lines_``.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklmlp import TrainingCurveDisplay
        >>> display = TrainingCurveDisplay(loss_curve=[1.0, 0.5, 0.3])
        >>> fig, ax = plt.subplots()
        >>> display.plot(ax=ax, loss_scale="log").ax_ is ax
        True
        >>> display.line_.get_ydata().tolist()
        [1.0, 0.5, 0.3]
        >>> plt.close(fig)
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        n_epochs = len(self.loss_curve)
        lines = {}
        (lines["loss"],) = ax.plot(
            *_epochs(self.loss_curve, n_epochs), label="training loss"
        )
        if self.validation_loss_curve is not None:
            (lines["validation_loss"],) = ax.plot(
                *_epochs(self.validation_loss_curve, n_epochs), label="validation loss"
            )
        ax.set(xlabel=self.xlabel, ylabel="loss", yscale=loss_scale)

        scores = dict(self.epoch_scores or {})
        if self.validation_scores is not None:
            scores = {"validation_score": self.validation_scores, **scores}
        score_ax = None
        if scores:
            score_ax = ax.twinx()
            # Scores in the colours after the losses', dashed.
            colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
            for i, (key, values) in enumerate(scores.items()):
                label = self.score_name if key == "validation_score" else key
                (lines[key],) = score_ax.plot(
                    *_epochs(values, n_epochs),
                    linestyle="--",
                    color=colours[(len(lines) + i) % len(colours)],
                    label=label,
                )
            score_ax.set_ylabel("score")
        handles = list(lines.values())
        ax.legend(handles, [line.get_label() for line in handles], loc="best")
        title = self.estimator_name if name is None else name
        if title:
            ax.set_title(title)

        self.ax_, self.score_ax_, self.figure_ = ax, score_ax, ax.figure
        self.lines_, self.line_ = lines, lines["loss"]
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, loss_scale="linear"):
        """Draw the training curves of a fitted estimator.

        Parameters
        ----------
        estimator : MLPClassifierPrimer or MLPRegressorPrimer
            A fitted estimator (not a pipeline: pass its last step).
        ax : matplotlib Axes, default=None
            Where to draw the losses; None makes a new figure.
        name : str, default=None
            The title; None: the estimator's class name.
        loss_scale : {'linear', 'log'}, default='linear'
            The scale of the loss axis.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer, TrainingCurveDisplay
        >>> from sklmlp.callbacks import EpochScoring
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer((8,), solver="lbfgs", max_iter=1000,
        ...                           random_state=0,
        ...                           callbacks=[EpochScoring("f1_macro")]).fit(X, y)
        >>> display = TrainingCurveDisplay.from_estimator(clf, loss_scale="log")
        >>> sorted(display.lines_), display.ax_.get_xlabel()
        (['f1_macro', 'loss'], 'iteration')
        >>> plt.close(display.figure_)
        """
        check_is_fitted(estimator, "loss_curve_")
        score_name = (
            "validation accuracy" if is_classifier(estimator) else "validation R²"
        )
        display = cls(
            loss_curve=estimator.loss_curve_,
            validation_loss_curve=estimator.validation_loss_curve_,
            validation_scores=estimator.validation_scores_,
            epoch_scores=getattr(estimator, "epoch_scores_", None),
            score_name=score_name,
            estimator_name=type(estimator).__name__,
            xlabel="iteration" if estimator.solver == "lbfgs" else "epoch",
        )
        return display.plot(ax=ax, name=name, loss_scale=loss_scale)
