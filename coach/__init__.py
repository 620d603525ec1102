"""coach: a voice-guided audio coach for back stretches.

The pipeline, one folder per stage:

    script/  routine text --parse--> Routine --compile(level)--> Program
    timeline Program + phrase lengths --layout--> Timeline (pure)
    render/  speech clips, beeps; Timeline --mix--> PCM blocks
    output/  PCM blocks --> WAV file + .vtt sidecar, or the speaker
"""

__version__ = "0.1.0"
