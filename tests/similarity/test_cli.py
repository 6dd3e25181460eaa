"""``python -m coursework similarity``: the whole pipeline on a class folder,
and the report an instructor reads."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from coursework.__main__ import main as cli
from coursework.similarity.report import CANNOT_SEE
from tests.conftest import REPO_ROOT
from tests.similarity import synthetic


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.marks: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [v for k, v in attrs if k in ("src", "href") and v]
        self._in_mark = self._in_mark or tag == "mark"

    def handle_endtag(self, tag):
        self._in_mark = self._in_mark and tag != "mark"

    def handle_data(self, data):
        if self._in_mark:
            self.marks.append(data)


@pytest.fixture(scope="module")
def report(released, tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    students = {**synthetic.INDEPENDENT, "zoe": synthetic.COPY_OF_GINA, "sam": None}
    synthetic.write_class(root / "submissions", released, students)
    (root / "submissions" / "vic").mkdir()
    (root / "submissions" / "vic" / synthetic.NOTEBOOK).write_text("{not json", encoding="utf-8")
    out = root / "build" / "similarity.html"
    status = cli(["similarity", str(root / "submissions"), "--report", str(out),
                  "--notebook-dir", str(REPO_ROOT / "notebooks")])
    return status, out.read_text(encoding="utf-8")


def test_the_report_points_at_the_copy(report, capsys):
    status, text = report
    assert status == 0
    assert "Flagged pair 1: gina and zoe" in text
    assert "Flagged pair 2" not in text
    assert "Submitted only the starter code (not compared): sam." in text
    assert "vic: invalid notebook JSON" in text


def test_the_report_is_accessible_and_self_contained(report):
    _, text = report
    outline = _Outline()
    outline.feed(text)
    assert outline.tags.count("h1") == 1 and "h2" in outline.tags and "h3" in outline.tags
    assert "th" in outline.tags and "caption" in outline.tags and "script" not in outline.tags
    assert all(link.startswith("#") for link in outline.links)
    assert "<html lang=\"en\">" in text and "▸" in text  # a cue besides the colour
    assert any("np.log(np.clip(" in m for m in outline.marks)
    assert not any("#" in m for m in outline.marks)  # comments are never part of a match


def test_the_report_says_what_it_cannot_see_and_who_judges(report):
    _, text = report
    assert "the instructor judges" in text
    for caveat in CANNOT_SEE:
        assert caveat.split(":")[0].replace("'", "&#x27;") in text


def test_usage_errors_exit_2_with_a_message(tmp_path, capsys):
    assert cli(["similarity", str(tmp_path / "missing")]) == 2
    assert "Submissions folder" in capsys.readouterr().err
    assert cli(["similarity", str(tmp_path), "--notebook-dir", str(REPO_ROOT / "notebooks")]) == 2
    assert "No student folders" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli(["similarity", str(tmp_path), "--top", "0"])
