"""Autograde ONE submission: ``python -m coursework.grading._worker SPEC.json``.

The "run one submission" stage (:mod:`coursework.grading.run`) starts this
module in a subprocess of its own, so that it can enforce a wall-clock limit
per notebook and survive anything that happens to nbgrader.  SPEC.json is a
:class:`~coursework.grading.spec.WorkerSpec`: the private course directory
already holds ``gradebook.db`` (from ``generate_assignment`` on the source
notebook) and the submission under ``submitted/<student>/<assignment>/``.

This process is the kernel's *driver* and stays outside the sandbox (it
holds the gradebook and the hidden tests); the kernel it starts runs inside
(:class:`~coursework.grading._kernel_manager.GradingKernelManager`).
nbgrader's ``Autograde`` converter runs with its usual preprocessors, except
that ``Execute`` is replaced by
:class:`~coursework.grading._preprocessors.GradingExecute` and
:class:`~coursework.grading._preprocessors.LimitOutputSize` follows
``LimitOutput``.  The scores go to the gradebook, the executed notebook to
``autograded/``, a :class:`~coursework.grading.spec.WorkerReport` to
``spec.report``; nbgrader's log goes to stdout.

Exit status: 0 when nbgrader finished, 1 when it gave up (the report says why).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .sandbox import JUDGE_UID_OFFSET
from .spec import WorkerReport, WorkerSpec

# jsonschema (imported by nbformat) imports rfc3987_syntax when installed
# (jupyter-events pulls it in), which builds a Lark parser at import: 2-5 s
# per worker.  Neither nbformat nor nbgrader validates the "iri" formats it
# serves, so it is kept out (jsonschema treats it as not installed).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def die_with_parent() -> None:
    """Be killed when the parent process (thread) ends (Linux), so a grader
    or Dask worker that dies leaves no worker behind; the sandboxed kernel
    then dies too (bubblewrap's ``--die-with-parent``)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent was already gone
        os._exit(1)


def _config(spec: WorkerSpec, spec_path: Path):  # -> traitlets Config
    from ._course_dir import nbgrader_config

    uid = spec.sandbox.uid if spec.sandbox is not None else None
    return nbgrader_config(
        Path(spec.root),
        CourseDirectory={"assignment_id": spec.assignment, "student_id": spec.student},
        GradingExecute={
            "timeout": int(spec.limits.cell_timeout),
            "progress_dir": str(spec.root),
            "extra_arguments": ["--IPKernelApp.log_level=ERROR"],  # start-up chatter stays out
            "spec_file": str(spec_path),
            "judge_uid": -1 if uid is None else uid + JUDGE_UID_OFFSET,
            "memory_text": spec.limits.memory_text(),
        },
        GradingKernelManager={"spec_file": str(spec_path)},
        LimitOutputSize={"max_chars": int(spec.limits.max_output_chars)},
    )


def autograde(spec: WorkerSpec, spec_path: Path) -> WorkerReport:
    """Run nbgrader's autograde on the submission; never raises."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute, LimitOutput

    from ._course_dir import NbgraderLog
    from ._preprocessors import FINDINGS, GradingExecute, LimitOutputSize

    config = _config(spec, spec_path)
    with NbgraderLog() as log:
        coursedir = CourseDirectory(config=config, log=log.logger)
        converter = Autograde(coursedir=coursedir, config=config, log=log.logger)
        converter.force = True
        preprocessors = []
        for pp in converter.autograde_preprocessors:
            preprocessors.append(GradingExecute if pp is Execute else pp)
            if pp is LimitOutput:
                preprocessors.append(LimitOutputSize)
        converter.autograde_preprocessors = preprocessors
        try:
            converter.start()
            finished = True
        except Exception as exc:  # NbGraderException: the reason is in the log
            log.logger.error("%s: %s", type(exc).__name__, exc)
            finished = False
    sys.stdout.write(log.text)
    sys.stdout.flush()
    return WorkerReport(
        finished=finished,
        errors=tuple(log.errors()),
        memory_exceeded_cell=FINDINGS.get("memory_exceeded_cell"),
        peak_memory=int(FINDINGS.get("peak_memory", 0)),
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m coursework.grading._worker SPEC.json", file=sys.stderr)
        return 2
    die_with_parent()
    spec_path = Path(argv[0])
    spec = WorkerSpec.from_json(spec_path.read_text())
    report = autograde(spec, spec_path)
    Path(spec.report).write_text(report.to_json())
    return 0 if report.finished else 1


if __name__ == "__main__":
    sys.exit(main())
