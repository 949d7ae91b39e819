"""ProgressBar: epochs, numbers and time left, with tqdm or in plain lines."""

import sys
import time
from numbers import Real

from sklearn.utils._param_validation import HasMethods, StrOptions

from ._base import Callback, installed


class ProgressBar(Callback):
    """Show training's progress: epochs, loss, held-out numbers, time left.

    One bar per call to ``fit`` (``partial_fit``: one epoch), counting epochs
    up to ``max_iter`` and showing the epoch's numbers: the loss, the
    held-out loss and score when data is held out, the learning rate, and any
    number a callback earlier in the list added. With tqdm installed
    (``pip install "sklmlp[progress]"``) it is tqdm's bar (a widget in a
    notebook, through ``tqdm.auto``), which shows the elapsed and remaining
    time; without, one plain line per epoch with the same numbers and times.
    Quiet when ``verbose=True`` already prints every epoch, or when there is
    no stream to write to.

    Parameters
    ----------
    stream : {'stderr', 'stdout'}, file-like or None, default=None
        Where to write: None or 'stderr' is ``sys.stderr``, 'stdout'
        ``sys.stdout``, looked up when training starts (so that the estimator
        still clones and pickles); or an object with a ``write`` method. An
        open file cannot be cloned or pickled, and ``clone`` copies an
        ``io.StringIO`` (the copy gets the output).

    style : {'auto', 'tqdm', 'text'}, default='auto'
        'tqdm' needs tqdm; 'text' writes plain lines; 'auto': tqdm when it is
        installed.

    See Also
    --------
    EpochScoring : Add a score to what the bar shows.

    Examples
    --------
    >>> import io
    >>> from sklearn.datasets import load_iris
    >>> from sklmlp import MLPClassifierPrimer
    >>> from sklmlp.callbacks import ProgressBar
    >>> X, y = load_iris(return_X_y=True)
    >>> out = io.StringIO()
    >>> clf = MLPClassifierPrimer((8,), solver="lbfgs", max_iter=1000, random_state=0,
    ...                           callbacks=[ProgressBar(stream=out, style="text")])
    >>> clf = clf.fit(X, y)
    >>> lines = out.getvalue().splitlines()
    >>> print(lines[0])
    MLPClassifierPrimer epoch 1/1000: loss=... | ...s elapsed, at most ...s left
    >>> print(lines[-1])
    MLPClassifierPrimer: ... epoch(s) in ...s
    """

    _parameter_constraints: dict = {
        "stream": [None, StrOptions({"stderr", "stdout"}), HasMethods(["write"])],
        "style": [StrOptions({"auto", "tqdm", "text"})],
    }

    def __init__(self, *, stream=None, style="auto"):
        self.stream = stream
        self.style = style

    def _begin(self, estimator, run):
        self._validate_params()
        stream = self.stream
        if stream is None or isinstance(stream, str):
            stream = sys.stdout if stream == "stdout" else sys.stderr
        if estimator.verbose or stream is None:
            return
        use_tqdm = self.style == "tqdm" or (self.style == "auto" and installed("tqdm"))
        bar = _TqdmBar if use_tqdm else _TextBar
        self._bar = bar(run.max_epochs, stream, type(estimator).__name__)

    def __call__(self, estimator, info):
        """Advance the bar by the epoch and show its numbers."""
        bar = getattr(self, "_bar", None)
        if bar is not None:
            numbers = {key: value for key, value in info.items() if key != "epoch"}
            bar.update(numbers)
        return False

    def _end(self, estimator):
        bar = self.__dict__.pop("_bar", None)
        if bar is not None:
            bar.close()


def _format(value):
    return f"{value:.4g}" if isinstance(value, Real) else str(value)


class _TqdmBar:
    def __init__(self, total, stream, name):
        from tqdm.auto import tqdm

        self._bar = tqdm(total=total, file=stream, unit="epoch", desc=name)

    def update(self, numbers):
        self._bar.set_postfix(
            {key: _format(value) for key, value in numbers.items()}, refresh=False
        )
        self._bar.update(1)

    def close(self):
        self._bar.close()


class _TextBar:
    """One line per epoch, for streams without tqdm."""

    def __init__(self, total, stream, name):
        self._total, self._stream, self._name = total, stream, name
        self._done = 0
        self._start = time.perf_counter()

    def update(self, numbers):
        self._done += 1
        elapsed = time.perf_counter() - self._start
        left = elapsed / self._done * (self._total - self._done)
        shown = " ".join(f"{key}={_format(value)}" for key, value in numbers.items())
        self._stream.write(
            f"{self._name} epoch {self._done}/{self._total}: {shown} | "
            f"{elapsed:.1f}s elapsed, at most {left:.1f}s left\n"
        )
        self._stream.flush()

    def close(self):
        elapsed = time.perf_counter() - self._start
        self._stream.write(f"{self._name}: {self._done} epoch(s) in {elapsed:.1f}s\n")
        self._stream.flush()
