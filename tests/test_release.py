"""The release: the wheel holds every file vaultlint reads, and installed on
its own (no source tree) it checks the seed vault as the source does; the
GitHub Action's check step runs what the README says; the version, the tag
the README installs and the changelog agree."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SEEDS

import vaultlint

DISTRIBUTION = "obsidian-vaultlint"
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
# What a source tree adds to a build: the wheel is built from a copy of just
# these, so that nothing else of the clone can stand in for a missing file.
BUILD_INPUTS = ["pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "vaultlint"]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".vaultlint_cache")


def env(**extra) -> dict[str, str]:
    """The environment of a run, without the test's PYTHONPATH and offline."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return {**base, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1", **extra}


def run(cmd, cwd, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=120)


@functools.cache
def from_source(cwd, *args) -> subprocess.CompletedProcess:
    """vaultlint run from this checkout (its package first on the path)."""
    return run([sys.executable, "-m", "vaultlint", *args], cwd=cwd, PYTHONPATH=str(REPO))


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from the sources, installed in a new virtual
    environment: (wheel, the venv's python, its vaultlint script, a work
    folder holding a copy of seeds/)."""
    tmp = tmp_path_factory.mktemp("release")
    src = tmp / "src"
    for name in BUILD_INPUTS:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=SKIP)
        elif path.exists():
            src.mkdir(exist_ok=True)
            shutil.copy2(path, src / name)
    # No build isolation: the installed setuptools builds it, with no index to reach.
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", tmp / "dist", src],
        cwd=tmp,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp / "dist").glob("*.whl")
    # The venv sees the dependencies this environment has (click, jsonschema,
    # pip, ...) through a .pth file naming its site-packages, after its own;
    # that file is no site folder, so this environment's own .pth files (an
    # editable vaultlint's) are not run: vaultlint comes from the wheel.
    home = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(home)
    bin_dir = home / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    ours = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip()
    outer = [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)]
    (Path(ours) / "outer-environment.pth").write_text("".join(f"{p}\n" for p in outer), encoding="utf-8")
    done = run([python, "-m", "pip", "install", "--no-deps", "--ignore-installed", "--quiet", wheel], cwd=tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    where = run([python, "-c", "import vaultlint; print(vaultlint.__file__)"], cwd=tmp)
    assert where.stdout.strip().startswith(str(home)), where.stdout + where.stderr
    work = tmp / "work"
    shutil.copytree(SEEDS, work / "seeds", ignore=SKIP)
    return wheel, python, bin_dir / "vaultlint", work


def test_the_wheel_is_pure_python_and_holds_every_file_of_the_package(installed):
    wheel = installed[0]
    assert wheel.name.endswith("-py3-none-any.whl") and wheel.name.startswith("obsidian_vaultlint-")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "vaultlint"
    wanted = {
        f"vaultlint/{f.relative_to(package).as_posix()}"
        for f in package.rglob("*")
        if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc"
    }
    # The data the tool reads at run time: built-in schemas, presets, the output contract.
    assert {"vaultlint/output/diagnostics.schema.json", "vaultlint/config/presets/recommended.toml",
            "vaultlint/checks/schemas/obsidian.schema.json"} <= wanted
    assert wanted - names == set()
    info = f"obsidian_vaultlint-{vaultlint.__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert f"Name: {DISTRIBUTION}\n" in metadata and f"Version: {vaultlint.__version__}\n" in metadata
    assert "License-Expression: MIT\n" in metadata and "Requires-Python: >=3.10\n" in metadata


def test_installed_alone_it_checks_the_seed_vault_as_the_source_does(installed):
    _, python, script, work = installed
    source = from_source(work, "check", "--no-cache", "seeds/tubegraph")
    assert source.returncode == 1 and "Found " in source.stdout, source.stdout + source.stderr
    # The console script writes the cache (its key lists the package's files), `python -m` reads it.
    for cmd in ([script], [python, "-m", "vaultlint"]):
        got = run([*cmd, "check", "seeds/tubegraph"], cwd=work)
        assert (got.returncode, got.stdout) == (source.returncode, source.stdout), got.stderr
    assert (work / "seeds/tubegraph/.vaultlint_cache").is_dir()


def test_installed_alone_it_reads_its_presets_and_schemas(installed):
    _, _, script, work = installed
    vault = work / "preset-vault"
    shutil.copytree(work / "seeds/tubegraph", vault, ignore=SKIP)
    # The tubegraph preset names the built-in tubegraph schema.
    (vault / ".vaultlint.toml").write_text('extends = "tubegraph"\n', encoding="utf-8")
    args = ["check", "--no-cache", "--output-format", "json", "preset-vault"]
    source = from_source(work, *args)
    got = run([script, *args], cwd=work)
    assert source.returncode in (0, 1), source.stderr
    assert (got.returncode, got.stdout) == (source.returncode, source.stdout), got.stderr
    for name in ("recommended", "strict"):
        (vault / ".vaultlint.toml").write_text(f'extends = "{name}"\n', encoding="utf-8")
        got = run([script, "check", "--no-cache", "--statistics", "preset-vault"], cwd=work)
        assert got.returncode in (0, 1), got.stderr


def test_version_is_the_package_version(installed):
    _, _, script, work = installed
    got = run([script, "--version"], cwd=work)
    assert got.returncode == 0
    assert got.stdout == f"vaultlint, version {vaultlint.__version__} ({DISTRIBUTION})\n"


def step(id_: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == id_)


def test_the_actions_check_step_annotates_and_writes_sarif(installed, tmp_path):
    """The check step's script, run as the runner runs it (bash, the inputs
    in its environment), with the wheel's vaultlint."""
    _, _, script, work = installed
    check = step("check")
    sarif = tmp_path / "out.sarif"
    source = from_source(work, "check", "--no-cache", "seeds/tubegraph")
    problems = int(re.search(r"Found (\d+) problem", source.stdout).group(1))
    got = run(
        ["bash", "-e", "-c", check["run"]],
        cwd=work,
        VAULTLINT=str(script),
        ARGS="seeds/tubegraph",
        SARIF_FILE=str(sarif),
    )
    assert got.returncode == source.returncode == 1, got.stderr
    annotations = [line for line in got.stdout.splitlines() if line.startswith(("::error ", "::warning ", "::notice "))]
    assert len(annotations) == problems
    assert len(json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]) == problems
    # The arguments are split into words: an option and a path.
    got = run(
        ["bash", "-e", "-c", check["run"]],
        cwd=work,
        VAULTLINT=str(script),
        ARGS="--select broken-link seeds/tubegraph",
        SARIF_FILE="",
    )
    titles = set(re.findall(r"title=vaultlint \(([a-z-]+)\)", got.stdout))
    assert titles == {"broken-link"}, got.stdout + got.stderr
    # A config error is exit code 2, not a clean pass.
    got = run(
        ["bash", "-e", "-c", check["run"]],
        cwd=work,
        VAULTLINT=str(script),
        ARGS="--select no-such-rule seeds/tubegraph",
        SARIF_FILE=str(sarif),
    )
    assert got.returncode == 2


def test_the_action_is_composite_and_uses_what_it_declares():
    assert ACTION["runs"]["using"] == "composite"
    declared = set(ACTION["inputs"])
    # In expressions: ${{ inputs.args }}, and bare in a step's `if`.
    used = set(re.findall(r"\binputs\.([A-Za-z0-9_-]+)", yaml.safe_dump(ACTION["runs"], width=1000)))
    assert used == declared, (used, declared)
    steps = ACTION["runs"]["steps"]
    for i, s in enumerate(steps):
        assert ("run" in s) != ("uses" in s)
        if "run" in s:
            assert s["shell"] == "bash"
        # A step's outputs are read after the step, and the step writes them.
        refs = re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", yaml.safe_dump(s, width=1000))
        for ref, key in refs:
            (before,) = [t for t in steps[:i] if t.get("id") == ref]
            assert "uses" in before or f'echo "{key}=' in before["run"], (ref, key)
    # The check runs with the user's arguments and annotates the pull request.
    check = step("check")
    assert check["env"]["ARGS"] == "${{ inputs.args }}"
    assert re.search(r'"\$VAULTLINT" check \$ARGS --output-format github', check["run"])
    # With no version asked, the action installs its own checkout: vaultlint at the action's version.
    install = step("install")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert f"{DISTRIBUTION}==" in install["run"]
    wanted = tuple(int(n) for n in ACTION["inputs"]["python-version"]["default"].split("."))
    assert wanted >= (3, 10)


def test_the_readme_installs_this_version_under_its_distribution_name():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tag = f"v{vaultlint.__version__}"
    for line in (f"pipx install {DISTRIBUTION}", f"uv tool install {DISTRIBUTION}", f"pip install {DISTRIBUTION}"):
        assert line in readme
    assert f'pip install "git+https://github.com/OWNER/REPO@{tag}"' in readme
    assert f"uses: OWNER/REPO@{tag}" in readme and f"rev: {tag}" in readme  # the action, pre-commit
    assert "pip install vaultlint" not in readme  # the other project's name on the index


def test_the_changelog_starts_with_this_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.MULTILINE)
    assert releases and releases[0] == vaultlint.__version__
    assert re.match(r"\d+\.\d+\.\d+$", vaultlint.__version__)  # semantic versioning
