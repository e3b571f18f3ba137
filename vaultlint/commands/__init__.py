"""Commands beside check and fix: `init`, `schema infer` and `--staged`."""
