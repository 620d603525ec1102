"""MP3, M4B, Opus and FLAC exports (issue 11), read back with tools that
are not coach's: ffprobe for chapters and tags, mutagen for the ID3 CTOC and
CHAP frames, the MP4 chpl atom and chapter track and the Vorbis comments,
ffmpeg to decode for the same checks as the WAV: every cue audible within
20 ms of its .vtt time, -16 LUFS +- 1, true peak <= -1 dBTP."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import mutagen
import mutagen.id3
import mutagen.mp4
import numpy as np
import pyloudnorm
import pytest

from coach.script.load import load_program

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]
RATE = 22050
ENCODED = ["mp3", "m4b", "opus", "flac"]


def run(env, *args, **kw):
    return subprocess.run([*COACH, *args], env=env, capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The beginner session in every format, with one warm phrase cache."""
    folder = tmp_path_factory.mktemp("formats")
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache"), "XDG_CONFIG_HOME": str(folder / "config")}
    for ext in ["wav", *ENCODED]:
        done = run(env, "export", "beginner", "-o", str(folder / f"s.{ext}"))
        assert done.returncode == 0, done.stderr
        (folder / "s.vtt").rename(folder / f"s.{ext}.vtt")
    return folder, env


def probe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                          "-show_chapters", str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def vtt_cues(path: Path) -> list[tuple[float, str]]:
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.*)", path.read_text())
    return [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, text) for h, m, s, ms, text in cues]


def decode(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.int16).astype(np.float64) / 32768


def chapter_names():
    return ["Welcome", *(b.name for b in load_program("beginner").exercises)]


# ------------------------------------------------------ chapters and tags


@pytest.mark.parametrize("ext", ENCODED + ["wav"])
def test_ffprobe_lists_every_chapter_and_the_tags(exports, ext):
    folder, _ = exports
    info = probe(folder / f"s.{ext}")
    wav = probe(folder / "s.wav")
    titles = [c["tags"]["title"] for c in info["chapters"]]
    n = len(chapter_names()) + 1  # welcome, the exercises, and the closing last
    assert len(titles) == n and titles[: n - 1] == chapter_names()
    assert titles == [c["tags"]["title"] for c in wav["chapters"]]
    starts = [float(c["start_time"]) for c in info["chapters"]]
    expected = [float(c["start_time"]) for c in wav["chapters"]]
    first = 1 if ext == "m4b" else 0  # a QuickTime chapter track starts at 0
    assert np.allclose(starts[first:], expected[first:], atol=0.0015), (starts, expected)
    tags = {**info["format"].get("tags", {}), **info["streams"][0].get("tags", {})}  # Ogg: stream tags
    tags = {k.lower(): v for k, v in tags.items()}
    assert tags["title"] == "The back routine — beginner"
    assert tags["artist"] == "coach"
    assert tags["album"] == "The back routine"


@pytest.mark.parametrize("ext", ENCODED)
def test_a_square_cover(exports, ext):
    folder, _ = exports
    (picture,) = [s for s in probe(folder / f"s.{ext}")["streams"] if s["codec_type"] == "video"]
    assert picture["codec_name"] == "png" and picture["width"] == picture["height"] >= 300


def test_mp3_id3_at_the_start_with_an_ordered_top_level_ctoc(exports):
    folder, _ = exports
    path = folder / "s.mp3"
    assert path.read_bytes()[:3] == b"ID3"
    tags = mutagen.id3.ID3(path)
    (toc,) = tags.getall("CTOC")
    assert toc.flags & mutagen.id3.CTOCFlags.TOP_LEVEL and toc.flags & mutagen.id3.CTOCFlags.ORDERED
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert list(toc.child_element_ids) == list(chaps)  # every CHAP, in the file's order
    starts = [chaps[i].start_time for i in toc.child_element_ids]
    n = len(chapter_names()) + 1
    assert starts == sorted(starts) and len(starts) == n
    assert [chaps[i].sub_frames["TIT2"].text[0] for i in toc.child_element_ids][: n - 1] == chapter_names()
    wav = [round(float(c["start_time"]) * 1000) for c in probe(folder / "s.wav")["chapters"]]
    assert starts == wav
    raw = path.read_bytes()[: tags.size]
    at = [m.start() for m in re.finditer(rb"CHAP", raw)]  # the frames as they lie in the file
    ids = [raw[a + 10 : raw.index(b"\0", a + 10)].decode() for a in at]
    assert ids == list(toc.child_element_ids)  # in time order, not by size (mutagen issue 506)
    (cover,) = tags.getall("APIC")
    assert cover.type == mutagen.id3.PictureType.COVER_FRONT and cover.mime == "image/png"
    assert tags["TIT2"].text == ["The back routine — beginner"] and tags["TPE1"].text == ["coach"]


def test_m4b_has_nero_chapters_and_a_quicktime_chapter_track(exports):
    folder, _ = exports
    path = folder / "s.m4b"
    mp4 = mutagen.mp4.MP4(path)
    names = [c.title for c in mp4.chapters]  # mutagen reads the Nero chpl atom
    assert names[:-1] == chapter_names() and len(names) == len(chapter_names()) + 1
    wav = [float(c["start_time"]) for c in probe(folder / "s.wav")["chapters"]]
    assert np.allclose([c.start for c in mp4.chapters], wav, atol=0.0015)
    with open(path, "rb") as f:
        atoms = mutagen.mp4.Atoms(f)
    data = path.read_bytes()
    refs = [data[r.offset + 12 : r.offset + 16] for t in atoms.path(b"moov")[-1].findall(b"trak")
            for r in t.findall(b"tref")]  # tref holds typed references: size, type, track ids
    assert b"chap" in refs  # the audio track names its QuickTime chapter (text) track
    handlers = [t for t in probe(path)["streams"] if t["codec_type"] == "data"]
    assert handlers, "no chapter (text) track"
    assert "covr" in mp4.tags and mp4.tags["\xa9nam"] == ["The back routine — beginner"]


@pytest.mark.parametrize("ext", ["opus", "flac"])
def test_vorbis_chapter_comments_to_the_millisecond(exports, ext):
    folder, _ = exports
    tags = mutagen.File(folder / f"s.{ext}").tags
    wav = [float(c["start_time"]) for c in probe(folder / "s.wav")["chapters"]]
    for number, (name, start) in enumerate(zip(chapter_names(), wav), 1):
        h, m, s = tags[f"CHAPTER{number:03d}"][0].split(":")
        assert abs(int(h) * 3600 + int(m) * 60 + float(s) - start) <= 0.0006
        assert tags[f"CHAPTER{number:03d}NAME"] == [name]
    n = len(chapter_names()) + 1
    assert f"CHAPTER{n + 1:03d}" not in tags and f"CHAPTER{n:03d}" in tags
    if ext == "flac":
        (picture,) = mutagen.File(folder / "s.flac").pictures
        assert picture.type == 3 and picture.mime == "image/png"
    else:
        assert "METADATA_BLOCK_PICTURE" in tags


# ------------------------------------------------------ same sound, same time


@pytest.fixture(scope="module")
def decoded(exports):
    folder, _ = exports
    return {ext: decode(folder / f"s.{ext}") for ext in ENCODED}


@pytest.mark.parametrize("ext", ENCODED)
def test_every_cue_is_audible_within_20_ms_of_its_vtt_time(exports, decoded, ext):
    folder, _ = exports
    x = decoded[ext]
    cues = vtt_cues(folder / f"s.{ext}.vtt")
    assert (folder / f"s.{ext}.vtt").read_bytes() == (folder / "s.wav.vtt").read_bytes()
    assert len(cues) > 300 and abs(len(x) / RATE - len(decode(folder / "s.wav")) / RATE) < 0.05
    audible = 10 ** (-45 / 20)
    for t, text in cues:
        i = round(t * RATE)
        before = np.abs(x[i - int(0.060 * RATE): i - int(0.020 * RATE)])
        around = np.abs(x[i - int(0.020 * RATE): i + int(0.020 * RATE)])
        assert before.max() < audible, f"sound more than 20 ms before {text!r} at {t}"
        assert around.max() > audible, f"{text!r} not audible within 20 ms of {t}"


@pytest.mark.parametrize("ext", ENCODED)
def test_loudness_and_true_peak_after_decoding(exports, decoded, ext):
    folder, _ = exports
    assert abs(pyloudnorm.Meter(RATE).integrated_loudness(decoded[ext]) + 16) <= 1
    # ffmpeg's EBU R128 meter, 4x oversampled true peak, on the file as players decode it.
    report = subprocess.run(["ffmpeg", "-nostats", "-i", str(folder / f"s.{ext}"), "-map", "0:a",
                             "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True).stderr
    peak = float(re.findall(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", report)[-1])
    assert peak <= -1.0, peak


# ------------------------------------------------------ faults


def test_a_full_disk_in_the_encoder_keeps_the_old_pair(exports, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    _, env = exports
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        (disk / "s.mp3").write_bytes(b"old")
        (disk / "s.vtt").write_bytes(b"old text")
        done = run(env, "export", "beginner", "-o", str(disk / "s.mp3"), "--force")
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert done.stderr == f"Cannot write {disk / 's.mp3'}: the disk is full; free some space and try again.\n"
        assert sorted(p.name for p in disk.iterdir()) == ["s.mp3", "s.vtt"]
        assert (disk / "s.mp3").read_bytes() == b"old"
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def ffmpeg_children(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def test_sigterm_stops_ffmpeg_and_leaves_no_file(exports, tmp_path):
    _, env = exports
    out = tmp_path / "s.opus"
    proc = subprocess.Popen([*COACH, "export", "full", "-o", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.glob(".s.opus.*.tmp") if p.stat().st_size > 100_000]:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.01)
    assert ffmpeg_children(str(tmp_path))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM and len(err.splitlines()) == 1, err
    assert list(tmp_path.iterdir()) == []
    time.sleep(0.2)
    assert ffmpeg_children(str(tmp_path)) == []


def test_without_ffmpeg_one_line(exports, tmp_path):
    _, env = exports
    done = run({**env, "PATH": str(tmp_path)}, "export", "beginner", "-o", str(tmp_path / "s.mp3"))
    assert done.returncode == 1
    assert done.stderr == ("Writing MP3, M4B, Opus or FLAC needs the ffmpeg program; install it"
                           " (sudo apt install ffmpeg) or export a .wav file.\n")
    assert list(tmp_path.iterdir()) == []
