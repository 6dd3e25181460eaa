"""The sandbox of a graded kernel: bubblewrap, plus limits set inside it.

Each submission's kernel runs under ``bwrap`` (https://github.com/containers/
bubblewrap), which builds the sandbox out of Linux namespaces, unprivileged
where user namespaces are allowed and as root in CI:

* **Files.** A new, empty root (read-only), with read-only binds of the
  system's ``/usr`` (libraries), the Python environment, the course package
  and the data mirror at their own paths; a private ``/tmp``, home
  (``/home/student``, the working folder) and ``/dev/shm`` of bounded size;
  the kernel's runtime folder (connection file, sockets).  The instructor's
  notebooks, the gradebook with the hidden tests, the other submissions,
  the graded-output folder and the home folder are simply not there.
* **Network.** A network namespace of its own (only a loopback).  The kernel
  talks to its driver through ZeroMQ's ``ipc`` transport: Unix sockets in
  the runtime folder, which reach across network namespaces.  So the
  nbgrader driver stays *outside*: it holds the gradebook, which the kernel
  must neither read (hidden tests) nor write (scores), and student code
  cannot signal or trace it (separate PID namespace).
* **Processes.** A PID namespace of its own (the kernel sees only its own
  processes; when bubblewrap dies, all of them die), ``--die-with-parent``,
  ``--new-session`` (no terminal injection), ``RLIMIT_NPROC`` set inside.
* **Privileges.** Unprivileged: the instructor's own uid in a user namespace
  that cannot create further ones (``--disable-userns``).  As root: the shim
  drops to an unprivileged uid of the submission's own before the kernel
  starts (so ``RLIMIT_NPROC``, which root ignores, applies), with
  ``no_new_privs`` set by bubblewrap.

Memory is watched from outside (:mod:`coursework.grading.watch`).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from .._kernels import package_root
from ..config import DATA_ENV
from .spec import Limits, SandboxSpec

__all__ = ["HOME", "INSTALL_HINT", "SandboxUnavailable", "sandbox_spec", "bwrap_argv", "shim_argv",
           "kernel_environment", "write_etc",
           "FIRST_UID", "UID_RANGE", "JUDGE_UID_OFFSET", "fresh_uid"]

#: First uid of the sandboxed kernels when grading as root: each submission
#: draws a fresh one from FIRST_UID + [0, UID_RANGE), so nothing a kernel
#: leaves under its uid (a kernel keyring, say) is met by a later one.
FIRST_UID = 200_000
UID_RANGE = 2**24
_USED_UIDS: set[int] = set()
_UID_LOCK = threading.Lock()
#: The judge's uid is its kernel's plus this: above every kernel's, never the kernel's own.
JUDGE_UID_OFFSET = 2**25

#: The kernel's home and working folder inside the sandbox.
HOME = "/home/student"
INSTALL_HINT = (
    "Install bubblewrap: `sudo apt-get install bubblewrap` (Debian, Ubuntu), "
    "`sudo dnf install bubblewrap` (Fedora), `sudo pacman -S bubblewrap` (Arch). "
    "On macOS or Windows, grade in a Linux virtual machine or container. "
    "To grade without a sandbox anyway (student code then runs with your privileges "
    "and can read your files), pass --no-sandbox."
)
#: Environment variables a sandboxed kernel inherits (plus the caller's extras).
_PASSED = ("PATH", "LANG", "LANGUAGE", "TZ", "PYTHONPATH", "PYTHONHASHSEED", "PYTHONUNBUFFERED",
           "MPLBACKEND", "KERAS_BACKEND", "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "XLA_FLAGS",
           "NBGRADER_EXECUTION")
_PASSED_PREFIXES = ("LC_", "COURSEWORK_", "TF_", "KERAS_", "JAX_", "MKL_", "OPENBLAS_")
_SYSTEM_LINKS = ("/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime")
#: Run by the sandbox's Python before the kernel: limits, then the uid.
SHIM = """
import os, resource, sys
args = sys.argv[1:]
cut = args.index("--")
opts = dict(a.split("=", 1) for a in args[:cut])
for name, value in opts.items():
    if name.startswith("RLIMIT_"):
        resource.setrlimit(getattr(resource, name), (int(value), int(value)))
if "uid" in opts:
    os.setgroups([])
    os.setgid(int(opts["uid"]))
    os.setuid(int(opts["uid"]))
os.environ.pop("JPY_PARENT_PID", None)  # its parent is the sandbox's init: ipykernel would exit
os.execv(args[cut + 1], args[cut + 1:])
"""


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot build a sandbox here (the message says
    why and how to install it)."""


def _python_paths() -> list[str]:
    """Folders of the Python environment and the course package."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths.add(str(Path(sys.executable).parent))
    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    if user_site and user_site in sys.path and Path(user_site).is_dir():
        paths.add(user_site)
    root = package_root()
    paths.add(str((root / "coursework") if root else Path(__file__).resolve().parents[1]))
    for path in list(paths):
        paths.add(os.path.realpath(path))
    return sorted(paths)


def _unique(paths: list[str]) -> tuple[str, ...]:
    """Existing folders, without those inside another one of them."""
    kept: list[str] = []
    for path in sorted({os.path.normpath(p) for p in paths if Path(p).exists()}):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return tuple(kept)


def _userns_allowed() -> bool:
    """Unprivileged: Linux >= 5.14 counts RLIMIT_NPROC per user namespace."""
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


def sandbox_spec(env: Mapping[str, str], *, bwrap: str | None = None, uid: int | None = None) -> SandboxSpec:
    """The sandbox for this machine, checked by running a trivial one.

    ``env`` is the kernels' environment (its ``COURSEWORK_DATA`` mirror is
    bound read-only); ``uid`` the unprivileged user id when running as root
    (default 65534, changed per submission by the caller).

    Raises
    ------
    SandboxUnavailable
        No ``bwrap`` on ``PATH``, or it cannot build a sandbox (user
        namespaces disabled...); the message quotes its error.
    """
    found = bwrap or shutil.which("bwrap")
    if not found:
        raise SandboxUnavailable(f"bubblewrap (`bwrap`) is not installed. {INSTALL_HINT}")
    helptext = subprocess.run([found, "--help"], capture_output=True, text=True).stdout
    root = os.geteuid() == 0
    read_only = ["/usr"] + _python_paths()
    data = env.get(DATA_ENV, "").strip()
    if data:  # at the path the kernel is given, and where it really is
        read_only += [os.path.abspath(data), os.path.realpath(data)]
    links = [f"{p}={os.readlink(p)}" for p in _SYSTEM_LINKS if os.path.islink(p)]
    read_only += [p for p in _SYSTEM_LINKS if os.path.isdir(p) and not os.path.islink(p)]
    spec = SandboxSpec(
        bwrap=found,
        read_only=_unique(read_only),
        links=tuple(links),
        uid=(65534 if uid is None else uid) if root else None,
        disable_userns=not root and "--disable-userns" in helptext,
        nproc=root or _userns_allowed(),
    )
    _probe(spec)
    return spec


def _probe(spec: SandboxSpec) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cw-probe-") as tmp:
        etc = write_etc(Path(tmp), spec.uid)
        argv = bwrap_argv(spec, runtime=Path(tmp), etc=etc, limits=Limits())
        argv += shim_argv(spec, Limits()) + [sys.executable, "-c", "import sys"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailable(f"bubblewrap could not start: {exc}. {INSTALL_HINT}") from exc
    if done.returncode != 0:
        error = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise SandboxUnavailable(
            f"bubblewrap cannot build the grading sandbox here: {error}. It needs unprivileged "
            "user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also "
            f"kernel.apparmor_restrict_unprivileged_userns=0) or root. {INSTALL_HINT}"
        )


def write_etc(folder: Path, uid: int | None) -> Path:
    """The sandbox's ``/etc/passwd``, ``group`` and ``hosts``, written to
    ``folder/etc`` (the host's would name the machine's users)."""
    etc = folder / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    number = os.getuid() if uid is None else uid
    (etc / "passwd").write_text(f"student:x:{number}:{number}:student:{HOME}:/bin/sh\n")
    (etc / "group").write_text(f"student:x:{number}:\n")
    (etc / "hosts").write_text("127.0.0.1 localhost\n::1 localhost\n")
    return etc


def _parents(paths: list[str]) -> list[str]:
    parents = {str(p) for path in paths for p in Path(path).parents if str(p) != "/"}
    return sorted(parents, key=lambda p: (p.count("/"), p))


def bwrap_argv(spec: SandboxSpec, *, runtime: Path, etc: Path, limits: Limits,
               also_read_only: tuple[str, ...] = ()) -> list[str]:
    """The ``bwrap`` command line up to (and including) ``--``;
    ``also_read_only``: folders bound read-only over the private ``/tmp``
    (the judge reads its kernel's answers there)."""
    size = str(limits.scratch)
    argv = [spec.bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grading"]
    if spec.uid is None:
        argv += ["--unshare-user"] + (["--disable-userns"] if spec.disable_userns else [])
    else:
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    mounts = list(spec.read_only) + [str(runtime)]
    for parent in _parents(mounts + [HOME]):
        if not any(parent == p or parent.startswith(p + "/") for p in spec.read_only):
            argv += ["--perms", "0755", "--dir", parent]
    for path in spec.read_only:
        argv += ["--ro-bind", path, path]
    for link in spec.links:
        path, target = link.split("=", 1)
        argv += ["--symlink", target, path]
    argv += ["--perms", "0755", "--dir", "/etc"]
    for path in _ETC_FILES:
        argv += ["--ro-bind-try", path, path]
    for name in ("passwd", "group", "hosts"):
        argv += ["--ro-bind", str(etc / name), f"/etc/{name}"]
    argv += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--perms", "1777", "--tmpfs", "/dev/shm"]
    argv += ["--size", size, "--perms", "1777", "--tmpfs", "/tmp"]
    argv += ["--size", size, "--perms", "1777", "--tmpfs", HOME]
    argv += ["--bind", str(runtime), str(runtime)]
    for path in also_read_only:
        argv += ["--ro-bind", path, path]
    argv += ["--remount-ro", "/dev", "--remount-ro", "/"]
    return argv + ["--chdir", HOME, "--"]


def shim_argv(spec: SandboxSpec | None, limits: Limits) -> list[str]:
    """``python -I -S -c SHIM <limits> --``: sets the limits (and the uid as
    root) inside the sandbox, then executes the kernel command after it."""
    opts = [f"RLIMIT_FSIZE={limits.scratch}", "RLIMIT_CORE=0"]
    if spec is not None and spec.nproc:
        opts.append(f"RLIMIT_NPROC={limits.max_processes}")
    if spec is not None and spec.uid is not None:
        opts.append(f"uid={spec.uid}")
    return [sys.executable, "-I", "-S", "-c", SHIM, *opts, "--"]


def kernel_environment(env: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """A sandboxed kernel's environment: the variables it needs from ``env``
    (no tokens or passwords an instructor's shell may hold), the caller's
    ``extra`` ones, and a home and caches inside the sandbox."""
    kept = {k: v for k, v in env.items() if k in _PASSED or k.startswith(_PASSED_PREFIXES)}
    kept.update(extra)
    kept.update({
        "HOME": HOME, "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp", "PWD": HOME,
        "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": f"{HOME}/.ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "XDG_CACHE_HOME": f"{HOME}/.cache",
    })
    kept.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    return kept


def fresh_uid() -> int:
    """A uid no other submission of this process has had."""
    import secrets

    with _UID_LOCK:
        while True:
            uid = FIRST_UID + secrets.randbelow(UID_RANGE)
            if uid not in _USED_UIDS:
                _USED_UIDS.add(uid)
                return uid
