"""The kernel's side of a check: answer the judge's questions with evidence.

The grader sends each question as a small request file and one line of code
calling :func:`serve` in the student's kernel; the answer goes to a response
file as JSON with :mod:`evidence <coursework.grading.judge.evidence>` texts
inside.  Nothing here is trusted: the student's code runs in this
interpreter and can change any of it.  That only changes what the kernel
*answers*; the judge reads the answers as plain data and compares them with
expectations that never come here.

Requests:

* ``{"op": "describe", "names": [...]}``: for each name of the notebook's
  namespace, ``{"kind": "missing"}``, ``{"kind": "function", "handle": N}``
  or ``{"kind": "value", "value": EVIDENCE}``;
* ``{"op": "call", "handle": N, "args": EVIDENCE}``: call a function with
  ``(args, kwargs)``; ``{"result": EVIDENCE, "after": EVIDENCE}`` (the
  arguments after the call, to see whether they were modified) or
  ``{"raised": {"type": NAME, "message": TEXT}}``.

A judge function passed as an argument arrives as a callback; calling it
asks the grader through the kernel's standard input (``input()``), which
the grader answers with the judge's result.
"""

from __future__ import annotations

import json
from typing import Any

from . import evidence

__all__ = ["serve", "PROMPT"]

#: Start of the ``input()`` prompt that carries a callback request.
PROMPT = "\x00coursework-callback:"
_OBJECTS: dict[int, Any] = {}


def _keep(value: Any, encode: Any = None) -> dict:
    number = len(_OBJECTS) + 1
    _OBJECTS[number] = value
    data = _plain_attributes(value)
    return {"handle": number, "data": data} if data else {"handle": number}


def _plain_attributes(value: Any) -> list:
    """[[name, evidence], ...] for the public attributes of ``value`` that are
    plain data (a ``History``'s ``history``, ``epoch``, ``params``)."""
    def refuse(obj: Any, encode: Any) -> dict:
        raise evidence.NotGradable("not plain")

    out = []
    for name, item in getattr(value, "__dict__", {}).items():
        if name.startswith("_") or evidence._is_keras_model(item):
            continue
        try:
            out.append([name, json.loads(evidence.dumps(item, refuse, _FOLDER[0]))])
        except (evidence.NotGradable, TypeError, ValueError):
            continue
    return out


def _callback(number: int) -> Any:
    def call_judge(*args: Any, **kwargs: Any) -> Any:
        reply = json.loads(input(PROMPT + json.dumps({"callback": number, "args": _dump((list(args), kwargs))})))
        if "raised" in reply:
            raise _exception(reply["raised"])
        return _load(reply["result"])

    return call_judge


def _exception(raised: dict) -> Exception:
    import builtins

    kind = getattr(builtins, str(raised.get("type")), None)
    kind = kind if isinstance(kind, type) and issubclass(kind, Exception) else RuntimeError
    return kind(raised.get("message", ""))


def _special(tag: str, value: Any) -> Any:
    if tag == "handle":
        return _OBJECTS[value]
    if tag == "object":  # a test's own object: its data, and its methods calling back to the judge
        members = {str(k): (staticmethod(v) if callable(v) else v) for k, v in value.items()}
        return type("JudgeObject", (), members)()
    return _callback(value)


#: Where this answer's large arrays go (the response's folder, which the judge reads).
_FOLDER: list[str | None] = [None]


def _dump(value: Any) -> str:
    return evidence.dumps(value, _keep, _FOLDER[0])


def _load(text: str) -> Any:
    return evidence.loads(text, _special)


def _namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else __import__("__main__").__dict__


def _describe(names: list[str]) -> dict:
    namespace, out = _namespace(), {}
    for name in names:
        if name not in namespace:
            out[name] = {"kind": "missing"}
            continue
        value = namespace[name]
        if callable(value) and not evidence._is_keras_model(value):
            out[name] = {"kind": "function", "handle": _keep(value)["handle"]}
        else:
            out[name] = {"kind": "value", "value": _dump(value)}
    return out


def _call(handle: int, args_text: str) -> dict:
    args, kwargs = _load(args_text)
    try:
        result = _OBJECTS[handle](*args, **kwargs)
    except Exception as exc:
        return {"raised": {"type": type(exc).__name__, "message": str(exc)[:2000]}}
    return {"result": _dump(result), "after": _dump(args)}


def serve(request_path: str, response_path: str) -> None:
    """Answer the request in ``request_path`` into ``response_path``."""
    import os

    with open(request_path, encoding="utf-8") as fh:
        request = json.load(fh)
    _FOLDER[0] = os.path.dirname(response_path)
    try:
        if request["op"] == "describe":
            response: dict = {"names": _describe(request["names"])}
        else:
            response = _call(request["handle"], request["args"])
    except evidence.NotGradable as exc:
        response = {"not_gradable": str(exc)}
    with open(response_path, "w", encoding="utf-8") as fh:
        json.dump(response, fh)
