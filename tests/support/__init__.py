"""Test-only helpers (replay proxy for the offline corpus)."""
