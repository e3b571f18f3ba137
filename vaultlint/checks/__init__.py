"""What rules share: JSON schemas, declared property types, YAML traps and dates."""
