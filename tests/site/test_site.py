"""The course site: built from the student versions, executed, cached by the
code it runs, with text alternatives for its figures and nothing of the
instructor's side.  A synthetic one-lesson course checks the mechanics in
seconds; the real course (grading mode) checks the lessons."""

from __future__ import annotations

import re
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from coursework.config import STUDENT_REPOSITORY_URL, colab_url
from coursework.site.audit import figures, undescribed
from coursework.site.pages import SKIP_TAG, Lesson, for_site, lesson_table
from tests.conftest import REPO_ROOT
from tests.grading import synthetic
from tests.leaks import leaks, readable_text, secret_lines

REAL = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FIGURES = [
    # a course helper: describes itself
    "from coursework.plotting import describe, plot_history\n"
    "axes = plot_history({'loss': [0.9, 0.5, 0.4], 'val_loss': [0.8, 0.6, 0.7]})",
    # a notebook's own figure with a text alternative
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3], [3, 1, 2])\n"
    "describe(fig, 'a zigzag through 3, 1 and 2')",
    # a notebook's own figure without one: the text computed from what it draws
    "fig, ax = plt.subplots()\nax.bar([1, 2], [2, 1])",
]


def _tiny_course(folder, prose: str = "Some prose.", extra_code: str = "") -> None:
    nb = synthetic.source_notebook()
    nb.cells[2:2] = [new_markdown_cell(prose), *(new_code_cell(code) for code in FIGURES)]
    if extra_code:
        nb.cells.insert(2, new_code_cell(extra_code))
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / synthetic.NAME)


def test_for_site_turns_the_badge_into_links_and_skips_the_exercises():
    nb = synthetic.source_notebook()
    nb.cells.append(new_code_cell('check_notebook("99_tiny.ipynb")'))
    site = for_site(nb, synthetic.NAME)
    first = site.cells[0].source
    assert "colab-badge.svg" not in first
    assert f"[Open in Colab]({colab_url('notebooks/99_tiny.ipynb', repository=STUDENT_REPOSITORY_URL)})" in first
    assert f"[Download the notebook]({STUDENT_REPOSITORY_URL}/raw/main/notebooks/99_tiny.ipynb)" in first
    skipped = [c for c in site.cells if SKIP_TAG in c.metadata.get("tags", [])]
    graded = [c for c in site.cells if c.metadata.get("nbgrader", {}).get("solution")
              or c.metadata.get("nbgrader", {}).get("grade")]
    assert skipped == graded + [site.cells[-1]] and len(graded) == 6


def test_lesson_table_links_every_lesson():
    text = lesson_table([Lesson("01_a.ipynb", "01 — A", "first"), Lesson("02_b.ipynb", "02 — B", "")])
    assert "| [01 — A](notebooks/01_a.ipynb) | first |" in text
    assert "notebooks/01_a\nnotebooks/02_b\n```" in text


def test_leak_scan_reads_html_as_text(tmp_path):
    """A solution line that Pygments split into spans is still found."""
    (tmp_path / "site").mkdir()
    page = tmp_path / "site" / "page.html"
    page.write_text('<span class="k">return</span> <span class="mi">2</span> <span class="o">*</span> x  '
                    '<span class="c1"># reference solution</span>\n')
    source = tmp_path / synthetic.NAME
    nbformat.write(synthetic.source_notebook(), source)
    assert leaks(tmp_path / "site", secret_lines([source])) == [f"page.html: solution line '{synthetic.NAME}: "
                                                       f"{synthetic.DOUBLE_SOLUTION}'"]


@pytest.mark.slow
def test_tiny_site_alt_text_stubs_and_cache(tmp_path):
    pytest.importorskip("myst_nb", reason="the site needs the `site` extra")
    from jupyter_cache import get_cache

    from coursework.site import build_site

    _tiny_course(tmp_path / "notebooks")
    work = tmp_path / "work"
    started = time.perf_counter()
    built = build_site(tmp_path / "site", notebook_dir=tmp_path / "notebooks", work=work, grading_mode=True)
    cold = time.perf_counter() - started
    page = built.output / "notebooks" / "99_tiny.html"
    text = readable_text(page)
    # the stubs are shown, not run: no traceback, no solution, no hidden test
    assert 'raise NotImplementedError("replace this line with your answer")' in text or "YOUR CODE HERE" in text
    assert "Traceback" not in text and "NotImplementedError:" not in text
    assert leaks(built.output, secret_lines([tmp_path / "notebooks" / synthetic.NAME]), check_url=True) == []
    # text alternatives: the helper's, the author's, and the computed one where neither gave one
    alts = [f.alt for f in figures(built.output)]
    assert len(alts) == 3
    assert alts[0].startswith("loss per epoch: training falling from 0.9 at epoch 1 to 0.4 at epoch 3; "
                              "validation lowest at epoch 2 (0.6)")
    assert alts[1] == "a zigzag through 3, 1 and 2"
    assert alts[2] == "A plot: bars, 2 of them: 1: 2, 2: 1."
    assert undescribed(built.output) == []
    # search works on the built files
    assert re.search(r'"prose":\s*1\b', (built.output / "searchindex.js").read_text()), "the page's words, stemmed"
    # a prose edit reuses the executed outputs; a code edit executes again
    cache = get_cache(str(work / "grading" / "jupyter-cache"))
    assert len(cache.list_cache_records()) == 1
    _tiny_course(tmp_path / "notebooks", prose="Other prose.")
    started = time.perf_counter()
    build_site(tmp_path / "site", notebook_dir=tmp_path / "notebooks", work=work, grading_mode=True)
    warm = time.perf_counter() - started
    assert len(cache.list_cache_records()) == 1
    assert "Other prose." in readable_text(page)
    print(f"\ntiny site: cold {cold:.1f} s, warm after a prose edit {warm:.1f} s")
    _tiny_course(tmp_path / "notebooks", extra_code="x = 1")
    build_site(tmp_path / "site", notebook_dir=tmp_path / "notebooks", work=work, grading_mode=True)
    assert len(cache.list_cache_records()) == 2


@pytest.mark.slow
def test_course_site_pages_links_and_no_instructor_side(course_site):
    pages = sorted(p.name for p in (course_site / "notebooks").glob("*.html"))
    assert pages == [p.with_suffix(".html").name for p in REAL]
    home = readable_text(course_site / "index.html")
    for path in REAL:
        page = readable_text(course_site / "notebooks" / path.with_suffix(".html").name)
        assert "Traceback (most recent call last)" not in page, path.name
        html = (course_site / "notebooks" / path.with_suffix(".html").name).read_text()
        assert f'href="{colab_url("notebooks/" + path.name, repository=STUDENT_REPOSITORY_URL)}"' in html
        assert f'href="{STUDENT_REPOSITORY_URL}/raw/main/notebooks/{path.name}"' in html
        assert path.name[:2] in home
    assert (course_site / "searchindex.js").is_file() and (course_site / "search.html").is_file()
    secrets = secret_lines(REAL)
    assert len(secrets) > 50
    assert leaks(course_site, secrets, check_url=True) == []


@pytest.mark.slow
def test_course_site_figures_have_text_alternatives(course_site):
    """Every figure of every lesson has a text alternative: the helpers'
    own, the author's (``describe``) or the one computed from what is drawn
    (notebooks/README.md); one without fails the test."""
    shown = figures(course_site)
    missing = undescribed(course_site)
    print(f"\n{len(shown)} figures, {len(missing)} without a text alternative:")
    for figure in missing:
        print(f"  {figure.page}: {figure.src}")
    assert shown, "no figure found on the lesson pages"
    assert missing == [], f"{len(missing)} figures without a text alternative (listed above)"
    described = [f.alt for f in shown]
    assert any("loss per epoch:" in alt for alt in described), "plot_history's figures"
    assert any("Confusion matrix of" in alt for alt in described), "plot_confusion_matrix's figure"
    assert any("Decision regions over" in alt for alt in described), "plot_decision_boundary's figures"
    assert not [alt for alt in described if "could not be computed" in alt], "a figure the summary could not read"


def test_audit_counts_a_file_name_or_an_empty_alt_as_undescribed(tmp_path):
    page = tmp_path / "notebooks" / "01.html"
    page.parent.mkdir()
    page.write_text('<img src="../_images/a1.png" alt="a line rising from 1 to 2">'
                    '<img src="../_images/b2.png" alt="../_images/b2.png"><img src="../_images/c3.png" alt=" ">'
                    '<img src="../_images/d4.png">')
    assert [f.src for f in figures(tmp_path)] == [f"../_images/{n}.png" for n in ("a1", "b2", "c3", "d4")]
    assert [f.src for f in undescribed(tmp_path)] == [f"../_images/{n}.png" for n in ("b2", "c3", "d4")]


def test_release_bundle_adds_the_built_site(tmp_path, capsys):
    from coursework.commands.release import main

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>course</title>")
    bundle = tmp_path / "course"
    assert main(["01", "--notebook-dir", str(REPO_ROOT / "notebooks"), "--bundle", str(bundle),
                 "--site", str(site)]) == 0
    assert (bundle / "site" / "index.html").read_text() == (site / "index.html").read_text()
    assert main(["01", "--notebook-dir", str(REPO_ROOT / "notebooks"), "--bundle", str(bundle),
                 "--site", str(tmp_path / "nothing")]) == 2
    assert "holds no built site" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--site", str(site)])  # --site without --bundle: a usage error
