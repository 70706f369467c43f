"""Rostrum: medical congresses and continuing medical education, end to end."""
