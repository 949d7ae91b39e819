"""The benchmark scripts run, and report what they claim to, on a tiny problem.

Timings are never asserted (see ``benchmarks/``); these tests only keep the
scripts working and their tables honest: every case is reported, both
libraries reach the same loss, and sklmlp keeps float32 float32.
"""

import importlib
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def benchmark(name):
    """Import the script ``benchmarks/<name>.py`` as a module."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def scripts():
    return benchmark("bench_training"), benchmark("bench_batch_size")


TINY = [
    "--n-samples", "300", "--n-test", "100", "--n-predict", "50", "--repeats", "1",
    "--epochs", "1", "--lbfgs-iter", "2", "--budget", "0.01", "--matmul-n", "64",
]  # fmt: skip


def test_bench_training_reports_every_case(scripts, capsys):
    bench_training, _ = scripts
    bench_training.main(
        [
            *TINY, "--workloads", "small,regression", "--solvers", "adam,lbfgs",
            "--batch-norm-workload", "small", "--torch", "no",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    # Batch normalization's cost, with and without, for each dtype.
    bn = re.findall(r"^small\s+(float64|float32)\s+([\d.]+)\s+([\d.]+)\s", out, re.M)
    assert [row[0] for row in bn[-2:]] == ["float64", "float32"], out
    assert "batch_norm cost (paired)" in out
    training = re.findall(
        r"^(small|regression)\s+(float64|float32)\s+(adam|lbfgs)\s+(.*)$", out, re.M
    )
    # Eight cases, each in the training and the memory table.
    assert len(training) == 2 * 8, out
    # Training rows: both times, the ratio of the best ones, the paired ratio.
    for *_, rest in training[:8]:
        assert all(float(value) > 0 for value in rest.split()[:4]), rest
    predictions = re.findall(
        r"^(small|regression)\s+(float64|float32)\s+[\d.]+us", out, re.M
    )
    assert len(predictions) == 4, out
    # The same math: float64 losses agree to rounding, float32 to float32's.
    diff64 = float(re.search(r"final loss, float64: largest \S+ (\S+)", out)[1])
    diff32 = float(re.search(r"final loss, float32: largest \S+ (\S+)", out)[1])
    assert diff64 < 1e-12
    assert diff32 < 1e-4
    assert "float32 data -> sklmlp parameters in float32" in out


def test_bench_training_torch_column_reports_the_measured_times(
    scripts, capsys, monkeypatch
):
    # torch is never needed by the tests: a stand-in with known times checks
    # that the column reports what was measured, on adam and sgd rows only.
    bench_training, _ = scripts
    reference = bench_training.torch_reference
    calls = []

    def seconds_per_epoch(task, hidden, batch_size, solver, epochs, X, y):
        calls.append((task, hidden, batch_size, solver, epochs, X.dtype))
        return 10.0, 0.5

    monkeypatch.setattr(reference, "available", lambda: True)
    monkeypatch.setattr(reference, "describe", lambda: "torch stand-in")
    monkeypatch.setattr(reference, "seconds_per_epoch", seconds_per_epoch)
    bench_training.main(
        [*TINY, "--workloads", "small", "--solvers", "sgd,lbfgs", "--dtypes", "float32"]
    )
    out = capsys.readouterr().out
    assert "torch stand-in" in out
    # One fit per round of the one sgd case, with the case's settings.
    assert calls == [("classification", (100,), 200, "sgd", 1, "float32")]
    rows = re.findall(r"^small\s+float32\s+(sgd|lbfgs)\s+10\.0000\s+(.*)$", out, re.M)
    assert [row[0] for row in rows] == ["sgd"], out
    ours, ratio, paired = (float(v) for v in rows[0][1].split()[:3])
    assert ratio == pytest.approx(10.0 / ours, rel=0.02)
    assert paired == pytest.approx(ratio, rel=0.02)  # one round
    assert "torch / sklmlp, s/epoch" in out


def test_profile_epoch_reports_every_case(capsys):
    profile_epoch = benchmark("profile_epoch")
    args = ["--quick", "--workloads", "small", "--torch", "no"]
    profile_epoch.main(args)
    out = capsys.readouterr().out
    rows = re.findall(r"^small\s+(float64|float32)\s+(adam|sgd)\s+(.*)$", out, re.M)
    assert len(rows) == 4, out
    for *_, rest in rows:
        epoch, products, _, _, optimizer = rest.split()[:5]
        # Every part was timed; the products and the step are parts of an epoch.
        assert 0 < float(products) and 0 < float(optimizer) < float(epoch)


def test_bench_batch_size_reports_every_batch_size(scripts, capsys):
    _, bench_batch_size = scripts
    bench_batch_size.main(
        [
            "--workload", "small", "--batch-sizes", "50,300", "--dtypes", "float32",
            "--n-samples", "300", "--epochs", "1", "--repeats", "1",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    rows = re.findall(r"^float32\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", out, re.M)
    assert [int(r[0]) for r in rows] == [50, 300], out
    # Seconds per epoch of both libraries and their ratio, all measured.
    assert all(float(value) > 0 for row in rows for value in row[1:]), out


def test_bench_defaults_reports_both_libraries(capsys):
    bench_defaults = benchmark("bench_defaults")
    rows = bench_defaults.main(["--quick"])
    out = capsys.readouterr().out
    assert [row["name"] for row in rows] == ["iris", "wine", "diabetes"]
    for row in rows:
        assert re.search(rf"^{row['name']}\s+\S+\s+-?[\d.]+\s+-?[\d.]+", out, re.M)
    # defaults='sklearn' follows scikit-learn's path: the same scores.
    for row in rows[:2]:
        assert row["sklearn_path"] == row["theirs"]
    assert "worst difference" in out


def test_bench_onnx_reports_every_case(capsys):
    pytest.importorskip("onnxruntime")
    bench_onnx = benchmark("bench_onnx")
    bench_onnx.main(
        [
            "--n-samples",
            "300",
            "--n-predict",
            "50",
            "--epochs",
            "1",
            "--budget",
            "0.01",
            "--rounds",
            "2",
        ]
    )
    out = capsys.readouterr().out
    times = re.findall(
        r"^(small|large)\s+(float32|float64)\s+(1|50)((?:\s+[\d.]+(?:us|ms)){3})"
        r"\s+([\d.]+)$",
        out,
        re.M,
    )
    # Both nets, both dtypes, one row and a batch: three timings and a ratio.
    assert len(times) == 8, out
    assert all(float(t[-1]) > 0 for t in times), out
    agreement = re.findall(
        r"^(small|large)\s+(float32|float64)\s+([\d.]+)%\s*(\S+)\s+(\S+)$", out, re.M
    )
    assert len(agreement) == 4, out
    for _, dtype, agree, max_diff, out_dtype in agreement:
        # onnxruntime computes in the model's dtype and agrees to its rounding.
        assert out_dtype == dtype
        assert float(agree) == 100.0
        assert float(max_diff) < (1e-5 if dtype == "float32" else 1e-12)


def test_bench_tabular_reports_every_model_on_the_suite(capsys):
    bench_tabular = benchmark("bench_tabular")
    models = ["sklmlp", "sklmlp+ss", "skl-path", "sk MLP", "HGB"]
    rows = bench_tabular.main(["--quick", "--models", *models])
    out = capsys.readouterr().out
    # iris and diabetes (bundled) and bupa (the development suite beside the repo).
    assert sorted(row["name"] for row in rows) == ["bupa", "diabetes", "iris"]
    for row in rows:
        for model in models:
            score, cpu = row[model]
            assert cpu > 0 and (0.3 < score <= 1 if row["task"] == "clf" else score < 1)
        # The scaling measures the columns itself: a scaler in front changes
        # nothing but rounding; scikit-learn's path scores as scikit-learn.
        assert row["sklmlp"][0] == pytest.approx(row["sklmlp+ss"][0], abs=1e-9)
        if row["task"] == "clf":
            assert row["skl-path"][0] == row["sk MLP"][0]
    assert "mean rank, raw features: sklmlp" in out
    assert "sklmlp+ss - sk MLP: worst" in out
