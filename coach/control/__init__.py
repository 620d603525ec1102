"""Controllers of a playing session besides the keys: media keys (MPRIS)."""
