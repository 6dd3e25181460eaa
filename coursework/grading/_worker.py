"""Autograde ONE submission: ``python -m coursework.grading._worker SPEC.json``.

The ``grade`` command runs this module in a subprocess per submission so
that it can enforce a wall-clock limit per notebook and survive anything
the student's code does (the kernel is a child of this process).  SPEC.json
holds::

    {"root": course directory, "assignment": id, "student": id,
     "cell_timeout": seconds, "max_output_chars": int}

The course directory already holds ``gradebook.db`` (from
``generate_assignment`` on the source notebook) and the submission under
``submitted/<student>/<assignment>/``.  nbgrader's ``Autograde`` converter
runs with its usual preprocessors, except that ``Execute`` is replaced by
:class:`~coursework.grading._preprocessors.GradingExecute` and
:class:`~coursework.grading._preprocessors.LimitOutputSize` follows
``LimitOutput``.  The scores go to the gradebook, the executed notebook to
``autograded/``; the parent reads both.  nbgrader's log goes to stdout.

Exit status: 0 when nbgrader finished, 1 when it gave up (the log says why).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def autograde(spec: dict) -> int:
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute, LimitOutput

    from ._course_dir import NbgraderLog, nbgrader_config
    from ._preprocessors import GradingExecute, LimitOutputSize

    root = Path(spec["root"])
    config = nbgrader_config(
        root,
        CourseDirectory={"assignment_id": spec["assignment"], "student_id": spec["student"]},
        GradingExecute={
            "timeout": int(spec["cell_timeout"]),
            "progress_dir": str(root),
            # keep ipykernel's start-up chatter out of the log
            "extra_arguments": ["--IPKernelApp.log_level=ERROR"],
        },
        LimitOutputSize={"max_chars": int(spec["max_output_chars"])},
    )
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
            status = 0
        except Exception as exc:  # NbGraderException: the reason is in the log
            log.logger.error("%s: %s", type(exc).__name__, exc)
            status = 1
    sys.stdout.write(log.text)
    sys.stdout.write("".join(f"AUTOGRADE ERROR: {line}\n" for line in log.errors()))  # see grade._failure
    sys.stdout.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m coursework.grading._worker SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text())
    return autograde(spec)


if __name__ == "__main__":
    sys.exit(main())
