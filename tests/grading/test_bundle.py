"""``python -m coursework release --bundle DIR``: the student course holds
no solution, no hidden test, nothing either could be recovered from, and
its self-check (``python -m coursework check``) works on its own."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from coursework.config import REPOSITORY_URL, STUDENT_REPOSITORY_URL
from coursework.grading.bundle import MARKER, write_bundle
from tests.conftest import REPO_ROOT
from tests.grading.conftest import needs_sandbox
from tests.leaks import leaks, secret_lines

REAL = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundle") / "course"
    written = write_bundle(root, notebook_dir=REPO_ROOT / "notebooks")
    return root, written


def test_bundle_layout(bundle):
    root, written = bundle
    assert sorted(p.name for p in (root / "notebooks").iterdir()) == [p.name for p in REAL]
    assert (root / "coursework" / "__init__.py").is_file() and (root / "README.md").is_file()
    templates = root / "coursework" / "grading" / "templates"
    assert sorted(p.name for p in templates.iterdir()) == [p.name for p in REAL], "the check's templates"
    for path in REAL:
        assert (templates / path.name).read_bytes() == (root / "notebooks" / path.name).read_bytes()
    for name in ("pyproject.toml", "environment.yml", "ci/constraints.txt", "scripts/setup.sh", "data/README.md",
                 MARKER):
        assert (root / name).is_file(), name
    assert not list(root.rglob("__pycache__")) and all(p.is_file() for p in written)


def test_bundle_holds_no_marker_and_no_line_of_a_solution(bundle):
    root, _ = bundle
    secrets = secret_lines(REAL)
    assert len(secrets) > 50, "the scan must have something to look for"
    assert leaks(root, secrets) == []


def test_bundle_points_at_the_students_repository(bundle):
    root, _ = bundle
    for path in [root / "pyproject.toml", root / "coursework" / "config.py", *sorted((root / "notebooks").iterdir())]:
        text = path.read_text()
        assert re.search(re.escape(REPOSITORY_URL) + r"(?![\w.-])", text) is None, path.name
    assert STUDENT_REPOSITORY_URL in (root / "pyproject.toml").read_text()
    assert STUDENT_REPOSITORY_URL in (root / "README.md").read_text()


def _in_bundle(root, code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``code`` with the bundle's package (not this checkout's editable install)."""
    prelude = "import sys; sys.meta_path = [f for f in sys.meta_path if 'editable' not in getattr(f, '__module__', '')]; "
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=root, capture_output=True, text=True,
                          timeout=timeout, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_bundle_package_imports_and_checks_against_its_own_templates(bundle):
    root, _ = bundle
    done = _in_bundle(root, "import coursework, coursework.config as c; print(coursework.__file__, c.REPOSITORY_URL)")
    assert done.stdout.split() == [str(root / "coursework" / "__init__.py"), STUDENT_REPOSITORY_URL], done.stderr
    done = _in_bundle(root, "from coursework.grading.check import TEMPLATES; print(TEMPLATES)")
    assert done.stdout.strip() == str(root / "coursework" / "grading" / "templates"), done.stderr


@needs_sandbox
@pytest.mark.slow
def test_check_runs_in_the_student_course_without_the_sources():
    """The student's own check, in a bundle of notebook 01 alone (outside
    /tmp: the sandbox's /tmp is a fresh tmpfs), on the unanswered notebook."""
    root = REPO_ROOT / "build" / "test-bundle-check"
    shutil.rmtree(root, ignore_errors=True)
    try:
        write_bundle(root, notebook_dir=REPO_ROOT / "notebooks", notebooks=[REAL[0].name])
        run = _in_bundle(root, "import runpy; sys.argv = ['coursework', 'check', '01']; "
                               "runpy.run_module('coursework', run_name='__main__')", timeout=400)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "not answered: NotImplementedError" in run.stdout
    assert "the grader also runs hidden tests" in run.stdout and "without the sandbox" not in run.stdout


def test_rewriting_a_bundle_keeps_git_and_refuses_other_folders(tmp_path):
    root = tmp_path / "course"
    write_bundle(root, notebook_dir=REPO_ROOT / "notebooks", notebooks=[REAL[0].name])
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "stale.txt").write_text("old")
    write_bundle(root, notebook_dir=REPO_ROOT / "notebooks", notebooks=[REAL[0].name])
    assert (root / ".git" / "HEAD").is_file() and not (root / "stale.txt").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "thesis.tex").write_text("mine")
    with pytest.raises(ValueError, match="not written by `release --bundle`"):
        write_bundle(tmp_path / "other", notebook_dir=REPO_ROOT / "notebooks")
    with pytest.raises(ValueError, match="instructor's repository"):
        write_bundle(REPO_ROOT, notebook_dir=REPO_ROOT / "notebooks")
