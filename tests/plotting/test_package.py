"""coursework.plotting as a package: its public names and its import cost."""

from __future__ import annotations

import subprocess
import sys

from coursework import plotting


def test_all_is_explicit():
    assert sorted(plotting.__all__) == [
        "DEFAULT_METRICS",
        "DecisionRegions",
        "OKABE_ITO",
        "describe",
        "description",
        "draw_history",
        "history_dict",
        "most_confused_pair",
        "plot_confusion_matrix",
        "plot_decision_boundary",
        "plot_history",
        "plot_image_probabilities",
        "plot_images",
        "plot_linear_boundary",
        "select_metrics",
    ]
    for name in plotting.__all__:
        assert getattr(plotting, name) is not None


def test_most_confused_pair_lives_outside_plotting():
    from coursework.evaluation import most_confused_pair

    assert plotting.most_confused_pair is most_confused_pair


def test_import_needs_neither_pyplot_nor_keras():
    code = ("import sys, coursework.plotting; "
            "print('matplotlib.pyplot' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
