"""The command lines, one module each: options, messages and exit codes only.

``python -m coursework COMMAND`` (:mod:`coursework.__main__`) imports the
module of its command and calls its ``main(argv) -> int``:
:mod:`~coursework.commands.run` (the course, headless:
:mod:`coursework.runner`), :mod:`~coursework.commands.grade` (the pipeline:
:mod:`coursework.grading.grade`), :mod:`~coursework.commands.release`
(:mod:`coursework.grading.distribution`) and :mod:`~coursework.commands.check`
(the self-check: :mod:`coursework.grading.check`).  The work is done by the
modules they call; nothing in the package imports a command.
"""
