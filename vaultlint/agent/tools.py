"""The MCP server's tools as plain Python: one `VaultTools` holds the
workspace of one vault and answers each tool with a JSON-ready dict, or
raises `Refused` (the server turns it into a tool error the agent reads).

Safe by default:

- every path an agent gives is taken relative to the vault root, made
  absolute, and refused when it, or the file a symlink on the way leads to,
  is outside the vault (`inside`);
- nothing is written without `write: true`, and nothing at all in read-only
  mode; writes go through `vaultlint.api.fix` and `vaultlint.api.move`,
  which write atomically (the cache in `.vaultlint_cache/` is vaultlint's
  own, as for `vaultlint check`);
- lists that grow with the vault are capped, and each answer says how much
  it left out;
- a vault's plugins (its own Python) run only when the server was told to
  trust it; otherwise each answer about problems says which were not loaded.

Agents write notes behind the server's back (with their own file tools),
so before answering, the files a request names are compared with what the
workspace last read (their size and modification time) and read again when
they changed; with watchfiles installed, a watcher also reports every other
file of the vault that changes (a note linked to, a note added). The
workspace is not thread-safe: every call runs under one lock.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

from ..api import UsageError
from ..api import fix as api_fix
from ..api import move as api_move
from ..checks.obsidian_types import TYPES_FILE, declared_types
from ..checks.schemas import SchemaSet
from ..config.schema import ConfigError, closest
from ..config.settings import CONFIG_NAME, plugins_refused
from ..diagnostics import Diagnostic
from ..fix.fixer import unified_diff
from ..markdown.note import NoteReadError, parse
from ..markdown.scanner import Link
from ..output.formats import as_dict
from ..output.links_view import overview
from ..registry import PluginError
from ..vault.index import HIDDEN_PREFIX, NOTE_SUFFIXES, Status
from ..workspace import Workspace

# Caps: what an answer holds by default, and the most an agent may ask for.
DEFAULT_RESULTS, MAX_RESULTS = 100, 10_000
DEFAULT_DIFF_CHARS, MAX_DIFF_CHARS = 50_000, 2_000_000
DEFAULT_TOP, MAX_TOP = 20, 1_000
MAX_SUGGESTIONS = 50
MAX_TEXT_CHARS = 5_000_000  # the text of one note to check (the largest real notes are a few hundred KB)
LISTED = 50  # headings or block ids listed with a link that misses one
# A file whose modification time is this close to the opening (or later)
# may have changed while the workspace read it: it is read again.
RACY_NS = 2_000_000_000


class Refused(Exception):
    """A request the server does not carry out; the message says why."""


def _cap(value: int, default: int, most: int, what: str) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Refused(f"{what} must be a whole number, 0 or more")
    return min(value, most)


class VaultTools:
    """The tools of one open vault. Made by `open`."""

    def __init__(self, ws: Workspace, *, trusted: bool, read_only: bool, opened_ns: int, use_cache: bool = True):
        self.ws = ws
        self.use_cache = use_cache
        self.trusted = trusted
        self.read_only = read_only
        self.lock = threading.RLock()
        self._opened_ns = opened_ns
        self._seen: dict[str, tuple[int, int] | None] = {}  # path -> (mtime_ns, size) when last read; None: absent
        self._changed: set[str] = set()  # absolute paths the watcher saw change
        self._changed_lock = threading.Lock()
        self._watching: threading.Event | None = None

    @classmethod
    def open(cls, root: str | os.PathLike, *, trusted: bool = False, read_only: bool = False,
             use_cache: bool = True) -> VaultTools:
        """Open the vault at `root` (UsageError, ConfigError, PluginError as
        `Workspace.open`). Its plugins are imported only when `trusted`."""
        trusted = trusted and not plugins_refused()
        opened = time.time_ns()
        ws = Workspace.open(root, plugins=trusted, use_cache=use_cache)
        return cls(ws, trusted=trusted, read_only=read_only, opened_ns=opened, use_cache=use_cache)

    @property
    def root(self) -> Path:
        return self.ws.root

    # -- trust ----------------------------------------------------------------
    def plugins(self) -> dict:
        """Whether the vault's plugins run here, and which were left out."""
        not_loaded = list(self.ws.config.unloaded_plugins)
        state = {"trusted": self.trusted, "not_loaded": not_loaded}
        if not_loaded:
            state["message"] = self.untrusted_message()
        return state

    def untrusted_message(self) -> str:
        names = ", ".join(f"`{p}`" for p in self.ws.config.unloaded_plugins)
        if not names:
            return ""
        return (f"the vault's config names plugins ({names}) that were not loaded, so their rules did not run: "
                "the server was not told to trust this vault (start it with `vaultlint mcp --trust`, "
                "or set VAULTLINT_MCP_TRUST=1, in the client's configuration)")

    # -- paths ------------------------------------------------------------------
    def inside(self, path: str, *, what: str = "path") -> str:
        """`path` (vault-relative, or absolute) as a vault-relative,
        "/"-separated path; Refused when it, or where its symlinks lead, is
        outside the vault. "." is the vault itself."""
        if not isinstance(path, str) or not path.strip():
            raise Refused(f"{what}: a path inside the vault is needed")
        if "\x00" in path:
            raise Refused(f"{what}: a path holds no NUL character")
        root = self.root
        given = Path(path.strip().replace("\\", "/"))
        absolute = Path(os.path.normpath(given if given.is_absolute() else root / given))
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise Refused(f"{what}: {path} is outside the vault {root}") from None
        real = Path(os.path.realpath(absolute))
        try:
            real.relative_to(Path(os.path.realpath(root)))
        except ValueError:
            raise Refused(f"{what}: {path} leads outside the vault {root} (through a symbolic link)") from None
        return rel or "."

    def _note_path(self, path: str, what: str = "path") -> str:
        rel = self.inside(path, what=what)
        if not rel.endswith(NOTE_SUFFIXES):
            raise Refused(f"{what}: {path} is not a note (a note is a Markdown file, .md)")
        if any(part.startswith(HIDDEN_PREFIX) for part in rel.split("/")):
            raise Refused(f"{what}: {path} is in a hidden folder or file, which is not part of the vault's notes")
        return rel

    # -- what changed on disk ---------------------------------------------------
    def sync(self, paths: list[str] = ()) -> None:
        """Take in what changed on disk: the files the watcher saw, and the
        files `paths` (vault-relative) if their size or time moved since the
        workspace read them."""
        with self._changed_lock:
            changed, self._changed = self._changed, set()
        rels = set()
        for file in changed:
            try:
                rel = Path(file).relative_to(self.root).as_posix()
            except ValueError:
                continue
            if rel == CONFIG_NAME or rel == TYPES_FILE:
                self._reload_config()
            elif not any(part.startswith(HIDDEN_PREFIX) for part in rel.split("/")):
                rels.add(rel)
        for rel in rels:
            if (self.root / rel).is_dir():
                self.ws.rescan()
            else:
                self._seen[rel] = self._stat(rel)
                self.ws.update(rel)
        for rel in paths:
            if rel in rels or rel == ".":
                continue
            now = self._stat(rel)
            if rel in self._seen:
                moved = self._seen[rel] != now
            elif now is None:
                moved = rel in set(self.ws.files())
            else:
                moved = now[0] >= self._opened_ns - RACY_NS
            self._seen[rel] = now
            if moved and (now is not None or rel in set(self.ws.files())):
                self.ws.update(rel)

    def _stat(self, rel: str) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / rel)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size) if not os.path.isdir(self.root / rel) else None

    def _reload_config(self) -> None:
        try:
            self.ws.reload_config()
        except (ConfigError, PluginError):
            pass  # the workspace keeps the last good config; `check` of the config itself says why

    def watch(self) -> bool:
        """Start a thread that reports the vault's changed files (with
        watchfiles installed; False without it)."""
        try:
            import watchfiles
        except ImportError:
            return False
        stop = self._watching = threading.Event()
        root = self.root

        def wanted(change, path: str) -> bool:
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel in (CONFIG_NAME, TYPES_FILE):
                return True
            return not any(part.startswith(HIDDEN_PREFIX) for part in rel.split("/"))

        def run() -> None:
            try:
                for batch in watchfiles.watch(root, watch_filter=wanted, stop_event=stop, debounce=50, step=20,
                                              raise_interrupt=False):
                    with self._changed_lock:
                        self._changed.update(path for _change, path in batch)
            except Exception:  # a watch that cannot go on: named files are still compared before each answer
                return

        threading.Thread(target=run, name="vaultlint-watch", daemon=True).start()
        return True

    def stop(self) -> None:
        if self._watching is not None:
            self._watching.set()

    # -- tools ------------------------------------------------------------------
    def check(self, paths: list[str] | None = None, path: str | None = None, text: str | None = None,
              max_results: int | None = None) -> dict:
        """The problems of the notes under `paths` (the whole vault when
        none), or of `text` as if it were the note at `path`."""
        cap = _cap(max_results, DEFAULT_RESULTS, MAX_RESULTS, "max_results")
        with self.lock:
            if text is not None:
                if paths:
                    raise Refused("give either `text` (with the `path` it would have) or `paths`, not both")
                if path is None:
                    raise Refused("`text` needs `path`: where the note would be written")
                if not isinstance(text, str):
                    raise Refused("`text` must be a string")
                if len(text) > MAX_TEXT_CHARS:
                    raise Refused(f"`text` is longer than {MAX_TEXT_CHARS:,} characters")
                rel = self._note_path(path)
                self.sync([rel])
                return self._check_text(rel, text, cap)
            given = list(paths or []) + ([path] if path is not None else [])
            rels = [self.inside(p) for p in given]
            self.sync([r for r in rels if r != "."])
            return self._check_paths(rels, cap)

    def _check_text(self, rel: str, text: str, cap: int) -> dict:
        ws = self.ws
        existed = rel in set(ws.notes())
        try:
            ws.update(rel, text)
            found = ws.check(rel)
            excluded = ws.vault.is_excluded(rel)
        finally:
            ws.close(rel)
        answer = self._answer(found, cap, 1)
        answer["text_of"] = rel
        answer["note_exists"] = existed
        if excluded:
            answer["excluded"] = [rel]
        return answer

    def _check_paths(self, rels: list[str], cap: int) -> dict:
        ws = self.ws
        if not rels or "." in rels:
            found = ws.check()
            return self._answer(found, cap, len(ws.vault.included(ws.notes())))
        notes = ws.notes()
        known = set(notes)
        wanted: list[str] = []
        for rel in rels:
            if rel in known:
                wanted.append(rel)
            elif (self.root / rel).is_dir():
                prefix = rel + "/"
                wanted += [n for n in notes if n.startswith(prefix)]
            elif (self.root / rel).is_file():
                raise Refused(f"{rel} is not a note of the vault (a note is a Markdown file, .md, not hidden)")
            else:
                raise Refused(f"no such note or folder in the vault: {rel}")
        wanted = list(dict.fromkeys(wanted))
        excluded = [p for p in wanted if ws.vault.is_excluded(p)]
        found = [d for p in wanted for d in ws.check(p)]
        answer = self._answer(found, cap, len(wanted) - len(excluded))
        if excluded:
            answer["excluded"] = excluded[:cap]
        return answer

    def _answer(self, found: list[Diagnostic], cap: int, checked: int) -> dict:
        # The most severe are kept when the cap cuts, then shown in the JSON contract's order.
        kept = sorted(found, key=lambda d: (-d.severity.rank, d.sort_key))[:cap]
        kept.sort(key=lambda d: d.sort_key)
        return {
            "clean": not found,
            "count": len(found),
            "left_out": len(found) - len(kept),
            "notes_checked": checked,
            "by_severity": dict(Counter(d.severity.value for d in found)),
            "by_rule": dict(Counter(d.rule for d in found).most_common()),
            "diagnostics": [as_dict(d) for d in kept],
            "plugins": self.plugins(),
        }

    def resolve(self, link: str, source: str) -> dict:
        """Where `link` (as written: `[[Name#Heading|alias]]`, `[x](path.md)`,
        or a bare `Name#^block`) leads from the note `source`."""
        with self.lock:
            rel = self._note_path(source, "source")
            self.sync([rel])
            written = self._parse_link(link)
            if not written.target and rel not in set(self.ws.notes()):
                raise Refused(f"source: {source} is not a note of the vault, and the link leads within it")
            res = self.ws.vault.resolve(written, rel)
            out = {
                "link": link, "target": written.target, "subpath": written.subpath,
                "status": res.status.value, "path": res.path, "candidates": list(res.candidates),
                "ambiguous": res.ambiguous,
            }
            shown = f"`{written.target}`" if written.target else "this note"
            if res.status is Status.FOUND:
                out["why"] = f"leads to {res.path}" + (f", at `#{written.subpath}`" if written.subpath else "")
                if res.ambiguous:
                    out["why"] += (f"; {len(res.candidates)} files fit the name, the first is taken: "
                                   f"{', '.join(res.candidates)}")
            elif res.status is Status.MISSING:
                out["why"] = f"no file of the vault is named {shown}"
                out["suggestions"] = self.ws.suggest(written.target, rel, 5)
            elif res.status is Status.MISSING_HEADING:
                out["why"] = f"{res.path} has no heading `{written.subpath}`"
                headings = [h.text for h in self._note_or_none(res.path, "headings")]
                out["headings"] = headings[:LISTED]
                out["headings_left_out"] = max(0, len(headings) - LISTED)
            else:
                out["why"] = f"{res.path} has no block `{written.subpath}`"
                blocks = [b.id if hasattr(b, "id") else str(b) for b in self._note_or_none(res.path, "block_ids")]
                out["block_ids"] = blocks[:LISTED]
                out["block_ids_left_out"] = max(0, len(blocks) - LISTED)
            return out

    def _note_or_none(self, path: str, what: str) -> list:
        try:
            return getattr(self.ws, what)(path)
        except NoteReadError:
            return []

    @staticmethod
    def _parse_link(link: str) -> Link:
        if not isinstance(link, str) or not link.strip():
            raise Refused("link: the link as written is needed (`[[Name]]`, `[text](path.md)` or `Name#Heading`)")
        text = link.strip()
        if text.startswith(("[", "!")):
            found = parse("link.md", text).links
            if not found:
                raise Refused(f"link: {link} is not a link vaultlint can read")
            return found[0]
        target, _, subpath = text.partition("|")[0].partition("#")
        return Link("wiki", False, target.strip(), subpath or None, None, 0, 0, 0, 0)

    def suggest(self, name: str, source: str = "", limit: int | None = None) -> dict:
        """The notes a name (a link target) probably means, best first."""
        most = _cap(limit, 5, MAX_SUGGESTIONS, "limit")
        if not isinstance(name, str) or not name.strip():
            raise Refused("name: a name is needed")
        with self.lock:
            rel = self._note_path(source, "source") if source else ""
            self.sync()
            fits = list(self.ws.vault.candidates(name.strip(), rel))
            return {"name": name, "found": fits, "suggestions": self.ws.suggest(name.strip(), rel, most)}

    def fix(self, paths: list[str] | None = None, unsafe: bool = False, write: bool = False,
            max_chars: int | None = None) -> dict:
        """The diff of the fixes of the notes under `paths` (the whole vault
        when none); written only with `write`."""
        cap = _cap(max_chars, DEFAULT_DIFF_CHARS, MAX_DIFF_CHARS, "max_chars")
        with self.lock:
            if write:
                self._may_write()
            rels = [self.inside(p) for p in paths or []]
            self.sync([r for r in rels if r != "."])
            given = [self.root / r for r in rels if r != "."] if "." not in rels else []
            try:
                run = api_fix(given, vault_dir=self.root, unsafe=unsafe, write=write, plugins=self.trusted,
                             cache=self.use_cache)
            except (UsageError, ConfigError, PluginError) as exc:
                raise Refused(str(exc)) from None
            diffs = [unified_diff(p, run.originals[p].text, run.texts[p]) for p in run.changed]
            shown, size = [], 0
            for d in diffs:
                if size + len(d) > cap and shown:
                    break
                shown.append(d)
                size += len(d)
            if write:
                for p in run.written:
                    self._seen[p] = self._stat(p)
                    self.ws.update(p)
            answer = {
                "written": write,
                "changed": run.changed,
                "diff": "".join(shown),
                "left_out": len(diffs) - len(shown),
                "summary": run.summary(unsafe=unsafe, dry_run=not write),
                "plugins": self.plugins(),
            }
            if write:
                answer["notes_written"] = list(run.written)
                answer["refused"] = list(run.refused)
            elif run.changed:
                answer["to_write"] = "nothing was written: call again with `write: true` to write these fixes"
            return answer

    def move(self, old: str, new: str, merge: bool = False, write: bool = False, max_chars: int | None = None) -> dict:
        """The plan of `vaultlint mv OLD NEW` (every link to OLD rewritten)
        as a diff; done only with `write`."""
        cap = _cap(max_chars, DEFAULT_DIFF_CHARS, MAX_DIFF_CHARS, "max_chars")
        with self.lock:
            if write:
                self._may_write()
            src, dst = self.inside(old, what="old"), self.inside(new, what="new")
            if "." in (src, dst):
                raise Refused("the vault itself cannot be moved")
            self.sync([src])
            try:
                planned = api_move(self.root / src, self.root / dst, vault_dir=self.root, merge=merge, write=write)
            except (UsageError, ConfigError) as exc:
                raise Refused(str(exc)) from None
            diff = planned.diff()
            answer = {
                "written": write,
                "renames": [list(r) for r in planned.renames()],
                "notes_rewritten": sorted(planned.new_path(p) for p in planned.texts),
                "links_rewritten": planned.links,
                "diff": diff[:cap],
                "left_out_chars": max(0, len(diff) - cap),
                "summary": planned.summary(dry_run=not write),
                "warnings": list(planned.warnings),
            }
            if write:
                self.ws.rescan()
                for p in planned.texts:
                    now = planned.new_path(p)
                    self._seen[now] = self._stat(now)
                    self.ws.update(now)
            else:
                answer["to_write"] = "nothing was moved or written: call again with `write: true` to do it"
            return answer

    def links(self, top: int | None = None) -> dict:
        """Most wanted missing notes, orphans, ambiguous names, near-duplicates."""
        most = _cap(top, DEFAULT_TOP, MAX_TOP, "top")
        with self.lock:
            self.sync()
            data = overview(self.ws.vault, top=most)
            orphans, ambiguous, near = data["orphans"], data["ambiguous"], data["near_duplicates"]
            return {
                "notes": data["notes"],
                "missing": data["missing"],
                "orphans": {"count": len(orphans), "notes": orphans[:most], "left_out": max(0, len(orphans) - most)},
                "ambiguous": {"count": len(ambiguous), "names": ambiguous[:most],
                              "left_out": max(0, len(ambiguous) - most)},
                "near_duplicates": {"count": len(near), "pairs": near[:most], "left_out": max(0, len(near) - most)},
            }

    def rule(self, name: str) -> dict:
        """A rule's manual, and how the vault's config sets it."""
        with self.lock:
            table = self.ws.config.rule_table()
            if not isinstance(name, str) or name not in table:
                raise Refused(f"no rule named `{name}`{closest(str(name), table)}; the `vaultlint://rules` "
                              "resource lists them")
            rule = table[name]
            active = {r.name: r for r in self.ws.rules}.get(name)
            return {
                "name": name,
                "on": active is not None,
                "severity": (active or rule).severity.value,
                "fixable": bool(rule.fixable),
                "options": dict(active.options) if active is not None else {},
                "manual": rule.manual(),
            }

    def rules(self) -> list[dict]:
        with self.lock:
            active = {r.name: r for r in self.ws.rules}
            table = self.ws.config.rule_table()
            return [{"name": n, "on": n in active, "severity": (active.get(n) or table[n]).severity.value,
                     "summary": table[n].summary()} for n in sorted(table)]

    def schema(self, folder: str = ".", frontmatter: dict | None = None) -> dict:
        """The front-matter a new note in `folder` (or at the note path
        given) must carry: the schemas of the config that apply there, and
        the property types of `.obsidian/types.json`."""
        if frontmatter is not None and not isinstance(frontmatter, dict):
            raise Refused("frontmatter must be an object (the keys the note would have, for `where` tables)")
        data = frontmatter or {}
        with self.lock:
            rel = self.inside(folder, what="folder")
            note = rel if rel.endswith(NOTE_SUFFIXES) else ("" if rel == "." else rel + "/") + "Untitled.md"
            config = self.ws.config
            types = declared_types(self.root)
            try:
                schemas = SchemaSet.from_config(config, types)
            except ConfigError as exc:
                raise Refused(str(exc)) from None
            out = []
            for table, mapping in zip(config.schemas, schemas.mappings, strict=True):
                files_match = not mapping.files or any(p.fullmatch(note) for p in mapping.files)
                where = mapping.where
                if not files_match:
                    applies = False
                elif not where:
                    applies = True
                elif all(key in data for key in where):
                    applies = mapping.applies(note, data)
                else:
                    applies = "when the front-matter has " + ", ".join(
                        f"{k}: {' or '.join(v)}" for k, v in where.items())
                document = mapping.schema.document
                out.append({
                    "schema": table.get("path"), "files": table.get("files", []), "where": where,
                    "applies": applies,
                    "required": list(document.get("required", [])) if isinstance(document, dict) else [],
                    "document": document,
                })
            return {
                "note": note,
                "schemas": out,
                "obsidian_types": types,
                "schema_key": config.schema_key,
                "hint": (f"a note may also name its own schema with the front-matter key `{config.schema_key}`; "
                         "`check` with `text` and `path` tells whether a draft passes"),
            }

    def config(self) -> dict:
        """The vault's config file (its text) and the settings in force."""
        with self.lock:
            config = self.ws.config
            file = config.file
            text = None
            if file is not None:
                try:
                    text = Path(file).read_text(encoding="utf-8")
                except OSError:
                    text = None
            return {
                "root": str(self.root),
                "file": str(file) if file is not None else None,
                "text": text,
                "settings": {
                    "exclude": list(config.exclude), "plugins": list(config.plugins), "resolution": config.resolution,
                    "case-sensitive": config.case_sensitive, "timestamp-pattern": config.timestamp_pattern,
                    "schema-key": config.schema_key, "baseline": config.baseline, "schemas": list(config.schemas),
                    "per-file-ignores": dict(config.per_file_ignores),
                },
                "rules": {r.name: {"severity": r.severity.value, "options": dict(r.options)} for r in self.ws.rules},
                "plugins": self.plugins(),
                "read_only": self.read_only,
            }

    def _may_write(self) -> None:
        if self.read_only:
            raise Refused("the server runs read-only (`vaultlint mcp --read-only`): nothing is written")
