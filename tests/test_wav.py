"""WAV export with chapter markers, the .vtt sidecar, and write faults."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import wave

import numpy as np
import pytest

from coach.errors import OutputError
from coach.files import staged
from coach.model import Chapter, Cue, CueKind, Timeline
from coach.output.vtt import write_vtt
from coach.output.wav import WavWriter, read_chapters

CHAPTERS = [("Opening", 0), ("Knee to chest", 22050), ("Twisting – both sides", 50000)]


def ramp(n: int, start: int = 0) -> np.ndarray:
    return ((np.arange(start, start + n) % 2000) - 1000).astype(np.int16)


def write_session(path, blocks=(30000, 30000, 5001)):
    """Write as the exporter does: into a staged temporary file."""
    with staged([path]) as (temp,), WavWriter(temp, CHAPTERS, name=path) as out:
        at = 0
        for size in blocks:
            out.write(ramp(size, at))
            at += size
    return at


def test_chapters_round_trip_and_wave_reads_the_samples(tmp_path):
    path = tmp_path / "s.wav"
    total = write_session(path)
    assert read_chapters(path) == CHAPTERS
    with wave.open(str(path), "rb") as f:
        assert (f.getnchannels(), f.getsampwidth(), f.getframerate()) == (1, 2, 22050)
        assert f.getnframes() == total
        samples = np.frombuffer(f.readframes(total), dtype="<i2")
    assert np.array_equal(samples, ramp(total))
    assert [p.name for p in tmp_path.iterdir()] == ["s.wav"]


def test_sox_reads_it(tmp_path):
    path = tmp_path / "s.wav"
    total = write_session(path)
    info = subprocess.run(["sox", "--i", str(path)], capture_output=True, text=True, check=True)
    assert "Channels       : 1" in info.stdout
    assert "Sample Rate    : 22050" in info.stdout
    assert "Precision      : 16-bit" in info.stdout
    assert f"= {total} samples" in info.stdout


def test_an_exception_mid_write_leaves_nothing(tmp_path):
    path = tmp_path / "s.wav"
    with pytest.raises(RuntimeError):
        with staged([path]) as (temp,), WavWriter(temp, CHAPTERS, name=path) as out:
            out.write(ramp(1000))
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_an_exception_keeps_the_previous_file(tmp_path):
    path = tmp_path / "s.wav"
    write_session(path)
    before = path.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        with staged([path], replace=True) as (temp,), WavWriter(temp, [], name=path) as out:
            out.write(ramp(10))
            raise KeyboardInterrupt
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.wav"]


def test_missing_folder_is_one_plain_sentence(tmp_path):
    path = tmp_path / "nowhere" / "s.wav"
    with pytest.raises(OutputError) as info:
        with WavWriter(path, CHAPTERS):
            pass
    assert str(info.value) == (
        f"Cannot write {path}: the folder {path.parent} does not exist;"
        " create it or choose another folder."
    )
    assert list(tmp_path.iterdir()) == []


def test_file_size_limit_is_an_output_error_and_leaves_nothing(tmp_path):
    # Under `ulimit -f`, writes past the limit fail with EFBIG once SIGXFSZ
    # (which would kill the process) is ignored.
    path = tmp_path / "s.wav"
    code = textwrap.dedent(
        f"""
        import resource, signal
        import numpy as np
        from coach.errors import OutputError
        from pathlib import Path
        from coach.files import staged
        from coach.output.wav import WavWriter
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        path = Path({str(path)!r})
        try:
            with staged([path]) as (temp,), WavWriter(temp, [("Opening", 0)], name=path) as out:
                for _ in range(20):
                    out.write(np.zeros(22050, dtype=np.int16))
        except OutputError as exc:
            print(exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr == ""
    assert done.stdout.strip() == (
        f"Cannot write {path}: the file is larger than this system allows;"
        " raise the file-size limit (ulimit -f) or export a shorter session."
    )
    assert list(tmp_path.iterdir()) == []


def test_write_needs_int16_mono(tmp_path):
    path = tmp_path / "s.wav"
    with pytest.raises(TypeError):
        with staged([path]) as (temp,), WavWriter(temp, [], name=path) as out:
            out.write(np.zeros(10, dtype=np.float32))
    assert list(tmp_path.iterdir()) == []


def test_vtt_has_one_cue_per_sound(tmp_path):
    timeline = Timeline(
        cues=(
            Cue(start=6615, length=11025, kind=CueKind.SPEECH, text="Lie on your back.", block=0),
            Cue(start=44100, length=2205, kind=CueKind.BEEP, text="hold_start", block=1),
            Cue(start=66150, length=4410, kind=CueKind.COUNT, text="one", block=1),
        ),
        chapters=(Chapter("Opening", 0), Chapter("Knee to chest", 44100)),
        length=100000,
    )
    path = tmp_path / "s.vtt"
    write_vtt(path, timeline)
    # 6615 samples = 0.3 s; 11025 = 0.5 s; 44100 = 2 s; 2205 = 0.1 s; 66150 = 3 s.
    assert path.read_text(encoding="utf-8") == (
        "WEBVTT\n\n"
        "00:00:00.300 --> 00:00:00.800\nLie on your back.\n\n"
        "00:00:02.000 --> 00:00:02.100\n[beep]\n\n"
        "00:00:03.000 --> 00:00:03.200\none\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["s.vtt"]


def test_vtt_missing_folder(tmp_path):
    path = tmp_path / "nowhere" / "s.vtt"
    with pytest.raises(OutputError, match="does not exist"):
        write_vtt(path, Timeline(cues=(), chapters=(), length=0))
