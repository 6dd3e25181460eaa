"""The test-cell guard that runs *inside* a kernel being graded.

Never imported by the grader: the autograde worker's first request to a
fresh kernel (before any cell of the submission, sent with
``store_history=False``) compiles this file into a private namespace and
calls :func:`install`.  From then on every test cell is sent as one call::

    _coursework_test("<base64 test code>", "<nonce>", "<mac>", "<label>")

and the call

1. checks the MAC (an HMAC of the nonce and the code with a key that never
   appears in any cell source or in the kernel's history: it is read from a
   file that is deleted before the submission's first cell runs), so the
   test code cannot be altered on its way through IPython;
2. checks that the execution machinery is as the kernel started it
   (:func:`_problems`): IPython's input and AST transformers, event hooks
   and custom exception handler, trace and profile functions, display and
   exception hooks, the standard streams, signal handlers, import hooks,
   the builtins, NumPy's testing functions, modules loaded from outside the
   Python environment (but TensorFlow AutoGraph's, which it writes to the
   temporary folder), the shell's own parts, and threads running notebook
   code; objects are inspected through ``type()`` and their real
   ``__dict__``, so that their own class cannot answer for them;
3. compiles and runs the test code with the interpreter's own ``compile``
   and ``exec`` (no IPython machinery in between), its comparisons routed
   through a check (``compare`` in :func:`install`), which refuses operands whose class defines a
   comparison in the notebook (an answer returning an object that equals
   everything);
4. checks the machinery again, then prints a one-line proof: an HMAC of
   the nonce with "ok" (or "fail" when the test raised).

The grader, outside the kernel, accepts a test cell only with a valid proof
(:mod:`coursework.grading.integrity`).  What the student's code can still
do is in ``docs/instructors.md`` ("Threat model").

Only the standard library is used, through references taken at install
time, so later monkeypatching of ``hmac``, ``base64``, ``builtins`` and the
like cannot reach the key or the checks.
"""

import binascii
import builtins
import functools
import hmac as _hmac
import json
import operator
import os
import signal
import sys
import tempfile
import threading
import types

PROOF = "[coursework-guard]"
TAMPERED = "TestCellTampered"
_DUNDERS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__contains__", "__bool__")
_OPS = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "is": operator.is_, "is not": operator.is_not,
    "in": lambda a, b: operator.contains(b, a), "not in": lambda a, b: not operator.contains(b, a),
}
_C_TYPES = (types.BuiltinFunctionType, types.WrapperDescriptorType, types.MethodWrapperType,
            types.MethodDescriptorType, types.ClassMethodDescriptorType, type(None))
_WATCHED_MODULES = ("builtins", "math", "numpy", "numpy.testing", "operator")
#: Modules libraries write to the temporary folder and load themselves
#: (TensorFlow's AutoGraph converts Python functions that way).
_GENERATED = "__autograph_generated_file"


class TestCellTampered(BaseException):
    """Raised into a test cell whose execution environment was altered (a
    BaseException, so that a test's own ``except Exception`` lets it through)."""


def _digest(key, *parts):
    try:
        import _hashlib
        return _hashlib.hmac_digest(key, b"\0".join(parts), "sha256").hex()
    except (ImportError, AttributeError):  # Python without OpenSSL's HMAC
        return _hmac.digest(key, b"\0".join(parts), "sha256").hex()


def _dict(obj):
    """``obj.__dict__`` read past any ``__getattr__``, property or metaclass."""
    if issubclass(type(obj), type):
        return type.__dict__["__dict__"].__get__(obj)
    try:
        return object.__getattribute__(obj, "__dict__")
    except AttributeError:
        return {}


def _origin(obj, roots, test_prefix):
    """'library', 'test' or 'notebook': where the code of ``obj`` comes from
    (a function defined in a file of the Python environment, in a test cell,
    or anywhere else: a notebook cell, ``exec``, a file the kernel wrote).
    Types are read with ``type()``, never ``isinstance`` or attribute access
    on the object, which its own class could answer."""
    kind = type(obj)
    if kind in (types.MethodType, staticmethod, classmethod):
        obj = obj.__func__
        kind = type(obj)
    if kind is functools.partial:
        return _origin(obj.func, roots, test_prefix)
    if issubclass(kind, _C_TYPES) or kind is types.ModuleType:
        return "library"
    if issubclass(kind, type):
        return _class_origin(obj, roots, test_prefix)
    if kind is not types.FunctionType:
        return _class_origin(kind, roots, test_prefix)
    name = obj.__code__.co_filename
    if name.startswith(test_prefix):
        return "test"
    real = os.path.realpath(name) if name.startswith("/") else name
    return "library" if real.startswith(roots) else "notebook"


def _class_origin(klass, roots, test_prefix):
    """'notebook' when a method of ``klass`` or of a base class is notebook code."""
    for base in type.__dict__["__mro__"].__get__(klass):
        for value in _dict(base).values():
            if type(value) in (staticmethod, classmethod):
                value = value.__func__
            elif type(value) is property:
                value = value.fget
            if type(value) is types.FunctionType:
                where = _origin(value, roots, test_prefix)
                if where != "library":
                    return where
    return "library"


def _snapshot(shell, roots):
    """What :func:`_problems` compares against: identities at install time."""
    modules = {}
    for name in _WATCHED_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            modules[name] = (module, {k: v for k, v in _dict(module).items() if callable(v)})
    return {
        "transformers": [list(getattr(shell, n, [])) for n in _TRANSFORMER_LISTS],
        "manager": [list(getattr(shell.input_transformer_manager, n, [])) for n in _MANAGER_LISTS],
        "events": {k: list(v) for k, v in shell.events.callbacks.items()},
        "custom": (shell.custom_exceptions, getattr(shell, "CustomTB", None)),
        "shell": _shell_methods(shell),
        "hooks": _hooks(),
        "signals": _signals(),
        "meta_path": list(sys.meta_path), "path_hooks": list(sys.path_hooks),
        "modules": modules,
        "threads": set(threading.enumerate()),
        "verified": set(),
    }


_TRANSFORMER_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
#: The shell's parts that run or show a cell: replacing one replaces the machinery.
_SHELL_PARTS = ("events", "input_transformer_manager", "compile", "displayhook", "display_pub", "display_trap",
                "builtin_trap", "display_formatter", "history_manager", "payload_manager", "magics_manager",
                "extension_manager", "InteractiveTB", "SyntaxTB", "user_ns", "user_global_ns", "user_module",
                "kernel", "input_transformers_cleanup", "input_transformers_post", "ast_transformers")
_MANAGER_LISTS = ("cleanup_transforms", "line_transforms", "token_transformers")


def _shell_methods(shell):
    """The shell's class, every method of its classes, and which of those
    names the instance itself overrides."""
    classes = type.__dict__["__mro__"].__get__(type(shell))
    methods = {(c.__name__, k): v for c in classes for k, v in _dict(c).items() if callable(v)}
    own = _dict(shell)
    overridden = {k: v for k, v in own.items() if callable(v) and callable(getattr(type(shell), k, None))}
    overridden.update({f"part {k}": own[k] for k in _SHELL_PARTS if k in own})
    return type(shell), methods, overridden


_HOOK_NAMES = ("sys.settrace", "sys.setprofile", "sys.displayhook", "sys.excepthook", "sys.breakpointhook",
               "sys.unraisablehook", "sys.stdout", "sys.stderr", "sys.stdin", "threading.settrace",
               "threading.setprofile")


def _hooks():
    found = [sys.gettrace(), sys.getprofile(), sys.displayhook, sys.excepthook, sys.breakpointhook,
             sys.unraisablehook, sys.stdout, sys.stderr, sys.stdin]
    found += [getattr(threading, "gettrace", lambda: None)(), getattr(threading, "getprofile", lambda: None)()]
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:  # Python 3.12+
        found += [monitoring.get_tool(i) for i in range(6)]
    return found


def _key(obj):
    """Identity, except that a bound method is its function and object (IPython
    installs ``sys.excepthook = self.excepthook``, a new bound method, per cell)."""
    if type(obj) is types.MethodType:
        return ("method", id(obj.__func__), id(obj.__self__))
    return id(obj)


def _signals():
    handlers = {}
    for sig in signal.valid_signals():
        try:
            handlers[sig] = signal.getsignal(sig)
        except (ValueError, OSError):
            pass
    return handlers


def _new_entries(before, after, roots, prefix):
    """Entries of ``after`` not in ``before`` whose code is not the library's."""
    known = {id(x) for x in before}
    return [x for x in after if id(x) not in known and _origin(x, roots, prefix) != "library"]


def _problems(shell, base, roots, prefix):
    """One line per alteration of the execution machinery since install."""
    found = []
    for name, before in zip(_TRANSFORMER_LISTS + _MANAGER_LISTS, base["transformers"] + base["manager"]):
        owner = shell if name in _TRANSFORMER_LISTS else shell.input_transformer_manager
        now = list(getattr(owner, name, []))
        if [id(x) for x in now] != [id(x) for x in before]:
            found.append(f"IPython's {name} were changed")
    for event, callbacks in shell.events.callbacks.items():
        if _new_entries(base["events"].get(event, []), callbacks, roots, prefix):
            found.append(f"a {event!r} event callback was registered")
    if (shell.custom_exceptions, getattr(shell, "CustomTB", None)) != base["custom"]:
        found.append("a custom exception handler was set (set_custom_exc)")
    cls, methods, overridden = base["shell"]
    now_cls, now_methods, now_overridden = _shell_methods(shell)
    patched = sorted(
        {k for (_, k), v in now_methods.items() if methods.get((_, k)) is not v}
        | {k for k, v in now_overridden.items() if overridden.get(k) is not v}
    )
    if now_cls is not cls or patched:
        found.append(f"the IPython shell was patched ({', '.join(patched) or now_cls.__name__})")
    for i, (now, before) in enumerate(zip(_hooks(), base["hooks"])):
        if _key(now) != _key(before):
            name = _HOOK_NAMES[i] if i < len(_HOOK_NAMES) else "sys.monitoring"
            found.append(f"{name} was set" if "set" in name else f"{name} was replaced")
    for sig, handler in _signals().items():
        if _key(handler) != _key(base["signals"].get(sig)) and _origin(handler, roots, prefix) != "library":
            found.append(f"a handler for signal {sig} was installed")
    if _new_entries(base["meta_path"], sys.meta_path, roots, prefix) or _new_entries(
        base["path_hooks"], sys.path_hooks, roots, prefix
    ):
        found.append("an import hook was installed")
    for name, (module, functions) in base["modules"].items():
        if sys.modules.get(name) is not module:
            found.append(f"module {name} was replaced")
            continue
        changed = sorted(k for k, v in functions.items() if _key(_dict(module).get(k)) != _key(v))
        if changed:
            found.append(f"{name}.{changed[0]} was replaced")
    verified = base["verified"]
    for name, module in list(sys.modules.items()):
        path = _dict(module).get("__file__")  # never getattr: lazy modules would load
        if (name, id(module), path) in verified or type(path) is not str:
            continue
        real = os.path.realpath(path)
        generated = name.startswith(_GENERATED) and os.path.dirname(real) == os.path.realpath(tempfile.gettempdir())
        if not real.startswith(roots) and not generated:
            found.append(f"module {name} was loaded from {path}, outside the Python environment")
        else:
            verified.add((name, id(module), path))
    for thread in threading.enumerate():
        if thread in base["threads"]:
            continue
        target = _dict(thread).get("_target") if _class_origin(type(thread), roots, prefix) == "library" else thread
        if target is not None and _origin(target, roots, prefix) != "library":
            found.append(f"a thread runs notebook code ({_dict(thread).get('_name', '?')})")
    return found


def _check_operand(value, roots, prefix):
    for klass in type.__dict__["__mro__"].__get__(type(value)):
        attributes = _dict(klass)
        for name in _DUNDERS:
            if name not in attributes:
                continue
            method = attributes[name]
            if type(method) in (staticmethod, classmethod):
                method = method.__func__
            if issubclass(type(method), _C_TYPES):
                continue
            generated = type(method) is types.FunctionType and method.__code__.co_filename == "<string>"
            if generated and "__dataclass_fields__" in attributes:
                continue  # a @dataclass's own __eq__
            if _origin(method, roots, prefix) == "notebook":
                raise TestCellTampered(
                    f"a test compared an object of class {klass.__name__}, which defines {name} in the notebook"
                )


def install(shell, config_path):
    """Take the baseline and put ``_coursework_test`` into the user namespace.

    ``config_path``: JSON ``{"key": hex, "roots": [folders of the Python
    environment and the course package]}``; deleted once read.
    """
    with open(config_path, encoding="utf-8") as fh:
        config = json.load(fh)
    os.unlink(config_path)
    key = bytes.fromhex(config.pop("key"))
    roots = tuple(os.path.join(os.path.realpath(r), "") for r in config["roots"])
    prefix = "<coursework test"
    for name in ("numpy", "numpy.testing"):
        try:
            __import__(name)
        except ImportError:
            pass
    base = _snapshot(shell, roots)
    out, user_ns = sys.stdout, shell.user_ns
    write, flush = out.write, out.flush
    compile_, exec_, eval_, loads = builtins.compile, builtins.exec, builtins.eval, json.loads
    a2b, compare_digest = binascii.a2b_base64, _hmac.compare_digest

    def compare(left, ops, thunks):
        result = True
        for i, (op, thunk) in enumerate(zip(ops, thunks)):
            right = thunk()
            if op not in ("is", "is not"):
                _check_operand(left, roots, prefix)
                _check_operand(right, roots, prefix)
            result = _OPS[op](left, right)
            if i < len(ops) - 1 and not result:
                return result
            left = right
        return result

    def prove(nonce, verdict):
        write(f"\n{PROOF} {verdict} {_digest(key, verdict.encode(), nonce.encode())}\n")
        flush()

    def run_test(encoded, nonce, mac, label):
        payload = a2b(encoded)
        if not compare_digest(_digest(key, b"run", nonce.encode(), payload), mac):
            raise TestCellTampered("the test code arrived altered")
        problems = _problems(shell, base, roots, prefix)
        if problems:
            raise TestCellTampered(problems[0])
        code = loads(payload.decode("utf-8"))
        user_ns["_coursework_compare"] = compare
        try:
            exec_(compile_(code["body"], f"{prefix} {label}>", "exec", dont_inherit=True), user_ns)
            value = None
            if code["last"] is not None:
                value = eval_(compile_(code["last"], f"{prefix} {label}>", "eval", dont_inherit=True), user_ns)
        except TestCellTampered:
            raise
        except BaseException:
            prove(nonce, "fail")
            raise
        problems = _problems(shell, base, roots, prefix)
        if problems or user_ns.get("_coursework_compare") is not compare:
            raise TestCellTampered((problems or ["the comparison helper was replaced"])[0])
        prove(nonce, "ok")
        return value

    user_ns["_coursework_test"] = run_test
