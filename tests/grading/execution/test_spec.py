"""spec: what crosses the worker's process boundary, as JSON."""

from __future__ import annotations

from coursework.grading.execution.spec import (
    GIB,
    Limits,
    SandboxSpec,
    WorkerReport,
    WorkerSpec,
)


def test_worker_protocol_round_trips():
    spec = WorkerSpec(root="/r", assignment="a", student="s", runtime="/t", scratch="/w", report="/p",
                      kernel_log="/k", limits=Limits(memory=GIB), sandbox=SandboxSpec("bwrap", ("/usr",), uid=7),
                      env={"A": "1"}, judge_context="/c.json", kernel_pid_file="/r/kernel.pid", cell_file="/r/cell")
    assert WorkerSpec.from_json(spec.to_json()) == spec
    report = WorkerReport(True, ("e",), 4, 123)
    assert WorkerReport.from_json(report.to_json()) == report
    assert Limits(memory=3 * GIB).memory_text() == "3 GB" and Limits(memory=GIB // 2).memory_text() == "512 MB"
