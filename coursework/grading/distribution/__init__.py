"""Distributing the course to students: the room that owns what students get.

:mod:`~coursework.grading.distribution.student_versions` runs nbgrader's
``generate_assignment`` on the instructor's notebooks (``release``: the
student versions, solutions and hidden tests out);
:mod:`~coursework.grading.distribution.bundle` writes the whole student course
to publish (``write_bundle``: the student versions, the package, its
templates and a README).  The command line is :mod:`coursework.commands.release`.

Nothing here imports the grading stages or the execution room; the
temporary nbgrader course directory both rooms use is
:mod:`coursework.grading._course_dir`.
"""

from __future__ import annotations

from .bundle import MARKER, write_bundle
from .student_versions import STUDENT_BUILD, release

__all__ = ["MARKER", "STUDENT_BUILD", "release", "write_bundle"]
