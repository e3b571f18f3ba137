"""`vaultlint server`: the language server, on pygls, over stdio.

The protocol's side only: each handler hands its parameters to the
`Session` (`session.py`) on one worker thread, in the order they came, and
sends the answer back from pygls's loop. The session's workspace is not
thread-safe; one thread makes that true without locks, and keeps the loop
free to read the client's messages while a large vault opens.

Diagnostics of a note being typed are published at once when the note was
quiet for `DEBOUNCE` seconds, else once typing pauses for that long (the
initialization option `debounce`, in milliseconds, changes it): a burst of
keystrokes costs one check, a single edit shows its result without waiting.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .. import __version__
from . import actions, completion, navigation, renames
from .convert import UTF16
from .session import OutsideVault, Publication, Session

DEBOUNCE = 0.1
_LEVELS = {logging.ERROR: types.MessageType.Error, logging.WARNING: types.MessageType.Warning,
           logging.INFO: types.MessageType.Info, logging.DEBUG: types.MessageType.Log}


class RequestFailed(JsonRpcException):
    """The protocol's RequestFailed: the request was understood and cannot be done (a rename refused)."""

    CODE = -32803
    MESSAGE = "Request failed"


class Protocol(LanguageServerProtocol):
    """pygls's protocol, less its own copy of the open documents: the session
    keeps them (pygls splits lines where the protocol does not, at U+2028 and
    form feeds, and walks the whole text at each position), so the three
    notifications go straight to the server's handlers."""

    def structure_message(self, data: dict):
        """A request whose parameters are not the protocol's gets an error
        response (pygls would only log it, and the client would wait for ever)."""
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return _Unreadable(data["id"], data["method"], exc)
            raise

    def handle_message(self, message):
        if isinstance(message, _Unreadable):
            error = JsonRpcInvalidParams(f"{message.method}: parameters that are not the protocol's")
            self._send_response(message.id, None, error.to_response_error())
            self._server.say(types.MessageType.Warning, f"vaultlint server: {error.message}", False)
            return None
        return super().handle_message(message)

    def _user(self, method: str, params) -> Iterable:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params):
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params):
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params):
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)


@dataclass
class _Unreadable:
    id: Any
    method: str
    error: Exception


class Worker:
    """One daemon thread that runs the session's calls in order (daemon: a
    client that goes away mid-check does not keep the process alive)."""

    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._run, name="vaultlint-workspace", daemon=True).start()

    def _run(self) -> None:
        while True:
            future, call, args = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call(*args))
            except BaseException as exc:  # (sent back to the handler that asked)
                future.set_exception(exc)

    def run(self, call: Callable, *args) -> asyncio.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((future, call, args))
        return asyncio.wrap_future(future)


class VaultServer(LanguageServer):
    def __init__(self, trusted: Iterable[str] = ()):
        super().__init__("vaultlint", __version__, protocol_cls=Protocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session(self.say, trusted)
        self.worker = Worker()
        self.debounce = DEBOUNCE
        self._last_change = float("-inf")
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- talking to the client (from any thread) ------------------------------
    def say(self, level: types.MessageType, message: str, show: bool) -> None:
        def send():
            try:
                self.window_log_message(types.LogMessageParams(level, message))
                if show:
                    self.window_show_message(types.ShowMessageParams(level, message))
            except Exception:  # (no client any more)
                logging.getLogger(__name__).debug("not sent: %s", message)

        if self._loop is not None and threading.current_thread() is not threading.main_thread():
            self._loop.call_soon_threadsafe(send)
        else:
            send()

    def publish(self, publications: list[Publication]) -> None:
        for uri, version, diagnostics in publications:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, diagnostics, version))

    def report_server_error(self, error: Exception, source) -> None:
        # Logged, not shown: a user editing a note is not to be interrupted by a message box per bad request.
        self.say(types.MessageType.Error, f"vaultlint server: {type(error).__name__}: {error}", False)

    async def call(self, method: Callable, *args) -> Any:
        """`method(*args)` on the worker; a document in no vault has no answer (None)."""
        try:
            return await self.worker.run(method, *args)
        except OutsideVault:
            return None
        except renames.RenameRefused as exc:
            raise RequestFailed(str(exc)) from None
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise JsonRpcInvalidParams(f"{type(exc).__name__}: {exc}") from None

    async def publish_later(self) -> None:
        """After a change: publish at once if the notes were quiet, else when typing pauses."""
        loop = asyncio.get_running_loop()
        now, quiet = loop.time(), loop.time() - self._last_change >= self.debounce
        self._last_change = now
        if quiet and self._timer is None:
            await self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.debounce, lambda: loop.create_task(self._flush_after_timer()))

    async def _flush_after_timer(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_change < self.debounce * 0.99:  # still typing
            self._timer = loop.call_later(self.debounce - (loop.time() - self._last_change),
                                          lambda: loop.create_task(self._flush_after_timer()))
            return
        self._timer = None
        await self.flush()

    async def flush(self) -> None:
        self.publish(await self.call(self.session.flush) or [])


def build(trusted: Iterable[str] = ()) -> VaultServer:
    server = VaultServer(trusted)
    session = server.session

    def position_of(uri: str, position: types.Position):
        """(workspace, vault path, character offset) of a position in an open note."""
        ws, path, doc = session.locate(uri)
        return ws, path, doc.lines(session.encoding).offset(position)

    @server.feature(types.INITIALIZE)
    def initialize(ls: VaultServer, params: types.InitializeParams):
        ls._loop = asyncio.get_running_loop()
        encoding = ls.protocol.workspace.position_encoding or UTF16
        session.initialize(params, encoding)
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if isinstance(options.get("debounce"), (int, float)) and options["debounce"] >= 0:
            ls.debounce = options["debounce"] / 1000

    @server.feature(types.INITIALIZED)
    async def initialized(ls: VaultServer, params):
        caps = ls.client_capabilities.workspace
        watching = caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration
        if watching:
            watchers = [types.FileSystemWatcher(glob_pattern=g) for g in ("**/*", "**/.vaultlint.toml")]
            try:
                await ls.client_register_capability_async(types.RegistrationParams([types.Registration(
                    "vaultlint-watch", types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    types.DidChangeWatchedFilesRegistrationOptions(watchers))]))
            except Exception as exc:  # a client that refuses: changes on disk are seen when notes are opened
                ls.say(types.MessageType.Log, f"vaultlint: file watching not registered ({exc})", False)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: VaultServer, params: types.DidOpenTextDocumentParams):
        ls.publish(await ls.call(session.open, params.text_document) or [])

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: VaultServer, params: types.DidChangeTextDocumentParams):
        await ls.call(session.change, params)
        await ls.publish_later()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: VaultServer, params: types.DidCloseTextDocumentParams):
        ls.publish(await ls.call(session.close, params.text_document.uri) or [])

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: VaultServer, params: types.DidSaveTextDocumentParams):
        ls.publish(await ls.call(session.saved, params.text_document.uri) or [])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: VaultServer, params: types.DidChangeWatchedFilesParams):
        ls.publish(await ls.call(session.watched, params.changes) or [])

    @server.feature(types.WORKSPACE_DID_RENAME_FILES, _file_operations())
    async def did_rename(ls: VaultServer, params: types.RenameFilesParams):
        ls.publish(await ls.call(session.renamed, params.files) or [])

    @server.feature(types.WORKSPACE_WILL_RENAME_FILES, _file_operations())
    async def will_rename(ls: VaultServer, params: types.RenameFilesParams):
        def plan():
            changes: dict[str, list] = {}
            for item in params.files:
                moves = session.moves(item.old_uri, item.new_uri)
                if moves is None:
                    continue
                ws, old, new = moves
                for uri, edits in renames.moved_links(ws, [(old, new)], session.encoding).items():
                    changes.setdefault(uri, []).extend(edits)
            return types.WorkspaceEdit(changes=changes) if changes else None

        return await ls.call(plan)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="vaultlint", inter_file_dependencies=True,
                                            workspace_diagnostics=True))
    async def pull_document(ls: VaultServer, params: types.DocumentDiagnosticParams):
        return await ls.call(session.pull_document, params.text_document.uri, params.previous_result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def pull_workspace(ls: VaultServer, params: types.WorkspaceDiagnosticParams):
        return await ls.call(session.pull_workspace, params.previous_result_ids)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL]))
    async def code_action(ls: VaultServer, params: types.CodeActionParams):
        def answer():
            ws, path, doc, found = session.check(params.text_document.uri)
            return actions.code_actions(ws, path, params.text_document.uri, found, params.range,
                                        params.context.only, session.encoding)

        return await ls.call(answer)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["[", "#", "^", "|"]))
    async def complete(ls: VaultServer, params: types.CompletionParams):
        def answer():
            ws, path, doc = session.locate(params.text_document.uri)
            offset = doc.lines(session.encoding).offset(params.position)
            return completion.complete(ws, path, doc.text, offset, session.encoding)

        return await ls.call(answer)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: VaultServer, params: types.DefinitionParams):
        return await ls.call(lambda: navigation.definition(
            *position_of(params.text_document.uri, params.position), session.encoding))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: VaultServer, params: types.ReferenceParams):
        return await ls.call(lambda: navigation.references(
            *position_of(params.text_document.uri, params.position), session.encoding,
            params.context.include_declaration))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: VaultServer, params: types.HoverParams):
        return await ls.call(lambda: navigation.hover(
            *position_of(params.text_document.uri, params.position), session.encoding))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(ls: VaultServer, params: types.DocumentSymbolParams):
        def answer():
            ws, path, _doc = session.locate(params.text_document.uri)
            return navigation.document_symbols(ws, path, session.encoding)

        return await ls.call(answer)

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbols(ls: VaultServer, params: types.WorkspaceSymbolParams):
        return await ls.call(lambda: navigation.workspace_symbols(list(session.spaces.values()), params.query))

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: VaultServer, params: types.PrepareRenameParams):
        return await ls.call(lambda: renames.prepare(
            *position_of(params.text_document.uri, params.position), session.encoding))

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def rename(ls: VaultServer, params: types.RenameParams):
        return await ls.call(lambda: renames.rename(
            *position_of(params.text_document.uri, params.position), params.new_name, session.encoding))

    return server


def _file_operations() -> types.FileOperationRegistrationOptions:
    return types.FileOperationRegistrationOptions(filters=[
        types.FileOperationFilter(scheme="file", pattern=types.FileOperationPattern(glob="**/*"))])


class ClientLog(logging.Handler):
    """What vaultlint says on its log (a plugin not loaded, a root guessed), on the client's log."""

    def __init__(self, server: VaultServer):
        super().__init__(logging.INFO)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        level = _LEVELS.get(record.levelno, types.MessageType.Info)
        self.server.say(level, f"vaultlint: {record.getMessage()}", False)


def serve(trusted: Iterable[str] = ()) -> None:
    """Serve on stdin and stdout until the client says exit or goes away.
    Everything vaultlint would print goes to stderr: stdout is the protocol's."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    server = build(trusted)
    log = logging.getLogger("vaultlint")
    log.addHandler(ClientLog(server))
    server.start_io(stdin, stdout)
