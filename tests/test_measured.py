"""coursework.measured: distributions of the notebooks' trained numbers."""

from __future__ import annotations

import pytest

from coursework.measured import Distribution, measured


def _dist(*values: float) -> Distribution:
    return Distribution("05", "acc", tuple(values), tuple(range(len(values))), "a CPU (AVX2)")


def test_statistics_and_wording():
    dist = _dist(0.862, 0.868, 0.874)
    assert dist.n == 3 and dist.mean == pytest.approx(0.868) and dist.std == pytest.approx(0.006)
    assert (dist.min, dist.max) == (0.862, 0.874)
    assert str(dist) == "about 0.868 (0.862-0.874 over 3 seeds on our machine)"


def test_constant_and_whole_numbers():
    assert str(_dist(1.0, 1.0)) == "1 in every one of 2 seeds on our machine"
    assert str(_dist(3.0, 5.0)) == "about 4 (3-5 over 2 seeds on our machine)"
    assert _dist(0.5).std == 0.0


def test_every_measured_file_has_ten_seeds_and_names_its_machine():
    dist = measured("01", "final_accuracy")
    assert dist.n >= 10 and len(dist.seeds) == dist.n
    assert "(" in dist.machine  # "CPU model (SIMD level)"


def test_unknown_names_say_what_exists():
    with pytest.raises(KeyError, match="Recorded: "):
        measured("01", "no_such_metric")
    with pytest.raises(KeyError, match="benchmarks/distribution.py --notebooks 99"):
        measured("99", "x")
