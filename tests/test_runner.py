"""Tests for :mod:`coursework.runner` and ``python -m coursework``.

Each test that executes a notebook starts a real ipykernel (1-2 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursework.commands.run import format_table, main
from coursework.runner import NotebookRun, run_course, run_notebook

PASSING = [
    new_markdown_cell("# A passing notebook"),
    new_code_cell("from coursework.results import record\nx = 0.5"),
    new_code_cell('record(headline="acc", acc=x, epochs=3)'),
]


def write_notebook(folder: Path, name: str, cells: list) -> Path:
    """Write a v4 notebook made of ``cells`` to ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A notebook folder with one passing and one failing notebook."""
    folder = tmp_path / "notebooks"
    write_notebook(folder, "01_pass.ipynb", PASSING)
    write_notebook(
        folder,
        "02_fail.ipynb",
        [
            new_markdown_cell("Cell 1 is markdown: cells are numbered among all cells."),
            new_code_cell('raise ValueError("boom\\nsecond line")'),
            new_code_cell("never = True"),
        ],
    )
    return folder


def test_passing_notebook(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "nbs", "01_pass.ipynb", PASSING)
    before = source.read_bytes()
    out = tmp_path / "out"

    run = run_notebook(source, output_dir=out)

    assert run.ok, run.error
    assert run.error is None
    assert run.metrics == {"_headline": "acc", "acc": 0.5, "epochs": 3}
    assert run.headline == "acc=0.5"
    assert run.seconds > 0
    assert run.executed_path == out / "01_pass.ipynb"
    executed = nbformat.read(run.executed_path, as_version=4)
    assert executed.cells[2].execution_count == 2
    assert source.read_bytes() == before
    assert (out / "01_pass.results.json").is_file()


def test_stale_results_are_removed(tmp_path: Path) -> None:
    source = write_notebook(tmp_path, "nb.ipynb", [new_code_cell("1 + 1")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "nb.results.json").write_text(json.dumps({"_headline": "old", "old": 1}))

    run = run_notebook(source, output_dir=out)

    assert run.ok, run.error
    assert run.metrics == {}
    assert run.headline is None


def test_failing_notebook_reports_cell_and_error(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_notebook(course / "02_fail.ipynb", output_dir=out)

    assert not run.ok
    assert run.error == "cell 2: ValueError: boom"
    assert "\n" not in run.error
    # The partially executed copy keeps the traceback; later cells did not run.
    executed = nbformat.read(out / "02_fail.ipynb", as_version=4)
    assert executed.cells[1].outputs[0].output_type == "error"
    assert executed.cells[2].execution_count is None


def test_run_course_goes_on_after_a_failure(course: Path, tmp_path: Path, capsys) -> None:
    status = main(["--notebook-dir", str(course), "--output-dir", str(tmp_path / "out")])
    printed = capsys.readouterr().out

    assert status == 1
    assert "[1/2] 01_pass.ipynb: ok" in printed
    assert "[2/2] 02_fail.ipynb: FAILED" in printed
    assert "| 01_pass.ipynb | ok | acc=0.5 |" in printed
    assert "| 02_fail.ipynb | FAILED | - |" in printed
    assert "- 02_fail.ipynb: cell 2: ValueError: boom" in printed
    assert "Total: 2 notebooks, 1 ok, 1 failed" in printed


def test_main_returns_0_when_all_pass(course: Path, tmp_path: Path, capsys) -> None:
    status = main(["01", "--notebook-dir", str(course), "--output-dir", str(tmp_path / "o")])
    assert status == 0
    assert "Total: 1 notebook, 1 ok, 0 failed" in capsys.readouterr().out


def test_cell_timeout(tmp_path: Path) -> None:
    source = write_notebook(
        tmp_path,
        "slow.ipynb",
        [new_code_cell("x = 1"), new_code_cell("import time\ntime.sleep(30)")],
    )
    run = run_notebook(source, output_dir=tmp_path / "out", timeout=2)

    assert not run.ok
    assert run.error == "timeout after 2 s in cell 2"
    assert run.seconds < 20
    assert run.executed_path is not None and run.executed_path.is_file()


def test_notebook_timeout(tmp_path: Path) -> None:
    source = write_notebook(
        tmp_path,
        "slow.ipynb",
        [new_code_cell("import time\ntime.sleep(0.5)"), new_code_cell("time.sleep(30)")],
    )
    run = run_notebook(source, output_dir=tmp_path / "out", timeout=60, notebook_timeout=4)

    assert not run.ok
    assert run.error == "notebook timeout after 4 s in cell 2"
    assert run.seconds < 20


def test_kernel_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    monkeypatch.setenv("COURSEWORK_DATA", str(tmp_path / "data"))
    source = write_notebook(
        tmp_path / "nbs",
        "env.ipynb",
        [
            new_code_cell(
                "import os, sys, coursework\n"
                "from coursework.results import record\n"
                "names = ['COURSEWORK_HEADLESS', 'MPLBACKEND', 'KERAS_BACKEND', "
                "'COURSEWORK_DATA', 'COURSEWORK_RESULTS', 'EXTRA']\n"
                "record(**{n: os.environ.get(n) for n in names}, cwd=os.getcwd(), "
                "package=coursework.__file__)"
            )
        ],
    )
    out = tmp_path / "out"
    run = run_notebook(source, output_dir=out, env={"EXTRA": "yes"})

    assert run.ok, run.error
    import coursework

    assert run.metrics["COURSEWORK_HEADLESS"] == "1"
    assert run.metrics["MPLBACKEND"] == "module://matplotlib_inline.backend_inline"
    assert run.metrics["KERAS_BACKEND"] == "tensorflow"
    assert run.metrics["COURSEWORK_DATA"] == str(tmp_path / "data")
    assert run.metrics["EXTRA"] == "yes"
    assert Path(run.metrics["COURSEWORK_RESULTS"]) == (out / "env.results.json").resolve()
    assert Path(run.metrics["cwd"]) == (tmp_path / "nbs").resolve()
    assert Path(run.metrics["package"]).resolve() == Path(coursework.__file__).resolve()


def test_subset_by_prefix(course: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    runs = run_course(["01"], notebook_dir=course, output_dir=tmp_path / "out", echo=lines.append)

    assert [run.name for run in runs] == ["01_pass.ipynb"]
    assert runs[0].ok, runs[0].error
    assert len(lines) == 1 and lines[0].startswith("[1/1] 01_pass.ipynb: ok")


def test_unknown_notebook_lists_available(course: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(ValueError, match="matches '07'.*01_pass.ipynb, 02_fail.ipynb"):
        run_course(["07"], notebook_dir=course, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()

    status = main(["07", "--notebook-dir", str(course), "--output-dir", str(tmp_path / "o")])
    assert status == 2
    assert "Available: 01_pass.ipynb, 02_fail.ipynb" in capsys.readouterr().err


def test_invalid_json_is_a_one_line_failure(tmp_path: Path) -> None:
    source = tmp_path / "broken.ipynb"
    source.write_text('{"cells": [')

    run = run_notebook(source, output_dir=tmp_path / "out")

    assert not run.ok
    assert run.error.startswith("not a valid notebook: ")
    assert "\n" not in run.error
    assert run.executed_path is None
    assert source.read_text() == '{"cells": ['


def test_unknown_kernel(tmp_path: Path) -> None:
    source = write_notebook(tmp_path, "nb.ipynb", PASSING)
    run = run_notebook(source, output_dir=tmp_path / "out", kernel_name="no-such-kernel")
    assert not run.ok
    assert run.error.startswith("no Jupyter kernel named 'no-such-kernel'")


def test_refuses_to_overwrite_the_source(tmp_path: Path) -> None:
    source = write_notebook(tmp_path, "nb.ipynb", PASSING)
    with pytest.raises(ValueError, match="overwrite the source"):
        run_notebook(source, output_dir=tmp_path)


def test_bad_timeout_is_rejected(tmp_path: Path) -> None:
    source = write_notebook(tmp_path, "nb.ipynb", PASSING)
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        run_notebook(source, output_dir=tmp_path / "out", timeout=0)


def test_format_table() -> None:
    runs = [
        NotebookRun("01_a.ipynb", Path("01_a.ipynb"), True, 12.34, headline="acc=0.8812"),
        NotebookRun("02_b.ipynb", Path("02_b.ipynb"), False, 1.0, error="cell 3: KeyError: 'x'"),
    ]
    assert format_table(runs) == (
        "| notebook | status | headline metric | seconds |\n"
        "|---|---|---|---:|\n"
        "| 01_a.ipynb | ok | acc=0.8812 | 12.3 |\n"
        "| 02_b.ipynb | FAILED | - | 1.0 |\n"
        "\n"
        "Total: 2 notebooks, 1 ok, 1 failed, 13.3 s\n"
        "\n"
        "Failures:\n"
        "- 02_b.ipynb: cell 3: KeyError: 'x'"
    )


def test_headline_has_four_significant_digits(tmp_path: Path) -> None:
    source = write_notebook(
        tmp_path,
        "nb.ipynb",
        [
            new_code_cell("from coursework.results import record"),
            new_code_cell('record(headline="acc", acc=0.881234)'),
        ],
    )
    run = run_notebook(source, output_dir=tmp_path / "out")
    assert run.headline == "acc=0.8812"


@pytest.mark.parametrize(
    ("args", "code", "stream", "text"),
    [
        ([], 2, "stderr", "COMMAND"),
        (["run", "--help"], 0, "stdout", "--notebook-timeout"),
        (["nope"], 2, "stderr", "invalid choice"),
    ],
)
def test_command_line(args: list[str], code: int, stream: str, text: str) -> None:
    repo_root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "coursework", *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == code
    assert text in getattr(done, stream)


def test_figures_land_in_the_executed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as CI exports it: the kernel still renders inline
    source = write_notebook(
        tmp_path / "nbs",
        "fig.ipynb",
        [new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()")],
    )
    run = run_notebook(source, output_dir=tmp_path / "out")
    assert run.ok, run.error
    executed = nbformat.read(run.executed_path, as_version=4)
    outputs = executed.cells[0].outputs
    assert any("image/png" in out.get("data", {}) for out in outputs)


def test_kernel_output_goes_to_a_log_shown_only_for_a_failure(tmp_path: Path, capfd) -> None:
    """What the kernel process itself prints (C libraries write to fd 2)
    lands in <stem>.stderr.log beside the executed copy, never on the
    terminal; a failed notebook's progress line quotes its last lines."""
    chatter = "import os\nos.write(2, b'I0000 native chatter\\n'); os.write(1, b'fd one\\n')"
    folder = tmp_path / "nbs"
    write_notebook(folder, "01_quiet.ipynb", [new_code_cell(chatter)])
    write_notebook(folder, "02_loud.ipynb", [new_code_cell(chatter), new_code_cell("raise ValueError('x')")])
    lines: list[str] = []
    runs = run_course(notebook_dir=folder, output_dir=tmp_path / "out", echo=lines.append)

    assert [run.ok for run in runs] == [True, False]
    for run in runs:
        assert run.kernel_log == tmp_path / "out" / f"{run.path.stem}.stderr.log"
        assert "I0000 native chatter" in run.kernel_log.read_text() and "fd one" in run.kernel_log.read_text()
    assert lines[0].startswith("[1/2] 01_quiet.ipynb: ok") and "\n" not in lines[0]
    assert lines[1].startswith("[2/2] 02_loud.ipynb: FAILED in ")
    assert f"last lines of the kernel's log {runs[1].kernel_log}:" in lines[1]
    assert "    I0000 native chatter" in lines[1]
    printed = capfd.readouterr()
    assert "native chatter" not in printed.out + printed.err
