"""worker: the progress files the spec names."""

from __future__ import annotations

from coursework.grading.execution.spec import WorkerSpec


def test_the_worker_writes_its_progress_where_the_spec_says(tmp_path):
    from coursework.grading.execution.preprocessors import GradingExecute
    from coursework.grading.execution.worker import _config

    spec = WorkerSpec(root=str(tmp_path), assignment="a", student="s", runtime="/t", scratch="/w", report="/p",
                      kernel_log="/k", kernel_pid_file=str(tmp_path / "pid"), cell_file=str(tmp_path / "cell"))
    execute = GradingExecute(config=_config(spec, tmp_path / "spec.json"))
    assert (execute.kernel_pid_file, execute.cell_file) == (spec.kernel_pid_file, spec.cell_file)
    execute._write_progress(execute.cell_file, 6)
    execute._write_progress("", 7)  # no file named: nothing written
    assert (tmp_path / "cell").read_text() == "6\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell"]
