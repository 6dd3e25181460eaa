"""Running one submission under its limits: the room that owns execution.

:mod:`~coursework.grading.execution.run` (``run_submission(Job) -> Outcome``)
lays out a private nbgrader course folder and starts a worker
(:mod:`~coursework.grading.execution.warm` forks it from a process with
nbgrader imported, else :mod:`~coursework.grading.execution.worker` starts
cold); the worker runs nbgrader's ``autograde`` with the course's
preprocessors (:mod:`~coursework.grading.execution.preprocessors`: the
per-cell timeout, the kernel's death, the judge), the student's kernel in a
bubblewrap sandbox (:mod:`~coursework.grading.execution.kernel_manager`,
:mod:`~coursework.grading.execution.sandbox`), its memory watched from
outside (:mod:`~coursework.grading.execution.watch`), its CPU shared
(:mod:`~coursework.grading.execution.cpu_share`).  Test cells run in the
judge (:mod:`~coursework.grading.execution.judge`), never in the kernel.
:mod:`~coursework.grading.execution.cluster` runs the same ``run_submission``
on Dask workers; :mod:`~coursework.grading.execution.spec` holds what
crosses a process boundary.

Nothing here imports the grading stages or the commands; the stages import
this room.
"""
