"""coursework._kernels: the first line of an error, as the gradebook shows it."""

from __future__ import annotations

from coursework._kernels import first_line


def test_first_line():
    assert first_line("\n  ValueError: a\nb") == "ValueError: a"
    assert first_line("x" * 500, 200).endswith("...") and len(first_line("x" * 500, 200)) == 200
    assert first_line("") == ""
    assert first_line("invalid syntax (3960470163.py, line 2)") == "invalid syntax (line 2)"
    assert first_line("got <function f at 0x7f3a2c1d5e50>") == "got <function f at 0x...>"
