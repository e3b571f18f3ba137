"""The command line: a thin click layer over `vaultlint.api`.

Exit codes: 0 no problems, 1 problems found, 2 usage or config error,
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import os
import sys
from functools import lru_cache
from pathlib import Path

import click

from . import __version__, api
from .config import presets
from .config import settings as config_module
from .config.schema import ConfigError, closest
from .diagnostics import Severity
from .markdown.note import NoteReadError, decode
from .markdown.words import counted
from .output import formats as report
from .output.baseline import Baseline, BaselineError
from .registry import PluginError
from .vault.index import locate_root

PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=False))


def _split(values: tuple[str, ...]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def common_options(func):
    for option in reversed([
        click.option("--vault", "vault_dir", type=click.Path(file_okay=False),
                     help="The vault root (found from the paths by default)."),
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="Config file (default: .vaultlint.toml at the vault root)."),
        click.option("--select", multiple=True, help="Only these rules (comma-separated; ALL for every rule)."),
        click.option("--ignore", multiple=True, help="Not these rules (comma-separated)."),
        click.option("--no-plugins", is_flag=True,
                     help="Import none of the config's plugins (for a vault you do not trust; a warning names each); "
                          "rules installed as packages still load. VAULTLINT_NO_PLUGINS=1 does the same."),
    ]):
        func = option(func)
    return func


class Failure(click.ClickException):
    """A usage or config error: message on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"vaultlint: error: {self.format_message()}", err=True)


class Interrupted(click.ClickException):
    """Ctrl-C: exit code 130 (128 + SIGINT, as a shell reports a command it
    interrupted), with what was done already when something was written."""

    exit_code = 130

    def show(self, file=None) -> None:
        click.echo(f"vaultlint: interrupted{': ' if self.message else ''}{self.message}", err=True)


class Commands(click.Group):
    """The commands, each ended by Ctrl-C as `Interrupted` (click would say
    "Aborted!" and exit 1, the code for problems found)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise Interrupted(str(exc)) from None


@contextlib.contextmanager
def _written_when_interrupted(nothing: str):
    """Ctrl-C before anything was written: say so. (Once writing began,
    `fixer.Interrupted` tells how far it got.)"""
    from .fix.fixer import Interrupted as Cut

    try:
        yield
    except Cut:
        raise
    except KeyboardInterrupt:
        raise KeyboardInterrupt(nothing) from None


class ProgressBar:
    """click's progress bar on stderr, a bar for each stage of a long run
    (reading, matching link targets, checking, saving: see
    `engine.Progress`), so that no stage passes in silence; nothing when
    stderr is not a terminal (piped, pre-commit, CI)."""

    LONG = 2000  # steps of one stage (notes, mostly) that make a run long enough to show

    def __init__(self, file=None, silent: bool = False):
        self.file = file if file is not None else sys.stderr
        self.wanted = not silent and self.file.isatty() and not os.environ.get("CI")
        self.long = False
        self.bar = None
        self.what = None
        self.shown = 0

    def __call__(self, done: int, total: int, what: str) -> None:
        self.long = self.long or total >= self.LONG
        if not self.wanted or not self.long:
            return
        if (what, total) != self.what or done < self.shown:  # a new stage (or a stage again): a new bar
            self._end()
            self.bar = click.progressbar(length=total, label=what, file=self.file)
            self.bar.__enter__()
            self.what, self.shown = (what, total), 0
        self.bar.update(done - self.shown)
        self.shown = done

    def _end(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*(exc or (None, None, None)))
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._end(*exc)


def run_api(call):
    try:
        return call()
    except (ConfigError, api.UsageError, PluginError, BaselineError) as exc:
        raise Failure(str(exc)) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
# The distribution's name too: another project's `vaultlint` command may be the one on the PATH.
@click.version_option(__version__, prog_name="vaultlint", message="%(prog)s, version %(version)s (obsidian-vaultlint)")
def main() -> None:
    """Lint and maintain Obsidian vaults."""
    log = logging.getLogger("vaultlint")
    for handler in log.handlers:
        if isinstance(handler, StderrLog):
            handler.said.clear()  # (a new command: `main` is called again in the same process by tests)
            break
    else:
        log.addHandler(StderrLog())
    log.setLevel(logging.INFO)


class StderrLog(logging.Handler):
    """What the API tells on the `vaultlint` log (a temporary file removed,
    a plugin not loaded), on stderr as `vaultlint: ...` and `vaultlint:
    warning: ...`; once a command (`fix` checks more than once)."""

    def __init__(self):
        super().__init__()
        self.said: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning: " if record.levelno >= logging.WARNING else ""
        text = f"vaultlint: {level}{record.getMessage()}"
        if text not in self.said:
            self.said.add(text)
            click.echo(text, err=True)


@main.command()
@PATHS
@common_options
@click.option("--output-format", type=click.Choice(sorted(report.FORMATS)), default="text", show_default=True,
              help="text or concise: a line per problem; full: with the source line, a caret and the fix; "
                   "json; github: workflow annotations; sarif: SARIF 2.1.0; junit: JUnit XML.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("--staged", is_flag=True,
              help="For pre-commit: check only the notes given (none: none), and the links elsewhere that "
                   "git's staged changes break (files deleted or renamed, headings or block ids removed).")
@click.option("--statistics", is_flag=True, help="Count the problems per rule instead of listing them.")
@click.option("--max-results", type=click.IntRange(min=0), default=None,
              help=f"sarif: the most results written, the most severe kept (default {report.SARIF_MAX_RESULTS:,}, "
                   "GitHub code scanning's limit; 0: all).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="info", show_default=True,
              help="The least severity that makes the exit code 1.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Report only the problems this baseline does not hold (default: the config's `baseline`).")
@click.option("--no-baseline", is_flag=True, help="Report every problem, whatever the config's `baseline` says.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              help="Record every problem found in this file (and exit 0).")
@click.option("--no-cache", is_flag=True, help="Check every note afresh; neither read nor write the cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that read notes in a large cold run (default: the number of cores).")
@click.option("--verbose", "-v", is_flag=True,
              help="After the results, say on stderr what the run did: notes checked, reused from the cache, read.")
@click.option("--show-settings", is_flag=True,
              help="Print the vault root, the config files read and the settings and rules in force; check nothing.")
@click.option("--watch", is_flag=True,
              help="Check again as files change, printing the problems that appeared (+) and went away (-); "
                   "Ctrl-C ends it (exit 0). Needs the watch extra.")
def check(paths, vault_dir, config_file, select, ignore, output_format, color, staged, statistics, max_results, verbose,
          exit_zero, fail_on, baseline_file, no_baseline, write_baseline, no_cache, jobs, no_plugins, show_settings,
          watch):
    """Lint the vault, or only the notes under PATHS (links still resolve
    against the whole vault). Results are cached in .vaultlint_cache/ and
    reused while notes do not change."""
    if show_settings:
        return _show_settings(paths, vault_dir, config_file, select, ignore, no_plugins)
    if watch:
        return _watch(paths, vault_dir, config_file, select, ignore, no_cache, no_plugins,
                      other=staged or write_baseline or statistics or output_format != "text")
    if write_baseline and staged:
        raise Failure("--write-baseline records the whole vault; run it without --staged")
    if max_results is not None and (output_format != "sarif" or statistics):
        raise Failure("--max-results caps the results of --output-format sarif only")
    with ProgressBar() as progress:
        result = run_api(lambda: api.lint(
            paths, vault_dir=vault_dir, config_file=config_file,
            select=_split(select) or None, ignore=_split(ignore) or None,
            cache=not no_cache, jobs=jobs, progress=progress, staged=staged, plugins=not no_plugins,
        ))
    note_text = _note_text(result.vault)
    if paths and not result.paths and not staged:  # (paths that hold no note at all are a usage error)
        click.echo("vaultlint: the notes under the paths given are all excluded by the config's `exclude`; "
                   "none was checked", err=True)
    if write_baseline:
        Baseline.of(result.diagnostics, note_text).write(write_baseline)
        problems, notes = len(result.diagnostics), len(result.paths)
        click.echo(f"Wrote {problems} problem{_s(problems)} of {notes} note{_s(notes)} to {write_baseline}.", err=True)
        sys.exit(0)
    baseline_file = _baseline_file(result.config, baseline_file, no_baseline)
    known = None
    if baseline_file:
        known = run_api(lambda: Baseline.read(baseline_file)).filter(result.diagnostics, note_text, result.paths)
    if color is None:
        color = sys.stdout.isatty()
    _show(result, known.new if known else result.diagnostics, output_format=output_format, statistics=statistics,
          color=color, note_text=note_text, cached=known is None, max_results=max_results)
    if known is not None:
        _tell_known(known, baseline_file)
        failed = any(d.severity.rank >= Severity(fail_on).rank for d in known.new)
    else:
        failed = result.failed(Severity(fail_on))
    if verbose:  # (after the results, also when both go to one file)
        sys.stdout.flush()
        click.echo(f"vaultlint: {result.stats.line()}", err=True)
    sys.exit(1 if failed and not exit_zero else 0)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _watch(paths, vault_dir, config_file, select, ignore, no_cache, no_plugins, other: bool) -> None:
    """`check --watch` (see `vaultlint.lsp.watch`): Ctrl-C is how it ends, exit 0."""
    if other:
        raise Failure("--watch prints text; it takes none of --staged, --write-baseline, --statistics, "
                      "--output-format")
    try:
        import watchfiles  # noqa: F401

        from .lsp.watch import watch
    except ImportError:
        raise Failure("--watch needs watchfiles: pip install 'obsidian-vaultlint[watch]'") from None
    root = run_api(lambda: api.vault_root(paths, vault_dir))
    try:
        run_api(lambda: watch(root, lambda line: click.echo(line), config_file=config_file,
                              select=_split(select) or None, ignore=_split(ignore) or None,
                              plugins=not no_plugins, use_cache=not no_cache))
    except KeyboardInterrupt:
        click.echo("vaultlint: stopped watching", err=True)
    sys.exit(0)


def _baseline_file(config, given: str | None, off: bool) -> str | None:
    """The baseline in force: `--baseline`, else the config's `baseline`
    (from the vault root, shown from the current folder), unless
    `--no-baseline`."""
    if off:
        return None
    if given or not config.baseline:
        return given
    return os.path.relpath(config.root / config.baseline)


def _tell_known(known, baseline_file: str) -> None:
    if known.known or known.gone:
        gone = ""
        if known.gone:
            gone = (f"; {known.gone} problem{_s(known.gone)} it holds {'is' if known.gone == 1 else 'are'} gone "
                    "(rewrite it with --write-baseline)")
        click.echo(f"{known.known} known problem{_s(known.known)} hidden by the baseline {baseline_file}{gone}.",
                   err=True)


def _show(result, diagnostics, *, output_format: str, statistics: bool, color: bool, note_text,
          cached: bool = False, max_results: int | None = None) -> None:
    """Print `diagnostics` (of `result`'s run) in `output_format`, or their
    count per rule; `cached`: they are all the run found, whose text the
    cache may hold already."""
    if statistics:
        if output_format not in ("text", "concise", "full", "json"):
            raise Failure("--statistics prints text or json; drop --output-format " + output_format)
        click.echo(report.statistics(diagnostics, as_json=output_format == "json"), nl=False)
        return
    formatter = report.FORMATS[output_format]

    cap = {} if max_results is None else {"max_results": max_results}

    def text(diagnostics):  # (pieces of text, written as they come)
        files = set(result.vault.files)  # a set: a list made this quadratic on large vaults
        checked = len(set(result.paths) | {d.path for d in diagnostics if d.path in files})
        return formatter(diagnostics, checked=checked, color=color, root=result.root,
                         rules={r.name: r for r in result.rules}, note_text=note_text, **cap)

    if not cached:
        pieces = (piece.encode("utf-8", "surrogatepass") for piece in text(diagnostics))
    else:  # what else the text depends on: the vault's and the current folder (formats name files from it)
        options = f"{output_format} color={color} root={result.root} cwd={os.getcwd()} max={max_results}"
        pieces = result.encoded(options, text)
    left_out = None
    for data in pieces:
        if left_out is None and output_format == "sarif":  # (said at the start of the document)
            left_out = report.sarif_left_out(data) or ""
        echo_utf8(data)
    if left_out:
        click.echo(f"vaultlint: warning: {left_out}", err=True)


def _note_text(vault):
    """path -> the note's text (None when it cannot be read), read again
    only for the notes that have problems (a cached run parsed none)."""

    @lru_cache(maxsize=256)
    def text(path: str):
        try:
            return decode((vault.root / path).read_bytes())[0]
        except (OSError, NoteReadError):
            return None

    return text


@main.command("fix")
@PATHS
@common_options
@click.option("--unsafe-fixes", "unsafe", is_flag=True, help="Apply unsafe fixes too (look at the diff first).")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff and change no note (exit 1 on a change); the cache is kept as by check "
                   "(--no-cache: not even that).")
@click.option("--interactive", "-i", is_flag=True,
              help="Ask about each fix (unsafe ones too); pick a broken link's target.")
@click.option("--staged", is_flag=True,
              help="For pre-commit: fix only the notes given (none: none), and let git's index tell which notes "
                   "of the vault changed.")
@click.option("--no-cache", is_flag=True, help="Check every note afresh; neither read nor write the cache.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="The problems this baseline holds do not fail the run (default: the config's `baseline`).")
@click.option("--no-baseline", is_flag=True, help="Ignore the config's `baseline`.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems remain.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="info", show_default=True,
              help="The least severity of a problem left that makes the exit code 1.")
@click.option("--show-remaining", is_flag=True, help="List the problems that remain, with their suggestions.")
@click.option("--output-format", type=click.Choice(sorted(report.FORMATS)), default=None,
              help="List the problems that remain in this format (as `check` does); the summary goes to stderr.")
@click.option("--statistics", is_flag=True, help="Count the problems that remain per rule.")
def fix_command(paths, vault_dir, config_file, select, ignore, unsafe, show_diff, interactive, staged, no_cache,
                baseline_file, no_baseline, exit_zero, fail_on, show_remaining, output_format, statistics, no_plugins):
    """Apply the fixes of the problems `check` finds: safe ones only, unless
    --unsafe-fixes. Suggestions (display-only fixes) are shown, never applied.
    Prints what it fixed and how many problems remain (--show-remaining lists
    them). Exit code: 1 when problems remain (but with --exit-zero, or those
    a baseline holds) or a note was not written; with --staged (the fix
    hook), only when a note was not written: what remains is the check
    hook's to report; with --diff, 1 when a note would change."""
    from .fix import fixer

    decide = None
    if interactive:
        from .fix.interactive import Prompter

        decide = Prompter()
    # (No bar while a person is asked about each fix.)
    with ProgressBar(silent=interactive) as progress, _written_when_interrupted("no note was written"):
        run = run_api(lambda: api.fix(
            paths, vault_dir=vault_dir, config_file=config_file,
            select=_split(select) or None, ignore=_split(ignore) or None,
            unsafe=unsafe, write=not show_diff, decide=decide, cache=not no_cache, progress=progress,
            staged=staged, plugins=not no_plugins,
        ))
    checked = run.checked
    if show_diff:
        click.echo(run.diff(), nl=False)
    baseline_file = _baseline_file(checked.config, baseline_file, no_baseline)
    disk = _note_text(checked.vault)

    def note_text(path: str):  # the notes as fixed (in memory only, with --diff)
        return run.texts[path] if path in run.texts else disk(path)

    left, known = run.remaining, None
    if baseline_file:
        known = run_api(lambda: Baseline.read(baseline_file)).filter(left, note_text, checked.paths)
        left = known.new
    listed = output_format is not None or statistics
    if listed:
        _show(checked, left, output_format=output_format or "text", statistics=statistics,
              color=sys.stdout.isatty(), note_text=note_text)
    elif show_remaining and not show_diff:
        lines = report.diagnostic_lines(left, color=sys.stdout.isatty(), shown=report.Shown(checked.root))
        for d, line in zip(left, lines, strict=True):
            click.echo(line)
            if d.fix is not None and d.fix.message and not fixer.allowed(d.fix, unsafe):
                click.echo(f"    suggestion: {d.fix.message} ({d.fix.applicability.value}, not applied)")
    click.echo(run.summary(unsafe=unsafe, dry_run=show_diff, remaining=left, known=known.known if known else 0,
                           reasons=False), err=listed or show_diff)
    for why in run.refused:
        click.echo(f"vaultlint: not written: {why}", err=True)
    if known is not None and known.gone:
        click.echo(f"{known.gone} problem{_s(known.gone)} the baseline {baseline_file} holds "
                   f"{'is' if known.gone == 1 else 'are'} gone (rewrite it with `vaultlint check --write-baseline`).",
                   err=True)
    if show_diff:
        sys.exit(1 if run.changed else 0)
    failed = any(d.severity.rank >= Severity(fail_on).rank for d in left) and not exit_zero and not staged
    sys.exit(1 if failed or run.refused else 0)


@main.command("mv")
@click.argument("old", type=click.Path(exists=False))
@click.argument("new", type=click.Path(exists=False))
@click.option("--vault", "vault_dir", type=click.Path(file_okay=False), help="The vault root (found from OLD).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file.")
@click.option("--dry-run", is_flag=True, help="Print what would be renamed and the diff; change nothing.")
@click.option("--merge", is_flag=True, help="OLD is a duplicate of NEW: point its links at NEW, move no file.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, exists=True),
              help="The baseline whose entries follow the notes moved (default: the config's `baseline`).")
@click.option("--no-baseline", is_flag=True, help="Leave the config's `baseline` as it is.")
def mv_command(old, new, vault_dir, config_file, dry_run, merge, baseline_file, no_baseline):
    """Rename a note, folder or attachment OLD to NEW and rewrite every link,
    embed and Markdown link to it, keeping each link's alias, heading and style.
    The baseline's entries for the notes moved follow them."""
    with _written_when_interrupted("no note was rewritten, no file moved"):
        moved = run_api(lambda: api.move(old, new, vault_dir=vault_dir, config_file=config_file,
                                         merge=merge, write=not dry_run,
                                         baseline=False if no_baseline else baseline_file))
    if dry_run:
        click.echo(moved.diff(), nl=False)
    click.echo(moved.summary(dry_run=dry_run))


@main.command("links")
@click.argument("path", required=False, type=click.Path(exists=False))
@click.option("--vault", "vault_dir", type=click.Path(file_okay=False), help="The vault root (found from PATH).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Config file.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Entries per section (text).")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def links_view(path, vault_dir, config_file, top, output_format):
    """The vault's link health: most wanted missing notes (with the notes
    linking there), orphans, ambiguous names, near-duplicate notes."""
    from .output import links_view as links

    paths = [path] if path else []
    _config, vault = run_api(lambda: api.open_vault(paths, vault_dir=vault_dir, config_file=config_file))
    data = links.overview(vault, top=top if output_format == "text" else 10**9)
    render = links.render_json if output_format == "json" else links.render_text
    click.echo(render(data, top), nl=False)


@main.command("rules")
@common_options
def list_rules(vault_dir, config_file, select, ignore, no_plugins):
    """List every rule as the config in force (and --select, --ignore) sets
    it: name, severity, on or off, fixable, summary."""
    _root, config, table, active = run_api(lambda: _rules_in_force((), vault_dir, config_file, select, ignore,
                                                                    no_plugins))
    width = max(len(n) for n in table)
    for name in sorted(table):
        rule = table[name]
        severity = (active[name].severity if name in active else rule.severity).value
        state = "on " if name in active else "off"
        fix = "fix" if rule.fixable else "   "
        summary = rule.summary().split(":", 1)[-1].strip()
        click.echo(f"{name:<{width}}  {severity:<7}  {state}  {fix}  {summary}")
    click.echo(f"vaultlint: as set by {config.source}{' and the command line' if select or ignore else ''}", err=True)


@main.command("rule")
@click.argument("name")
@common_options
def show_rule(name, vault_dir, config_file, select, ignore, no_plugins):
    """Print the manual of rule NAME, and how the config in force sets it."""
    _root, config, table, active = run_api(lambda: _rules_in_force((), vault_dir, config_file, select, ignore,
                                                                    no_plugins))
    if name not in table:
        raise Failure(f"no rule named `{name}`{closest(name, table)}; `vaultlint rules` lists them")
    click.echo(table[name].manual().rstrip("\n"))
    click.echo(f"\nHere ({config.source}{' and the command line' if select or ignore else ''}): "
               + _rule_in_force(table[name], active.get(name)))


def _rules_in_force(paths, vault_dir, config_file, select, ignore, no_plugins):
    """(the vault root of `paths`, its config, every rule by name, the rules
    in force by name, as the config and the command line set them)."""
    root = api.vault_root(paths, vault_dir)
    config = config_module.load(root, Path(config_file) if config_file else None, plugins=not no_plugins)
    active = config.active_rules(_split(select) or None, _split(ignore) or None)
    return root, config, config.rule_table(), {r.name: r for r in active}


def _rule_in_force(rule, active) -> str:
    """'on, severity warning, max-suggestions = 5' (the options that differ from the defaults)."""
    if active is None:
        return f"off (default severity {rule.severity.value})"
    defaults = {key: spec.get("default") for key, spec in rule.options.items()}
    options = [f"{key} = {_toml(value)}" for key, value in sorted(active.options.items()) if defaults.get(key) != value]
    return ", ".join([f"on, severity {active.severity.value}", *options])


def _toml(value) -> str:
    """A value as TOML writes it (what `--show-settings` prints is valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _show_settings(paths, vault_dir, config_file, select, ignore, no_plugins) -> None:
    """`check --show-settings`: the vault root, the config files it read (and
    the presets and files they extend), the values in force, and each rule
    in force with its severity and the options that differ from defaults."""
    root, config, table, on = run_api(lambda: _rules_in_force(paths, vault_dir, config_file, select, ignore,
                                                              no_plugins))
    click.echo(f"# vault root: {root}")
    file = config.file
    if file is None:
        click.echo("# config: none (the defaults)")
    while file is not None:  # (`load` refused a circle already)
        extended = presets.tomllib.loads(Path(file).read_text(encoding="utf-8")).get("extends")
        preset = Path(file).resolve().parent == presets.PRESETS
        click.echo(f"# {'preset' if preset else 'config'}: {file}")
        file = presets.locate(extended, Path(file)) if extended else None
    if select or ignore:
        given = [*(f"--select {v}" for v in select), *(f"--ignore {v}" for v in ignore)]
        click.echo(f"# from the command line: {' '.join(given)}")
    values = {
        "exclude": config.exclude, "plugins": config.plugins, "resolution": config.resolution,
        "case-sensitive": config.case_sensitive, "trust-folder-times": config.trust_folder_times,
        "timestamp-pattern": config.timestamp_pattern, "schema-key": config.schema_key,
    }
    if config.baseline:
        values["baseline"] = config.baseline
    for key, value in values.items():
        click.echo(f"{key} = {_toml(value)}")
    click.echo(f"select = {_toml(sorted(on))}  # the rules in force: {len(on)} of {len(table)}")
    if config.per_file_ignores:
        click.echo(f"per-file-ignores = {_toml(config.per_file_ignores)}")
    for schema in config.schemas:
        click.echo("\n[[schema]]\n" + "\n".join(f"{k} = {_toml(v)}" for k, v in schema.items()))
    for name in sorted(on):
        click.echo(f"\n[rule.{name}]\nseverity = {_toml(on[name].severity.value)}")
        for key, value in sorted(on[name].options.items()):
            click.echo(f"{key} = {_toml(value)}")


@main.command()
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Replace an existing .vaultlint.toml.")
@click.option("--print", "print_only", is_flag=True, help="Print the config; write nothing.")
@click.option("--no-schema", is_flag=True, help="Infer no front-matter schema.")
def init(folder, force, print_only, no_schema):
    """Write a starting .vaultlint.toml for the vault in FOLDER (default: the
    current one) from its habits, then check the vault with it."""
    from .commands import init as habits

    # The vault marked above FOLDER, else FOLDER itself: init is what marks
    # a vault, and the folder named is the one meant (not a git work tree).
    root, how = locate_root([Path(folder or ".")])
    if how != "marker":
        root = Path(folder or ".").resolve()
    found = habits.detect(root)
    if print_only:
        click.echo(habits.config_text(found, schema_file=None if no_schema else habits.SCHEMA_FILE), nl=False)
        return
    try:
        written = habits.write(root, found, force=force, schema=not no_schema)
    except habits.InitError as exc:
        raise Failure(str(exc)) from None
    for file in written:
        click.echo(f"Wrote {file}")
    click.echo(f"\nThe vault's habits ({counted(found.notes, 'note')}): {habits.summary(found)}\n")
    result = run_api(lambda: api.lint([root], vault_dir=root))
    click.echo(report.statistics(result.diagnostics), nl=False)
    click.echo(report.summary(result.diagnostics, len(result.paths)))
    if result.diagnostics:
        click.echo("\nNext: `vaultlint check` lists them; `vaultlint fix` repairs the safe ones; to adopt vaultlint in "
                   "CI today and fail only on new problems, record these with\n"
                   "    vaultlint check --write-baseline .vaultlint-baseline.json\n"
                   "and name it in .vaultlint.toml, `baseline = \".vaultlint-baseline.json\"`: check, fix, mv and "
                   "the pre-commit hooks then use it.")


@main.group("schema")
def schema_group() -> None:
    """Front-matter schemas: `vaultlint schema infer`."""


@schema_group.command("infer")
@PATHS
@click.option("--vault", "vault_dir", type=click.Path(file_okay=False),
              help="The vault root (found from the paths by default).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config file (its `exclude` is honoured).")
@click.option("--enum-max", default=10, show_default=True, help="Most distinct values that still make an enum.")
@click.option("--closed", is_flag=True, help="Allow no other keys (additionalProperties: false).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the schema to this file.")
def schema_infer(paths, vault_dir, config_file, enum_max, closed, output):
    """Propose a JSON Schema from the front-matter of the notes under PATHS
    (the whole vault by default)."""
    from .commands.schema_infer import infer_vault

    got = run_api(lambda: infer_vault(paths, vault_dir=vault_dir, config_file=config_file,
                                      enum_max=enum_max, closed=closed))
    text = json.dumps(got.schema, indent=2, ensure_ascii=False) + "\n"
    if output:
        try:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        click.echo(text, nl=False)
    click.echo(f"vaultlint: inferred from {counted(got.notes, 'note')} with front-matter", err=True)
    if got.templates:
        click.echo(f"vaultlint: left out {counted(len(got.templates), 'template')} (placeholders such as "
                   f"{{{{date}}}} in the front-matter, e.g. {got.templates[0]})", err=True)
    if got.skipped:
        click.echo(f"vaultlint: skipped {counted(len(got.skipped), 'note')} whose front-matter does not parse "
                   f"(e.g. {got.skipped[0]})", err=True)
    for key, common in got.lonely_keys():
        click.echo(f"vaultlint: `{key}` is in one note only: a typo of `{common}`?", err=True)
    click.echo(f"vaultlint: {got.how_to_use(output)}", err=True, nl=False)


def echo_utf8(data: bytes) -> None:
    """Print text given in UTF-8 (lone surrogates passed): its bytes as they
    are when stdout takes UTF-8 and they hold no surrogate (a byte 0xED
    begins one, and a few Hangul syllables: those go the long way), else
    through click. A warm run over 100,000 notes prints 23 MB."""
    stdout = sys.stdout
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None and codecs.lookup(stdout.encoding or "ascii").name == "utf-8" and b"\xed" not in data:
        stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:
        click.echo(data.decode("utf-8", "surrogatepass"), nl=False)


@main.command("server")
@click.option("--trust", "trusted", multiple=True, type=click.Path(file_okay=False),
              help="A vault root (or a folder of vaults) whose plugins the server may load; repeatable. "
                   "Untrusted vaults are checked without their plugins.")
@click.option("--stdio", is_flag=True, help="Talk over stdin and stdout (the default and only way; editors pass it).")
def server_command(trusted, stdio):
    """Run the language server for editors, over stdio (needs the server extra)."""
    try:
        from .lsp.server import serve
    except ImportError as exc:
        raise Failure(f"the server needs pygls and lsprotocol: pip install 'obsidian-vaultlint[server]' ({exc})") \
            from None
    serve(trusted)


@main.command("mcp")
@click.argument("vault", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--read-only", is_flag=True, help="Refuse every write (fix and move give their diff only).")
@click.option("--trust", is_flag=True,
              help="Load the plugins the vault's config names (its own Python code); without it, or "
                   "VAULTLINT_MCP_TRUST=1, they are not loaded and the server says so.")
@click.option("--no-cache", is_flag=True, help="Check every note afresh at the start; write no .vaultlint_cache/.")
def mcp_command(vault, read_only, trust, no_cache):
    """Serve the vault (VAULT, else the one the current folder is in) to AI
    agents: a Model Context Protocol server over stdio (needs the mcp extra)."""
    try:
        from .agent.server import serve
    except ImportError as exc:
        raise Failure(f"the MCP server needs the mcp SDK: pip install 'obsidian-vaultlint[mcp]' ({exc})") from None
    root = run_api(lambda: api.vault_root([], vault))
    trusted = trust or os.environ.get("VAULTLINT_MCP_TRUST", "") not in ("", "0")
    run_api(lambda: serve(root, trusted=trusted, read_only=read_only, use_cache=not no_cache))


def run() -> None:  # pragma: no cover (it ends the process: tests call `main`)
    """The console script and `python -m vaultlint`: `main`, then out at
    once. A run over a large vault leaves hundreds of thousands of objects
    that the interpreter would free one by one on its way out (a tenth of a
    second and more at 100,000 notes) for nothing: everything is written by
    then (files by `writer`, the cache committed, workers joined)."""
    try:
        main(prog_name="vaultlint")
        code = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away (`| head`): nothing more to say
        pass
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
