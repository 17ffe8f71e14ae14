"""Test helpers that build tiny checkpoint folders (fixtures, not part of the product API)."""
