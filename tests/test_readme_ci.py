"""The CI and pre-commit snippets of the README are valid YAML that does
what the README says (users copy them as they are)."""

from __future__ import annotations

import re
import textwrap

import yaml
from conftest import REPO


def snippet(title: str) -> dict:
    """The first indented block under the README heading `title`."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index(title):]
    block = re.search(r"\n\n((?:    [^\n]*\n|\n)+)", section).group(1)
    return yaml.safe_load(textwrap.dedent(block))


def test_github_actions_job_checks_with_the_baseline_and_uploads_sarif():
    job = snippet("### GitHub Actions")["jobs"]["vaultlint"]
    # This repository's action (action.yml), given inputs it declares.
    ours = next(s for s in job["steps"] if s.get("uses", "").startswith("OWNER/REPO@"))
    declared = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["inputs"]
    assert set(ours["with"]) <= set(declared)
    assert "--baseline" in ours["with"]["args"]
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == ours["with"]["sarif-file"] == "vaultlint.sarif"
    assert upload["if"] == "always()"  # the SARIF is uploaded when the check fails too
    assert job["steps"].index(ours) < job["steps"].index(upload)
    assert job["permissions"]["security-events"] == "write"


def test_gitlab_job_reports_junit():
    job = snippet("### GitLab CI")["vaultlint"]
    assert any("--output-format junit" in line for line in job["script"])
    assert job["artifacts"]["reports"]["junit"] == "vaultlint.xml"


def test_pre_commit_config_names_the_hooks_this_repository_declares():
    config = snippet("### pre-commit")
    declared = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    used = {h["id"] for h in config["repos"][0]["hooks"]}
    assert used <= declared and "vaultlint" in used
