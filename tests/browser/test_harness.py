"""Quick checks of the browser tests' own machinery (no browser, no server)."""

from __future__ import annotations

from pathlib import Path

from .jupyterlab import JupyterLab, student_environment
from .notebook_page import describe, lesson_cells


def _cell(index: int, kind: str = "code", **nbgrader) -> dict:
    return {"index": index, "type": kind, "nbgrader": nbgrader or None, "count": None, "source": f"x = {index}"}


def test_lesson_cells_end_at_the_last_exercise():
    cells = [
        _cell(0, "markdown"), _cell(1), _cell(2),
        _cell(3, solution=True), _cell(4, grade=True, points=1),
        _cell(5),  # a lesson cell after a mid-lesson exercise: Run All never gets there
        _cell(6, solution=True), _cell(7, grade=True, points=2),
        _cell(8),  # the results cell after the exercises
    ]
    assert [c["index"] for c in lesson_cells(cells)] == [1, 2, 5]
    assert [c["index"] for c in lesson_cells(cells[:3])] == [1, 2]  # no exercise: every code cell


def test_describe_names_the_cell_its_prompt_and_first_line():
    cell = {**_cell(5), "source": "  \nfit(x)\nmore", "count": 12}
    assert describe(cell) == "cell 5 (In [12]) `fit(x)`"
    assert describe(_cell(6)) == "cell 6 (never ran) `x = 6`"


def test_student_environment_drops_ci_and_pytest_settings(tmp_path, monkeypatch):
    for name in ("MPLBACKEND", "COURSEWORK_HEADLESS", "TF_CPP_MIN_LOG_LEVEL", "PYTEST_XDIST_WORKER"):
        monkeypatch.setenv(name, "1")
    env = student_environment(tmp_path, {"COURSEWORK_DATA": "/mirror"})
    assert not {"MPLBACKEND", "COURSEWORK_HEADLESS", "TF_CPP_MIN_LOG_LEVEL"} & env.keys()
    assert not [name for name in env if name.startswith("PYTEST_")]  # PYTEST_CURRENT_TEST too
    assert env["COURSEWORK_DATA"] == "/mirror"
    assert env["HOME"] == str(tmp_path)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        assert Path(env[name]).parent == tmp_path and Path(env[name]).is_dir(), name


def test_jupyterlab_listens_on_localhost_with_a_token_and_exposes_the_app(tmp_path):
    lab = JupyterLab(tmp_path / "root", tmp_path / "home")
    command = lab._command()
    assert "--ServerApp.ip=127.0.0.1" in command
    assert f"--ServerApp.port={lab.port}" in command and f"--IdentityProvider.token={lab.token}" in command
    assert "--LabApp.expose_app_in_browser=True" in command and "--ServerApp.open_browser=False" in command
    assert len(lab.token) == 32 and lab.url == f"http://127.0.0.1:{lab.port}"
    assert lab.notebook_url("01_a.ipynb") == f"{lab.url}/lab/tree/01_a.ipynb?reset&token={lab.token}"
