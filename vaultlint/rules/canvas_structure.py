"""canvas-structure: a canvas whose nodes and edges do not hold together.

What it checks
    In every `.canvas` file of the vault:

    - a node id used by more than one node (each node after the first is
      reported, with the line of the first), and likewise an edge id used
      by more than one edge;
    - an edge whose `fromNode` or `toNode` names no node of the canvas.

    (A canvas that is not JSON, or a field missing or of the wrong type, is
    `canvas-syntax`'s.)

Why
    JSON Canvas requires unique ids: an app that finds a node by its id
    (Obsidian, to draw an edge, to move or delete a card) finds one of the
    two, and an edge to a node that is not there is not drawn at all, or is
    dropped when the canvas is next saved. Both come from hand edits,
    scripts and merges of a canvas kept in git.

Options
    None.

Example
    An edge left behind when its card was deleted by a script:

        {"id":"e1","fromNode":"a","toNode":"gone"}

    on the third line gives `board.canvas:3:36: canvas-structure edge `e1`
    ends at node `gone`, which the canvas does not have`.

Fix safety
    No fix: which node was meant, or whether the edge should go, is the
    author's to say.
"""

from __future__ import annotations

from vaultlint.formats.canvas import CANVAS, of_note
from vaultlint.rule import Rule, Severity
from vaultlint.vault.suggest import Suggester


class CanvasStructure(Rule):
    name = "canvas-structure"
    severity = Severity.ERROR
    kinds = (CANVAS,)

    def check_note(self, note, ctx):
        canvas = of_note(note, ctx)
        for items, what in ((canvas.nodes, "node"), (canvas.edges, "edge")):
            first: dict[str, int] = {}
            for item in items:
                value = item.field("id")
                if item.id is None:
                    continue
                if item.id in first:
                    line = note.position(first[item.id])[0]
                    yield self.diagnostic(note, value.start, value.end,
                                          f"{what} id `{item.id}` is used by another {what} too (line {line})")
                else:
                    first[item.id] = value.start
        ids = canvas.node_ids()
        for edge in canvas.edges:
            for key, verb in (("fromNode", "starts at"), ("toNode", "ends at")):
                value = edge.field(key)
                if value is None or not isinstance(value.data, str) or value.data in ids:
                    continue
                close = [c.value for c in Suggester(ids).suggest(value.data, 1)] if ids else []
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                name = f"edge `{edge.id}`" if edge.id is not None else "an edge"
                yield self.diagnostic(note, value.start, value.end,
                                      f"{name} {verb} node `{value.data}`, which the canvas does not have{hint}",
                                      suggestions=close)
