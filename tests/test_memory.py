"""peak_rss_mb tracks a real allocation."""

import numpy as np

from coursework.memory import peak_rss_mb


def test_peak_grows_with_a_big_allocation():
    before = peak_rss_mb()
    block = np.ones(200 * 2**20, dtype=np.uint8)  # 200 MiB, touched
    after = peak_rss_mb()
    assert block.sum() == 200 * 2**20
    assert after >= 200 and after >= before
    assert after - before > 150 or before > 200
