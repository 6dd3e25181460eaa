"""The student course: everything students need, nothing a solution could be
recovered from.  ``python -m coursework release --bundle DIR`` writes::

    DIR/README.md             for students (how to open, answer, submit)
    DIR/notebooks/NN_*.ipynb  the student versions (release.py)
    DIR/coursework/           the course package, its grader included
    DIR/coursework/grading/templates/NN_*.ipynb   the same student versions,
                              untouched: what ``python -m coursework check`` grades against
    DIR/data/README.md        the offline data mirror's layout
    DIR/pyproject.toml, environment.yml, ci/constraints.txt, scripts/setup.sh
    DIR/.coursework-bundle    marks the folder as written by this command

The instructor publishes ``DIR`` as the students' repository
(``coursework.config.STUDENT_REPOSITORY_URL``; every mention of the
instructor's repository in the copied files is replaced by it, so Colab's
badges open it and the setup cell installs the package from it) and keeps
the instructor's repository, with ``notebooks/``, private.  The grader
ships, for the students' self-check (:mod:`~coursework.grading.check`): it
holds no solution and no hidden test (a submission may know the grader's
code anyway, see the threat model), and the check grades against the
released notebooks alone.  ``tests/grading/distribution/test_bundle.py`` checks that no
file of the bundle holds a solution or hidden-test marker or any line of a
solution or hidden test, and that ``check`` works in the bundle on its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from ..._kernels import package_root
from ...config import STUDENT_REPOSITORY_URL
from .._course_dir import retarget
from .student_versions import release

__all__ = ["MARKER", "REPOSITORY_FILES", "write_bundle"]

MARKER = ".coursework-bundle"
#: Files of the instructor's repository copied as they are (URLs retargeted).
REPOSITORY_FILES = ("pyproject.toml", "environment.yml", "ci/constraints.txt", "scripts/setup.sh", "data/README.md")
#: Parts of the package students do not get (the check's templates are
#: written afresh).
_LEFT_OUT = ("grading/templates",)
_TEXT = {".py", ".json", ".toml", ".yml", ".yaml", ".txt", ".md", ".sh", ".cfg"}

README = """# {title}

The notebooks of the course, for students. Open them on Colab with the badge
at the top of each one, or in Jupyter:

```bash
git clone {url}
cd {name}
bash scripts/setup.sh            # a .venv with the course package (about a minute)
.venv/bin/jupyter lab notebooks/
```

The data sets come from the internet the first time a notebook needs them;
without internet, point `COURSEWORK_DATA` at an offline copy laid out as in
`data/README.md`.

## Exercises

Each exercise has an answer cell that says
`raise NotImplementedError("replace this line with your answer")`: replace
that line with your code. The locked cell after it holds tests you can run
to check your answer; the grader runs a few more. Run the whole notebook
from the top (Kernel -> Restart & Run All) before you submit it: the
lesson runs through, only unanswered exercises fail.

When grading, every notebook runs in a sandbox, with less data and fewer
epochs, in a fresh kernel; answer cells must not change how the notebook
itself runs (IPython's hooks and magics, the interpreter's trace functions,
other modules' functions): the grader refuses such a cell and the tests after
it score 0.

## Check your work before you submit

The last cell of each notebook checks it as the grader will: it runs the
notebook again from the top in a fresh kernel, with the grader's own code
(the sandbox where your machine has one, grading mode, the time and memory
limits, the scoring), and prints each exercise's points and, for a failing
test, the reason the gradebook would give. It has the visible tests only:
the grader also runs hidden tests, so passing here is necessary, not
sufficient. A test that fails here fails in grading too. From a terminal:

```bash
.venv/bin/python -m coursework check 03                   # notebooks/03_*.ipynb
.venv/bin/python -m coursework check ~/Downloads/03_pima_diabetes.ipynb
```

It exits with status 1 when a visible test fails. What it can see:

* **Jupyter**: the copy of the notebook saved on disk, not what is in your
  browser: save first (Ctrl+S). It says when the copy it checked was saved.
* **Colab**: the notebook as it is in your browser now (Colab hands it to
  the cell; this relies on a private Colab call that may change). Checking
  needs nbgrader on the Colab machine: the cell says to run
  `%pip install -q 'nbgrader>=0.9.5,<0.10'` first (about a minute; it adds
  Jupyter packages to the Colab machine, so if Colab then asks to restart the
  session, do so and run the notebook again). If Colab cannot hand the
  notebook over, download it and check it in a terminal.
* **Without bubblewrap** (macOS, Colab, Linux without `bubblewrap`
  installed) the check runs your notebook without the sandbox, and says so:
  it is your own code on your own machine. A notebook that reads files or the
  network outside the course's data sets may then pass here and fail in the
  grader's sandbox. Windows: use WSL.
* The data sets: the sandbox has no network, so it uses what your earlier
  runs downloaded (`~/.coursework/datasets`, or `COURSEWORK_DATA`); run the
  notebook once normally first.
* A full check takes about as long as grading: 15 s to a minute per notebook.

## Submitting

Download your notebook as `.ipynb` (Jupyter: File -> Download; Colab: File ->
Download -> Download .ipynb), keep its name, and upload it where your
instructor says.
"""


def _clear(bundle: Path) -> None:
    """Empty a previous bundle (keeping ``.git``), or refuse another folder."""
    if not bundle.exists():
        bundle.mkdir(parents=True)
        return
    entries = [p for p in bundle.iterdir() if p.name != ".git"]
    if entries and not (bundle / MARKER).is_file():
        raise ValueError(
            f"{bundle} is not empty and was not written by `release --bundle` (no {MARKER} file). "
            "Pass a new folder, or the folder of a previous bundle."
        )
    for entry in entries:
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix in _TEXT or source.name in ("setup.sh",):
        target.write_text(retarget(source.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        shutil.copyfile(source, target)
    shutil.copymode(source, target)
    return target


def _package_files(package: Path) -> list[Path]:
    return sorted(
        p for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        and not any(p.relative_to(package).as_posix().startswith(part + "/") for part in _LEFT_OUT)
    )


def write_bundle(
    bundle_dir: str | os.PathLike[str],
    *,
    notebook_dir: str | os.PathLike[str] = "notebooks",
    notebooks: Iterable[str] | None = None,
) -> list[Path]:
    """Write the student course to ``bundle_dir``; returns the files written.

    Raises
    ------
    ValueError
        The package is not a source checkout, ``bundle_dir`` is the
        repository (or holds it), or it is a non-empty folder that a previous
        bundle did not write.
    FileNotFoundError, ReleaseError
        As :func:`~coursework.grading.distribution.student_versions.release`.
    """
    root = package_root()
    if root is None or not (root / "pyproject.toml").is_file():
        raise ValueError("release --bundle copies the course's files: run it from a source checkout.")
    bundle = Path(bundle_dir).resolve()
    if bundle == root or bundle in root.parents:
        raise ValueError(f"{bundle} holds the instructor's repository: pass a folder of its own.")
    _clear(bundle)
    written = release(notebooks, notebook_dir=notebook_dir, output_dir=bundle / "notebooks")
    templates = bundle / "coursework" / "grading" / "templates"
    for path in list(written):
        written.append(_copy(path, templates / path.name))
    for source in _package_files(root / "coursework"):
        written.append(_copy(source, bundle / "coursework" / source.relative_to(root / "coursework")))
    for name in REPOSITORY_FILES:
        if (root / name).is_file():
            written.append(_copy(root / name, bundle / name))
    name = STUDENT_REPOSITORY_URL.rstrip("/").rsplit("/", 1)[-1]
    readme = README.format(title="Deep learning with Keras: the course notebooks", url=STUDENT_REPOSITORY_URL,
                           name=name)
    (bundle / "README.md").write_text(readme, encoding="utf-8")
    (bundle / MARKER).write_text("Written by `python -m coursework release --bundle`; do not edit by hand.\n")
    return written + [bundle / "README.md", bundle / MARKER]
