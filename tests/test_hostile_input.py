"""Bad and hostile input, through the command line as a user meets it: a
clear diagnostic or message, never a traceback, the documented exit code
(0 clean, 1 problems, 2 usage or config error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultlint.api import lint
from vaultlint.cli import main
from vaultlint.markdown import note as note_module
from vaultlint.vault import files as note_files

REGRESSIONS = Path(__file__).parent / "regressions"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    # An exception that escapes click is a traceback for the user.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def problems(root, *extra):
    result = run("check", root, "--output-format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def by_path(found):
    out = {}
    for d in found:
        out.setdefault(d["path"], []).append(d)
    return out


# -- notes that are not text ---------------------------------------------------------

def test_unreadable_notes_are_reported_and_the_run_goes_on(make_vault):
    root = make_vault({
        "latin1.md": "caf\xe9 [[missing]]".encode("latin-1"),
        "nul.md": b"text\x00more",
        "binary.md": bytes(range(256)) * 8,
        "empty.md": b"",
        "bom-only.md": b"\xef\xbb\xbf",
        "good.md": "[[missing]]",
    })
    code, found = problems(root)
    assert code == 1
    got = by_path(found)
    assert [d["rule"] for d in got["latin1.md"]] == ["unreadable-note"]
    assert "not UTF-8 (invalid byte 0xe9 on line 1)" in got["latin1.md"][0]["message"]
    assert "NUL byte" in got["nul.md"][0]["message"]
    assert got["binary.md"][0]["rule"] == "unreadable-note"
    assert "empty.md" not in got and "bom-only.md" not in got  # empty notes are fine notes
    assert [d["rule"] for d in got["good.md"]] == ["unwritten-note"]  # the run went on


def test_a_10_mb_line_and_100000_links(make_vault):
    root = make_vault({
        "long.md": "x" * 10_000_000 + " [[long]]\n",
        "links.md": " ".join(f"[[long#h{i % 7}]]" for i in range(100_000)) + "\n# h0\n",
        "long.md ": "",  # a name that differs by a space
    })
    code, found = problems(root, "--select", "broken-heading")
    # Every link is found, exactly where it is.
    assert code == 1 and len(found) == 100_000
    assert found[1]["column"] == 1 + len("[[long#h0]] ")
    assert found[1]["message"].startswith("`h1` is no heading of `long`")


def test_a_fifo_named_md_does_not_hang_the_run(make_vault):
    root = make_vault({"good.md": "fine"})
    os.mkfifo(root / "pipe.md")
    code, found = problems(root)
    assert code == 1
    [d] = found
    assert d["path"] == "pipe.md" and d["rule"] == "unreadable-note" and "not a regular file" in d["message"]


# -- front-matter that attacks the YAML parser ---------------------------------------

LAUGHS = "---\n" + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)) + "---\nbody [[x]]\n"


# The CLI in a process of its own that reports its peak memory on stderr.
MEASURED_RUN = """
import resource, sys
from vaultlint.cli import main
try:
    main(sys.argv[1:], prog_name="vaultlint")
finally:
    # VmHWM: this program's own peak (ru_maxrss would count the parent's pages from before exec).
    hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
    print("peak-kb=%s" % (hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss), file=sys.stderr)
"""


def test_billion_laughs_is_refused_fast_and_small(tmp_path):
    start = time.process_time()
    note = note_module.parse("bomb.md", LAUGHS)
    assert time.process_time() - start < 1.0
    assert "aliases expand to more than 100,000 values" in note.frontmatter.problem.message
    # The whole CLI run, in its own process: its peak memory stays small.
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "bomb.md").write_text(LAUGHS)
    proc = subprocess.run([sys.executable, "-c", MEASURED_RUN, "check", str(vault)], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=60)
    peak_mb = int(proc.stderr.rsplit("peak-kb=", 1)[1]) / 1024
    assert proc.returncode == 1, proc.stderr
    assert "bomb.md:2:15:" in proc.stdout and "frontmatter-syntax invalid YAML: aliases expand" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert peak_mb < 100


@pytest.mark.parametrize("name, expected", [
    ("yaml-flow-nesting.md", "nested more than 100 levels deep"),  # once a segfault in libyaml's composer
    ("yaml-block-nesting.md", "nested more than 100 levels deep"),  # once a segfault too
    ("yaml-recursive-anchor.md", "an anchor is used inside its own value"),
    ("yaml-python-tag.md", "could not determine a constructor for the tag"),
])
def test_hostile_yaml_is_a_frontmatter_syntax_problem(name, expected, make_vault):
    root = make_vault({name: (REGRESSIONS / name).read_bytes()})
    code, found = problems(root, "--select", "frontmatter-syntax")
    assert code == 1
    [d] = found
    assert d["rule"] == "frontmatter-syntax" and expected in d["message"]


def test_deep_nesting_is_refused_before_the_composer_sees_it():
    for source in ("k: " + "[" * 100_000, "- " * 100_000 + "x", "k: " + "{a: " * 100_000):
        fm = note_module.parse_yaml(source, 4)
        assert fm.problem.message == "nested more than 100 levels deep" and fm.root is None
    # Nesting as deep as the limit still reads.
    assert note_module.parse_yaml("k: " + "[" * 99 + "]" * 99, 4).problem is None


def test_a_1_mb_front_matter_is_read(make_vault):
    fm = "".join(f"key{i}: {'value ' * 8}\n" for i in range(20_000))
    assert len(fm) > 1_000_000
    root = make_vault({"big.md": f"---\n{fm}---\n[[big]]\n"})
    code, found = problems(root)
    assert code == 0, found


# -- the vault's structure ---------------------------------------------------------

def test_symlinks_loops_and_outside_targets(make_vault, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("[[nothing here]]")
    root = make_vault({"a.md": "[[secret]] [[loop]] [[../outside/secret]]"})
    os.symlink(outside / "secret.md", root / "secret.md")
    os.symlink(outside, root / "outdir")
    os.symlink(root, root / "self")  # a folder loop
    os.symlink("loop.md", root / "loop.md")  # a file that points at itself
    code, found = problems(root)
    got = by_path(found)
    assert "outdir/secret.md" not in got and not any(p.startswith("self/") for p in got)
    assert [d["message"] for d in got["secret.md"]] == [
        "a symbolic link to a file outside the vault: not followed"]
    assert got["loop.md"][0]["rule"] == "unreadable-note"
    # `../` never resolves outside the vault.
    assert [d["message"].split(" not found")[0] for d in got["a.md"]] == ["note `../outside/secret`"]


def test_fix_never_writes_through_a_symlink_out_of_the_vault(make_vault, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    target = outside / "secret.md"
    target.write_text("---\ntitle: x\n---\n[[Secret]]\n")
    root = make_vault({"secret.md": "x"})
    (root / "secret.md").unlink()
    os.symlink(target, root / "secret.md")
    before = target.read_bytes()
    result = run("fix", root, "--unsafe-fixes")
    assert result.exit_code in (0, 1)
    assert target.read_bytes() == before and (root / "secret.md").is_symlink()


def test_unreadable_file(make_vault, monkeypatch):
    root = make_vault({"locked.md": "text", "ok.md": "[[locked]]"})
    if os.geteuid() != 0:
        os.chmod(root / "locked.md", 0)
    else:
        # root reads anything whatever its mode: make the read fail another way.
        real = note_files.read_file  # every read of a note goes through it

        def read_file(vault_root, path):
            if path == "locked.md":
                raise note_module.NoteReadError("cannot read the file: Permission denied")
            return real(vault_root, path)

        monkeypatch.setattr(note_files, "read_file", read_file)
    code, found = problems(root, "--no-cache")
    assert code == 1
    [d] = found
    assert (d["path"], d["rule"]) == ("locked.md", "unreadable-note") and "Permission denied" in d["message"]


def test_a_note_that_vanishes_during_the_run(make_vault, monkeypatch):
    root = make_vault({"gone.md": "text", "ok.md": "[[gone]]"})
    real = note_files.read_bytes

    def read_bytes(vault_root, path):
        if path == "gone.md":
            (Path(vault_root) / path).unlink(missing_ok=True)
        return real(vault_root, path)

    monkeypatch.setattr(note_files, "read_bytes", read_bytes)
    code, found = problems(root, "--no-cache")
    assert [(d["path"], d["rule"]) for d in found] == [("gone.md", "unreadable-note")]
    assert "No such file" in found[0]["message"]


def test_names_that_differ_in_case_or_unicode_form(make_vault):
    root = make_vault({
        "Note.md": "# A", "note.md": "# B",
        "caf\u00e9.md": "nfc", "cafe\u0301.md": "nfd",
        "links.md": "[[Note]] [[note]] [[caf\u00e9]] [[cafe\u0301]]",
    })
    code, found = problems(root, "--select", "broken-link")
    assert code == 0, found  # each link finds a note
    result = lint([root], select=["broken-link"])
    links = result.vault.note("links.md").links
    found = [set(result.vault.resolve(link, "links.md").candidates) for link in links]
    # Names that differ only in case are the same name (as on macOS and Windows); NFC and NFD are one name.
    assert found == [{"Note.md", "note.md"}] * 2 + [{"caf\u00e9.md", "cafe\u0301.md"}] * 2


def test_names_with_invisible_characters(make_vault):
    folder = "\u2068Talks\u2069"  # as in the seed's vault: a folder wrapped in bidi isolates
    root = make_vault({f"{folder}/talk.md": "[[home]]", "home.md": f"[[talk]] [[{folder}/talk]] [[Talks/talk]]"})
    code, found = problems(root)
    assert [(d["path"], d["message"].split(" not found")[0]) for d in found] == [("home.md", "note `Talks/talk`")]


# -- configuration --------------------------------------------------------------

@pytest.mark.parametrize("config, expected", [
    ("select = [", "not valid TOML"),
    ("exlude = []", "unknown key `exlude` (did you mean `exclude`?)"),
    ("case-sensitive = \"yes\"", "`case-sensitive`: must be true or false, not the string \"yes\""),
    ("[rule.broken-link]\nseverity = 3", "[rule.broken-link]"),
    ("[[schema]]\nfiles = [\"*\"]\npath = \"missing.schema.json\"", "missing.schema.json"),
    ("[[schema]]\nfiles = [\"*\"]\npath = \"bad.schema.json\"", "bad.schema.json"),
    ("[[schema]]\nfiles = [\"*\"]\npath = \"notjson.schema.json\"", "notjson.schema.json"),
    ("plugins = [\"plugin_raises.py\"]", "plugin_raises.py"),
    ("plugins = [\"no_such_module_here\"]", "no_such_module_here"),
])
def test_config_errors_exit_2_with_file_place_and_reason(config, expected, make_vault):
    root = make_vault({"a.md": "x", "bad.schema.json": '{"type": 12}', "notjson.schema.json": "{not json",
                       "plugin_raises.py": "x = 1\nraise RuntimeError('plugin broken on purpose')\n"}, config=config)
    result = run("check", root)
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert message.startswith("vaultlint: error: ") and ".vaultlint.toml" in message and expected in message
    if "plugin_raises" in config:
        assert "line 2" in message and "RuntimeError: plugin broken on purpose" in message


PLUGIN = '''
from vaultlint.rule import Rule

class Fragile(Rule):
    """fragile: crashes on one note."""
    name = "fragile"

    def check_note(self, note, ctx):
        if "boom" in note.text:
            raise ValueError("cannot cope")
        return ()
'''


def test_a_plugin_rule_that_crashes_on_one_note(make_vault):
    root = make_vault({"rules.py": PLUGIN, "a.md": "boom", "b.md": "[[nowhere]]"},
                      config='plugins = ["rules.py"]\nextend-select = ["fragile"]')
    code, found = problems(root, "--no-cache")
    assert code == 1
    assert [(d["path"], d["rule"]) for d in found] == [("a.md", "internal-error"), ("b.md", "unwritten-note")]
    assert "rule `fragile` crashed: ValueError: cannot cope" in found[0]["message"]


def test_output_to_a_closed_pipe_is_no_traceback(make_vault):
    root = make_vault({f"n{i}.md": "[[missing]]\n" * 50 for i in range(40)})
    proc = subprocess.run(f"{sys.executable} -m vaultlint check {root} | head -1", shell=True, capture_output=True,
                          text=True, cwd=Path(__file__).parent.parent, timeout=60)
    assert "Traceback" not in proc.stderr and proc.stdout.count("\n") == 1
