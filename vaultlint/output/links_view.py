"""`vaultlint links`: the link graph of the vault as an overview, in text or JSON."""

from __future__ import annotations

import json

from ..markdown.words import counted
from ..vault.graph import link_graph, qualified
from ..vault.index import Vault
from ..vault.near_names import near_duplicates

# --------------------------------------------------------------------------
# The maintenance view


def overview(vault: Vault, top: int = 20, near_score: float = 80.0) -> dict:
    """What `vaultlint links` prints, as data (the JSON output)."""
    graph = link_graph(vault)
    wanted = sorted(graph.missing.values(), key=lambda m: (-m.links, -len(m.notes), m.target))
    orphans = sorted(p for p in graph.notes if p not in graph.inbound)
    pairs = near_duplicates(vault.note_paths, near_score)
    return {
        "notes": len(graph.notes),
        "missing": {
            "targets": len(wanted),
            "links": sum(m.links for m in wanted),
            "most_wanted": [
                {"target": m.target, "links": m.links,
                 "notes": sorted(m.notes, key=lambda n: (-m.notes[n], n)),
                 "spellings": sorted(m.spellings, key=lambda s: (-m.spellings[s], s))}
                for m in wanted[:top]
            ],
        },
        "orphans": orphans,
        "ambiguous": [
            {"target": t, "files": list(c), "write": [qualified(p, c) for p in c]}
            for t, c in sorted(graph.ambiguous.items())
        ],
        "near_duplicates": [{"notes": [a, b], "score": s} for a, b, s in pairs],
    }


def render_text(data: dict, top: int = 20) -> str:
    out = []
    m = data["missing"]
    out.append(f"Most wanted missing notes ({counted(m['targets'], 'missing target')}, {counted(m['links'], 'link')}):")
    for w in m["most_wanted"]:
        shown = ", ".join(w["notes"][:5]) + (f", and {len(w['notes']) - 5} more" if len(w["notes"]) > 5 else "")
        also = [s for s in w["spellings"] if s != w["target"]]
        spelled = f" (also written {', '.join(f'`{s}`' for s in also[:3])})" if also else ""
        out.append(f"  {w['links']:>5}  {w['target']}{spelled}")
        out.append(f"         from {len(w['notes'])} note{'s' if len(w['notes']) != 1 else ''}: {shown}")
    if not m["most_wanted"]:
        out.append("  none: every link leads somewhere")
    orphans = data["orphans"]
    out.append("")
    out.append(f"Orphans: {len(orphans)} of {counted(data['notes'], 'note')} "
               f"{'has' if len(orphans) == 1 else 'have'} no link from another note")
    out += [f"  {p}" for p in orphans[:top]]
    if len(orphans) > top:
        out.append(f"  ... and {len(orphans) - top} more (--output-format json lists them all)")
    out.append("")
    out.append(f"Ambiguous names: {len(data['ambiguous'])}")
    for a in data["ambiguous"][:top]:
        out.append(f"  [[{a['target']}]] fits {', '.join(a['files'])}: write "
                   + " or ".join(f"[[{w}]]" for w in a["write"]))
    out.append("")
    out.append(f"Near-duplicate notes: {len(data['near_duplicates'])}")
    for d in data["near_duplicates"][:top]:
        out.append(f"  {d['notes'][0]}  ~  {d['notes'][1]}  ({d['score']:.0f})")
    return "\n".join(out) + "\n"


def render_json(data: dict, top: int = 20) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
