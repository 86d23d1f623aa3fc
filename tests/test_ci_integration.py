"""What other repositories adopt as it is: the pre-commit hook, run by the real ``pre-commit
try-repo`` against this checkout (pre-commit installs teipipe from it into an environment of its
own), the GitHub Action's validating step, run by bash as a runner runs it, and the files
``teipipe init`` writes for a new project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import SETTINGS_FILE, load_settings
from pipeline.scaffold import ACTION, project_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "invalid"
BIN = Path(sys.executable).parent


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *arguments], cwd=folder,
                   check=True, capture_output=True)


@pytest.fixture
def scratch_repository(tmp_path) -> Path:
    """A git repository with one valid TEI document (and its authority file) and one broken one."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repository = tmp_path / "corpus"
    (repository / "tei").mkdir(parents=True)
    shutil.copy(FIXTURES / "telegram.xml", repository / "tei" / "telegram.xml")
    shutil.copy(FIXTURES / "authority.xml", repository / "tei" / "authority.xml")
    shutil.copy(FIXTURES / "dangling-ref.xml", repository / "tei" / "broken.xml")
    _git(repository, "init", "-q")
    _git(repository, "add", ".")
    return repository


def _pre_commit(repository: Path, home: Path, *files: str) -> subprocess.CompletedProcess:
    pre_commit = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([pre_commit, "try-repo", str(ROOT), "teipipe-validate", "--files", *files],
                          cwd=repository, env=environment, capture_output=True, text=True, timeout=900)


def test_the_pre_commit_hook_passes_a_valid_file_and_blocks_a_broken_one(scratch_repository, tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")
    passed = _pre_commit(scratch_repository, home, "tei/telegram.xml", "tei/authority.xml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "teipipe validate" in passed.stdout and "Passed" in passed.stdout
    blocked = _pre_commit(scratch_repository, home, "tei/broken.xml")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Failed" in blocked.stdout
    assert "tei/broken.xml:" in blocked.stdout and ": TP102: error:" in blocked.stdout


# --- the GitHub Action --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_the_action_is_composite_and_installs_teipipe_from_its_own_checkout(action):
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    install = next(step for step in steps if step.get("name") == "Install teipipe")
    assert '"$GITHUB_ACTION_PATH"' in install["run"] and install["shell"] == "bash"
    assert set(action["inputs"]) == {"paths", "strict", "tei-all", "sarif", "python-version"}


def _run_validate_step(action: dict, folder: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, Path]:
    """The action's Validate step run by bash as a runner runs it (``bash -e {0}``), with its
    inputs as the runner passes them (environment variables) and a job summary file."""
    step = next(step for step in action["runs"]["steps"] if step.get("name") == "Validate")
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()} | inputs
    environment = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    for variable, expression in step["env"].items():
        name = expression.removeprefix("${{ inputs.").removesuffix(" }}")
        environment[variable] = values[name]
    summary = folder / "summary.md"
    environment["GITHUB_STEP_SUMMARY"] = str(summary)
    script = folder / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=folder,
                            env=environment, capture_output=True, text=True, timeout=300)
    return result, summary


def test_the_action_fails_on_a_broken_file_with_annotations_a_summary_and_sarif(action, scratch_repository):
    result, summary = _run_validate_step(action, scratch_repository, sarif="report.sarif")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=tei/broken.xml,line=66,")
    assert "| tei/broken.xml | 66 |" in summary.read_text(encoding="utf-8")
    import json
    (run,) = json.loads((scratch_repository / "report.sarif").read_text(encoding="utf-8"))["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["TP102"]


def test_the_action_passes_the_valid_files(action, scratch_repository):
    (scratch_repository / "tei" / "broken.xml").unlink()
    result, summary = _run_validate_step(action, scratch_repository, paths="tei/telegram.xml\n tei/authority.xml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "2 files checked, 0 invalid: 0 errors, 0 warnings - valid"
    assert "- valid**" in summary.read_text(encoding="utf-8")


# --- teipipe init -------------------------------------------------------------------------------

def test_init_writes_a_project_that_the_commands_find(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "corpus"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "corpus"
    written = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    assert written == sorted(project_files("corpus"))
    settings = load_settings(project / "seeds")
    assert (settings.root, settings.seeds, settings.tei, settings.build) == (
        project, project / "seeds", project / "tei", project / "build")
    assert settings.publisher == "corpus"
    assert (project / SETTINGS_FILE).read_text(encoding="utf-8").startswith("# teipipe's settings")
    assert "put the source documents here" in (project / "seeds" / "README.md").read_text(encoding="utf-8").lower()
    assert "/build/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_init_writes_a_pre_commit_config_and_a_workflow_that_uses_the_action(tmp_path):
    files = project_files("corpus")
    hooks = yaml.safe_load(files[".pre-commit-config.yaml"])["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["teipipe-validate"]
    assert hooks[0]["entry"] == "teipipe validate" and hooks[0]["require_serial"] is True
    workflow = yaml.safe_load(files[".github/workflows/teipipe.yml"])
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[-1] == {"uses": ACTION, "with": {"paths": "tei"}}
    declared = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert declared[0]["id"] == hooks[0]["id"] and declared[0]["entry"] == hooks[0]["entry"]


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path):
    project = tmp_path / "corpus"
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "teipipe.yml").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(project)])
    assert result.exit_code == 2
    assert "already holds .github/workflows/teipipe.yml: teipipe init does not overwrite" in result.output
    assert [p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()] == [
        ".github/workflows/teipipe.yml"]
    assert (project / ".github" / "workflows" / "teipipe.yml").read_text(encoding="utf-8") == "mine\n"
