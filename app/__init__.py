"""Attention Course: an interactive lesson on multi-head attention, computed live by a NumPy engine."""
