"""The layers of docs/architecture.md are enforced by import-linter (contracts in
pyproject.toml). The check passes on the project as it is, and fails when an app imports against
the layering — proven on a throwaway copy with one forbidden import added."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["root_packages"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def copy_of_the_project(tmp_path_factory):
    target = tmp_path_factory.mktemp("layers")
    ignore = shutil.ignore_patterns(
        "__pycache__", "locale", "templates", "static", "data", "*.mo", "*.po", "*.csv"
    )
    for package in root_packages():
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_project_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("tip_reports/_layer_probe.py", "import notices.models\n", "never imports the apps"),
        ("portal/_layer_probe.py", "import stations.models\n", "Layers"),
        ("notices/_layer_probe.py", "import tip_reports.models\n", "only through tip_reports"),
        ("events/_layer_probe.py", "import policies.models\n", "independent of each other"),
    ],
)
def test_an_import_against_the_layers_fails_the_check(
    copy_of_the_project, module, source, contract
):
    probe = copy_of_the_project / module
    probe.write_text(source, encoding="utf-8")
    try:
        result = lint_imports(copy_of_the_project)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout[-3000:]
