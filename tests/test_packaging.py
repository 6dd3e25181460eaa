"""The exact pins (environment.yml, ci/constraints.txt) satisfy the package's
ranges, and the package's own dependencies stay ranges (Colab-safe)."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement

from tests.conftest import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def _ranges() -> dict[str, Requirement]:
    reqs = list(PYPROJECT["dependencies"])
    for extra in PYPROJECT["optional-dependencies"].values():
        reqs += extra
    ranges: dict[str, list[Requirement]] = {}
    for text in reqs:
        req = Requirement(text)
        ranges.setdefault(req.name.lower(), []).append(req)
    return ranges


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([\w.]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(3)
    return pins


def _environment_pins() -> dict[str, str]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return _pins(pip_section)


def _constraint_pins() -> dict[str, str]:
    return _pins((REPO_ROOT / "ci/constraints.txt").read_text().splitlines())


def test_package_dependencies_are_ranges_and_tensorflow_is_an_extra():
    for text in PYPROJECT["dependencies"]:
        req = Requirement(text)
        assert not any(spec.operator in {"==", "==="} for spec in req.specifier), text
        assert not req.name.startswith("tensorflow"), "TensorFlow must stay an extra (Colab)"
    assert any(Requirement(r).name == "tensorflow-cpu" for r in PYPROJECT["optional-dependencies"]["cpu"])
    assert any("and-cuda" in r for r in PYPROJECT["optional-dependencies"]["gpu"])


@pytest.mark.parametrize("source", ["environment.yml", "ci/constraints.txt"])
def test_pins_satisfy_ranges(source):
    pins = _environment_pins() if source == "environment.yml" else _constraint_pins()
    assert pins, f"no pins found in {source}"
    ranges = _ranges()
    checked = 0
    for name, version in pins.items():
        for req in ranges.get(name, []):
            assert req.specifier.contains(version, prereleases=True), f"{source}: {name}=={version} vs {req}"
            checked += 1
    assert checked >= 5


def test_environment_and_constraints_agree():
    env, ci = _environment_pins(), _constraint_pins()
    assert env.pop("tensorflow") == ci.pop("tensorflow-cpu") == "2.21.0"
    shared = env.keys() & ci.keys()
    assert len(shared) >= 8
    assert {name: env[name] for name in shared} == {name: ci[name] for name in shared}


def test_environment_is_gpu_ready_and_installs_the_package():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    assert env["name"] == "keras-course"
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "tensorflow[and-cuda]==2.21.0" in pip_section
    assert "-e ." in pip_section
