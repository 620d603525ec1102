"""Rendering: speech clips (tts, cache), beeps, layout and mixing."""
