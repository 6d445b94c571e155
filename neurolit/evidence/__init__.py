"""The evidence table: one schema, written and read here."""
