"""The thresholds table is complete, measured, and tight enough to catch a regression."""

from __future__ import annotations

import pytest

from coursework.measured import measured
from tests.notebooks.thresholds import BOUNDS, NOISY, bounds_for

ROWS = sorted(BOUNDS)


@pytest.mark.parametrize(("notebook", "metric"), ROWS, ids=[f"{n}-{m}" for n, m in ROWS])
def test_every_bounded_metric_was_measured_over_ten_seeds(notebook, metric):
    dist = measured(notebook, metric)
    assert dist.n >= 10, f"{notebook} {metric}: only {dist.n} seeds; rerun benchmarks/distribution.py"


@pytest.mark.parametrize(("notebook", "metric"), ROWS, ids=[f"{n}-{m}" for n, m in ROWS])
def test_a_five_point_loss_of_accuracy_fails(notebook, metric):
    if "accuracy" not in metric:
        pytest.skip("not an accuracy")
    dist = measured(notebook, metric)
    if (notebook, metric) in NOISY:
        assert dist.std > 0.0125, f"{notebook} {metric} is no longer noisy: remove it from NOISY"
        pytest.skip(NOISY[(notebook, metric)])
    low, high = bounds_for(notebook, metric)
    if low is not None:
        assert dist.mean - low < 0.05, f"{notebook} {metric}: lower bound {low:.4f} too loose for {dist}"
    if high is not None:
        assert high - dist.mean < 0.05, f"{notebook} {metric}: upper bound {high:.4f} too loose for {dist}"


def test_the_rule():
    from tests.notebooks import thresholds

    dist = measured("05", "mlp_test_accuracy")
    low, high = bounds_for("05", "mlp_test_accuracy")
    assert high is None
    assert low == pytest.approx(min(dist.mean - 4 * dist.std, dist.min) - thresholds.SLACK)


def test_unknown_rows_say_what_to_do():
    with pytest.raises(KeyError, match="add one, then measure it"):
        bounds_for("05", "no_such_metric")


MEMORY_NOTEBOOKS = ["03", "04", "05", "06", "07", "08", "09"]


#: Notebooks whose memory bound is over the laptop budget today, and why.  The
#: test fails when one of them fits again (take it off) or another stops fitting.
OVER_BUDGET = {
    # issue 19: the plain main path trains on the uint8 multi-hot matrix as the
    # lecture does; the 10-seed peak is 1,695 MB on AMD EPYC, whose bound (x 1.3)
    # is 2,204 MB.  The peak fits 2 GB; the margin does not.  Open in issue 19.
    "04": "peak 1.7 GB: the multi-hot matrix on the main path",
}


@pytest.mark.parametrize("notebook", MEMORY_NOTEBOOKS)
def test_every_memory_bound_fits_a_laptop(notebook):
    from tests.notebooks.thresholds import LAPTOP_BUDGET_MB, memory_bound_mb

    assert measured(notebook, "peak_rss_mb").n >= 10
    if notebook in OVER_BUDGET:
        assert memory_bound_mb(notebook) > LAPTOP_BUDGET_MB, f"notebook {notebook} fits again: remove it from OVER_BUDGET"
        assert measured(notebook, "peak_rss_mb").max <= LAPTOP_BUDGET_MB, f"notebook {notebook}'s own peak is over"
    else:
        assert memory_bound_mb(notebook) <= LAPTOP_BUDGET_MB, f"notebook {notebook} no longer fits the budget"


def test_a_memory_leak_fails():
    from tests.notebooks.thresholds import check_memory

    for notebook in MEMORY_NOTEBOOKS:
        peak = measured(notebook, "peak_rss_mb").max
        assert check_memory({"peak_rss_mb": peak}, notebook) == peak
        with pytest.raises(AssertionError, match=f"notebook {notebook} peaked at"):
            check_memory({"peak_rss_mb": 5 / 3 * peak}, notebook)
