"""`vaultlint mcp`: a Model Context Protocol server for programs that write
vaults (language-model agents), a thin face over one
`vaultlint.workspace.Workspace`.

- `tools`: what each tool does, as plain Python over the workspace (no MCP
  in it): the checks of paths given by an agent (inside the vault, symlinks
  resolved), the caps, the refusals;
- `server`: the tools, resources and instructions wired to the official
  `mcp` SDK (the `mcp` extra), served over stdio.
"""
