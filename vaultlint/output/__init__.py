"""What a run prints: the output formats, the baseline, and the links view."""
