"""coursework._notebook_files: the one place notebook names are matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursework._notebook_files import (
    NOTEBOOK_PATTERN,
    copies_of,
    find_notebooks,
    holds_stem,
    match_notebooks,
    notebook_of,
    selects,
)


@pytest.mark.parametrize("selector", ["01_intro.ipynb", "01_intro", "01", "notebooks/01_intro.ipynb"])
def test_a_selector_is_a_name_a_stem_or_a_prefix(selector):
    assert selects(selector, "01_intro.ipynb")


@pytest.mark.parametrize("selector", ["", "02", "intro", "01_intro.py"])
def test_a_selector_names_nothing_else(selector):
    assert not selects(selector, "01_intro.ipynb")


def test_match_keeps_the_folder_order_and_names_what_is_available():
    available = [Path("n/01_a.ipynb"), Path("n/02_b.ipynb"), Path("n/03_c.ipynb")]
    assert match_notebooks(available, ["03", "01_a"], Path("n")) == [available[0], available[2]]
    with pytest.raises(ValueError, match=r"No notebook in n matches '9'.*Available: 01_a.ipynb, 02_b.ipynb"):
        match_notebooks(available, ["9"], Path("n"))


def test_find_notebooks_reads_the_folder(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "notes.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in find_notebooks(tmp_path, pattern=NOTEBOOK_PATTERN)] == ["01_a.ipynb", "02_b.ipynb"]
    assert [p.name for p in find_notebooks(tmp_path, "02")] == ["02_b.ipynb"]
    with pytest.raises(FileNotFoundError, match="Pass --where"):
        find_notebooks(tmp_path / "missing", option="--where")
    with pytest.raises(ValueError, match="No \\*.txt notebooks"):
        find_notebooks(tmp_path, pattern="*.txt")


def test_a_copy_holds_the_notebooks_stem():
    assert holds_stem("Copy of 03_pima.ipynb", "03_pima.ipynb")
    assert not holds_stem("03_pim.ipynb", "03_pima.ipynb")
    files = [Path("s/Copy of 03_pima.ipynb"), Path("s/.ipynb_checkpoints/03_pima-checkpoint.ipynb"),
             Path("s/04_imdb.ipynb")]
    assert copies_of("03_pima.ipynb", files) == [files[0]]


def test_the_notebook_of_a_file_is_the_longest_stem_it_holds():
    course = [Path("t/01_a.ipynb"), Path("t/01_a_b.ipynb"), Path("t/02_c.ipynb")]
    assert notebook_of("my 01_a_b (2).ipynb", course) == course[1]
    assert notebook_of("01_a.ipynb", course) == course[0]
    assert notebook_of("homework.ipynb", course) is None
