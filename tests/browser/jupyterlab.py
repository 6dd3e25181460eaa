"""A throw-away JupyterLab server for the browser tests.

The server is a separate process (``python -m jupyterlab``), as a student
runs it, bound to 127.0.0.1 on a free port with a random token.  Everything
it writes outside the notebook folder (config, runtime files, workspaces,
user settings, IPython and matplotlib caches) goes to a temporary folder, so
a test run touches nothing outside it.

Why not ``pytest-jupyter``'s in-process ``jp_serverapp``: it runs the server
on the test's own event loop, while Playwright's sync API drives the browser
from the same thread; a subprocess keeps the two apart and is the set-up a
student actually has.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["JupyterLab", "student_environment"]

#: Variables a student's shell does not have: CI's headless settings would
#: turn the live figures off (``coursework.callbacks.is_headless``), hide the
#: inline backend (``MPLBACKEND=Agg``) or silence TensorFlow before the
#: notebook's own setup cell gets the chance to.  pytest's own
#: ``PYTEST_CURRENT_TEST`` goes too (every ``PYTEST_*``): with it set,
#: ipykernel does not forward what the kernel's libraries write to file
#: descriptor 2, so TensorFlow's C++ messages, the red boxes a student sees,
#: would be invisible to the test.
_NOT_IN_A_STUDENT_SHELL = (
    "COURSEWORK_HEADLESS",
    "COURSEWORK_GRADING",
    "MPLBACKEND",
    "TF_CPP_MIN_LOG_LEVEL",
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_PATH",
)


def student_environment(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server (and so of its kernels): this process's,
    without CI-only variables, with every Jupyter/IPython/matplotlib folder
    under ``home``."""
    env = {
        k: v for k, v in os.environ.items()
        if k not in _NOT_IN_A_STUDENT_SHELL and not k.startswith("PYTEST_")
    }
    folders = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / "jupyter-config",
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
    }
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.update(extra or {})
    return env


#: JupyterLab user settings for the test: the news prompt ("Would you like to
#: get notified about official Jupyter news?") would cover the notebook in
#: every screenshot and asks the closed network for news.
_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLab:
    """``with JupyterLab(root, home) as lab:`` serves ``root`` at ``lab.url``.

    Parameters
    ----------
    root : Path
        The folder JupyterLab serves (its file browser root and the kernels'
        working directory for notebooks in it).
    home : Path
        A temporary folder for everything else the server writes; its log
        is ``home / "jupyterlab.log"``.
    env : dict, optional
        Extra environment variables for the server and its kernels.
    """

    def __init__(self, root: Path, home: Path, *, env: dict[str, str] | None = None) -> None:
        self.root, self.home = Path(root), Path(home)
        self.env = student_environment(self.home, env)
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.log_path = self.home / "jupyterlab.log"
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        """The address that opens ``root / name`` alone in JupyterLab, token included
        (``reset``: a fresh workspace, so the previous notebook is not reopened)."""
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "jupyterlab",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--ServerApp.open_browser=False", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.allow_root=True", "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class="
            "jupyterlab.NeverCheckForUpdate",  # no network calls from the lab
            f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
            f"--LabApp.user_settings_dir={self.home / 'user-settings'}",
        ]

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until its REST API answers."""
        for name, settings in _USER_SETTINGS.items():
            path = self.home / "user-settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                self._command(), cwd=self.root, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with status {self._process.returncode} while starting; "
                    f"its log:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s; its log:\n{self.log()}")

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server and its kernels (SIGTERM to its process group, then SIGKILL)."""
        if self._process is None or self._process.poll() is not None:
            return
        group = os.getpgid(self._process.pid)
        os.killpg(group, signal.SIGTERM)  # the server shuts its kernels down
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(group, signal.SIGKILL)  # any kernel left behind
        except ProcessLookupError:
            pass
        self._process.wait()

    def log(self, last: int = 4000) -> str:
        """The end of the server's log (to quote in a failure message)."""
        try:
            return self.log_path.read_text(errors="replace")[-last:]
        except OSError:
            return "<no log>"

    def __enter__(self) -> JupyterLab:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
