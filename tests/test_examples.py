"""The example pre-commit hook and CI workflow in examples/ do what they say."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from tests._site import REPO, article, make_site, tree

pytestmark = pytest.mark.slow  # git repositories, the hook and the workflow steps run as subprocesses

HOOK = REPO / "examples" / "pre-commit"
WORKFLOW = REPO / "examples" / "github-actions-site.yml"


def git(root, *args, check=True):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "desk@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "desk@example.org",
        "SITE_GEN": f"{sys.executable} -m site_gen",
    }
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=check)


def test_pre_commit_hook_refuses_staged_errors_only(tmp_path):
    root = make_site(tmp_path / "newsroom", {"articles/2025/07/budget.md": article("Budget")})
    git(root, "init", "-q")
    shutil.copy(HOOK, root / ".git/hooks/pre-commit")
    git(root, "add", "-A")
    assert git(root, "commit", "-qm", "First").returncode == 0

    bad = root / "content/articles/2025/07/floods.md"
    bad.write_text(article("Floods in Swat", updated="2025-07-01"), "utf-8")
    git(root, "add", str(bad))
    refused = git(root, "commit", "-qm", "Floods", check=False)
    assert refused.returncode == 1
    # Git shows a hook's output on stderr.
    assert refused.stderr == (
        "content/articles/2025/07/floods.md:4: `updated` (1 July 2025) is before `date` (20 July 2025)"
        " — an update comes after publication: check the day, month and year\n"
        "1 error(s)\n"
        "commit refused: fix the problems above, stage the files again and commit\n"
    )

    # The fix is in the working copy but not staged: the hook checks what is committed.
    bad.write_text(article("Floods in Swat", updated="2025-07-21"), "utf-8")
    assert git(root, "commit", "-qm", "Floods", check=False).returncode == 1
    git(root, "add", str(bad))
    # A broken file that is not staged does not stop the commit.
    (root / "content/articles/2025/07/draft.md").write_text("---\ntitle: [half\n", "utf-8")
    done = git(root, "commit", "-qm", "Floods", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "floods.md" in git(root, "show", "--stat", "HEAD").stdout


def test_workflow_checks_builds_then_deploys(tmp_path):
    flow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    build = flow["jobs"]["build"]["steps"]
    commands = [step["run"] for step in build if "run" in step]
    assert commands[0] == "pip install ."
    assert (REPO / "pyproject.toml").is_file()  # the workflow installs what the repository has
    assert commands[-3:-1] == ['site-gen check --against "$BEFORE"', "site-gen build --clean --search"]
    assert "fetch-depth" in build[0]["with"]  # history for --against
    # Every copy of the site leaves out the manifest (site_gen's record, not the site).
    text = WORKFLOW.read_text("utf-8") + (REPO / "examples/README.md").read_text("utf-8")
    text += (REPO / "README.md").read_text("utf-8")
    copies = [line for line in text.splitlines() if "rsync " in line or "s3 sync" in line]
    assert copies and all(".site-gen-manifest*" in line for line in copies), copies
    assert [s["with"]["path"] for s in build if "upload-pages-artifact" in s.get("uses", "")] == ["public"]
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert "pull_request" in flow["jobs"]["deploy"]["if"]
    assert flow[True]["schedule"]  # `on:` is read as True by YAML 1.1

    # The two commands work on the project's own sample site.
    root = tmp_path / "newsroom"
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for command in commands[-3:]:
        argv = shlex.split(command.replace('"$BEFORE"', "HEAD"))
        argv = [sys.executable, "-m", "site_gen", *argv[1:]] if argv[0] == "site-gen" else argv
        if argv[0] == "rsync" and not shutil.which("rsync"):
            continue
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "index.html" in tree(root / "build")
    if shutil.which("rsync"):
        assert (root / "public/index.html").is_file() and not list(root.glob("public/.site-gen-manifest*"))
    assert (root / "build" / "pagefind" / "pagefind.js").is_file()  # the search page has its index
