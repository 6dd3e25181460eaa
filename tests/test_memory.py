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


def test_a_child_process_does_not_report_its_parents_peak():
    """ru_maxrss survives exec on Linux; a kernel started by a big process
    must report its own peak, not its launcher's."""
    import subprocess
    import sys

    block = np.ones(400 * 2**20, dtype=np.uint8)  # 400 MiB in this process
    code = "from coursework.memory import peak_rss_mb; print(peak_rss_mb())"
    child = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout)
    assert block.sum() == 400 * 2**20 and peak_rss_mb() > 400
    assert 0 < child < 300, f"the child reported {child:.0f} MiB"
