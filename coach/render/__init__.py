"""Rendering: speech clips (tts, cache), beeps and mixing."""
