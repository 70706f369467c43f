"""Streaming: live streams of rooms, recordings of sessions, and the player for entitled viewers."""
