"""The sandbox's set-up, without a class: what bubblewrap is told, what the
kernel's environment keeps, the refusal without bubblewrap, ``--no-sandbox``."""

from __future__ import annotations

import os

import pytest

from coursework.__main__ import main as cli
from coursework.grading import SandboxUnavailable, grade_submissions
from coursework.grading.execution import sandbox as sandbox_module
from coursework.grading.report import NO_SANDBOX_NOTE
from coursework.grading.execution.sandbox import HOME, bwrap_argv, kernel_environment, sandbox_spec, shim_argv
from coursework.grading.execution.spec import Limits, SandboxSpec
from tests.grading import synthetic
from tests.grading.conftest import SANDBOX_PROBLEM, needs_sandbox


@needs_sandbox
def test_the_sandbox_works_here():
    """Wherever bubblewrap is installed, and always in CI: a missing or
    broken bubblewrap fails here, with the reason, instead of skipping."""
    assert SANDBOX_PROBLEM is None, SANDBOX_PROBLEM


def test_bwrap_command_line(tmp_path):
    spec = SandboxSpec("/usr/bin/bwrap", ("/usr", "/opt/venv", "/data/mirror"), ("/lib=usr/lib",), uid=200_001)
    argv = bwrap_argv(spec, runtime=tmp_path / "rt", etc=tmp_path / "etc", limits=Limits(scratch=2**20))
    text = " ".join(argv)
    for flag in ("--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc"):
        assert flag in argv
    for path in spec.read_only:
        assert f"--ro-bind {path} {path}" in text
    assert "--symlink usr/lib /lib" in text
    assert f"--bind {tmp_path / 'rt'} {tmp_path / 'rt'}" in text
    assert f"--size 1048576 --perms 1777 --tmpfs {HOME}" in text and "--tmpfs /tmp" in text
    assert text.endswith(f"--remount-ro /dev --remount-ro / --chdir {HOME} --")
    assert "--cap-add CAP_SETUID" in text and "--unshare-user" not in argv  # as root: the shim drops to uid 200001
    unprivileged = bwrap_argv(SandboxSpec("bwrap", ("/usr",), disable_userns=True), runtime=tmp_path, etc=tmp_path,
                              limits=Limits())
    assert "--unshare-user" in unprivileged and "--disable-userns" in unprivileged
    shim = shim_argv(spec, Limits(max_processes=64))
    assert "RLIMIT_NPROC=64" in shim and "uid=200001" in shim and shim[-1] == "--"


def test_kernel_environment_keeps_only_what_a_kernel_needs():
    env = {"PATH": "/bin", "HOME": "/root", "GITHUB_TOKEN": "secret", "AWS_SECRET_ACCESS_KEY": "x",
           "COURSEWORK_DATA": "/data", "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "2", "LC_ALL": "C"}
    kept = kernel_environment(env, {"EXTRA": "1"})
    assert "GITHUB_TOKEN" not in kept and "AWS_SECRET_ACCESS_KEY" not in kept
    assert kept["HOME"] == HOME and kept["EXTRA"] == "1" and kept["COURSEWORK_DATA"] == "/data"
    assert kept["KERAS_BACKEND"] == "jax" and kept["LC_ALL"] == "C" and kept["PATH"] == "/bin"


def test_grade_refuses_without_bubblewrap(course, tmp_path, monkeypatch, capsys):
    notebook_dir, _, released = course
    folder = synthetic.write_submissions(tmp_path / "subs", {"ann": synthetic.answered(released)})
    monkeypatch.setattr(sandbox_module.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="sudo apt-get install bubblewrap"):
        sandbox_spec(os.environ)
    assert cli(["grade", str(folder), "--notebook-dir", str(notebook_dir), "--output", str(tmp_path / "g.csv")]) == 2
    err = capsys.readouterr().err
    assert "bubblewrap (`bwrap`) is not installed" in err and "--no-sandbox" in err
    assert not (tmp_path / "g.csv").exists()


@pytest.mark.slow
def test_no_sandbox_grades_with_a_warning(course, tmp_path, capsys):
    notebook_dir, _, released = course
    folder = synthetic.write_submissions(tmp_path / "subs", {"ann": synthetic.answered(released)})
    out = tmp_path / "g.csv"
    assert cli(["grade", str(folder), "--notebook-dir", str(notebook_dir), "--output", str(out), "--no-sandbox",
                "--graded-dir", "", "--cell-timeout", "10"]) == 0
    assert "WARNING: graded without the sandbox" in capsys.readouterr().out
    assert NO_SANDBOX_NOTE in out.read_text() and ",6,6,ok," in out.read_text()


@needs_sandbox
def test_the_probe_builds_a_sandbox_here():
    spec = sandbox_spec(os.environ)
    assert "/usr" in spec.read_only and any(p.endswith("coursework") for p in spec.read_only)
    assert (spec.uid is not None) == (os.geteuid() == 0)


def test_grade_submissions_sandbox_argument(course, tmp_path, monkeypatch):
    notebook_dir, _, released = course
    folder = synthetic.write_submissions(tmp_path / "subs", {"ann": synthetic.answered(released)})
    monkeypatch.setattr(sandbox_module.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable):
        grade_submissions(folder, notebook_dir=notebook_dir, echo=None)
