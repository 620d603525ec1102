"""Sinks: the WAV file with its chapter markers, and the .vtt sidecar."""
