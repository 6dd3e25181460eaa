"""coursework._logs: the head and tail of a log."""

from __future__ import annotations

from coursework._logs import HeadTail, head_and_tail, log_tail


def test_a_short_stream_is_kept_whole():
    kept = HeadTail(10)
    for chunk in (b"ab", b"cd", b"e"):
        kept.feed(chunk)
    assert kept.text() == "abcde"


def test_a_long_stream_keeps_its_head_and_tail():
    kept = HeadTail(10)
    for chunk in (b"01234", b"56789", b"abcdefghij"):
        kept.feed(chunk)
    assert kept.text() == "01234\n[... 10 bytes dropped ...]\nfghij"


def test_a_file_reads_as_the_stream_would(tmp_path):
    data = bytes(range(48, 58)) * 3 + b"tail!"
    path = tmp_path / "worker.log"
    path.write_bytes(data)
    stream = HeadTail(12)
    stream.feed(data)
    assert head_and_tail(path, 12) == stream.text() == "012345\n[... 23 bytes dropped ...]\n9tail!"
    assert head_and_tail(path, 100) == data.decode()
    assert head_and_tail(tmp_path / "missing.log", 12) == ""


def test_log_tail_keeps_the_last_non_blank_lines(tmp_path):
    path = tmp_path / "kernel.log"
    path.write_text("one\n\ntwo\nthree  \n\n")
    assert log_tail(path, 2) == "two\nthree"
    assert log_tail(path, 5, limit=5) == "three"
    assert log_tail(None) == log_tail(tmp_path / "missing.log") == ""
