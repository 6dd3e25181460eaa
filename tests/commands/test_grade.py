"""``python -m coursework grade``: usage errors."""

from __future__ import annotations

import pytest

from coursework.__main__ import main as cli
from coursework.grading import grade_submissions
from tests.grading import synthetic


def test_grade_usage_errors(tmp_path, capsys):
    assert cli(["grade", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    synthetic.write_source(tmp_path / "notebooks")
    (tmp_path / "subs").mkdir()
    assert cli(["grade", str(tmp_path / "subs"), "--notebook-dir", str(tmp_path / "notebooks")]) == 2
    assert "No student folders" in capsys.readouterr().err
    (tmp_path / "subs" / "ann").mkdir()
    assert cli(["grade", str(tmp_path / "subs"), "--notebook-dir", str(tmp_path / "notebooks")]) == 2
    assert "holds a course notebook" in capsys.readouterr().err
    with pytest.raises(ValueError, match="jobs"):
        grade_submissions(tmp_path / "subs", notebook_dir=tmp_path / "notebooks", jobs=0)
    with pytest.raises(ValueError, match="memory must be"):
        grade_submissions(tmp_path / "subs", notebook_dir=tmp_path / "notebooks", memory=1000)
