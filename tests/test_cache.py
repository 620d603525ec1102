"""The phrase cache: one synthesis per phrase, atomic entries, repair."""

from __future__ import annotations

import os

import numpy as np
import pytest

from coach.errors import OutputError
import struct
import zlib

from coach.render.cache import HEADER, PhraseCache, default_directory, safe_name
from coach.render.tts import FakeEngine


class CountingEngine:
    """FakeEngine that records every phrase it is asked to speak."""

    key = "counting/en-us/175"

    def __init__(self):
        self.calls: list[list[str]] = []
        self.fake = FakeEngine()

    def synthesize(self, texts, progress=None):
        self.calls.append(list(texts))
        return self.fake.synthesize(texts, progress)

    @property
    def spoken(self) -> list[str]:
        return [text for call in self.calls for text in call]


def test_each_phrase_is_synthesised_once_across_instances(tmp_path):
    engine = CountingEngine()
    first = PhraseCache(engine, tmp_path).clips(["one", "two", "one", "hold still"])
    assert list(first) == ["one", "two", "hold still"]
    assert engine.calls == [["one", "two", "hold still"]]  # one batch, no repeats

    second = PhraseCache(engine, tmp_path).clips(["two", "three", "one"])
    assert engine.calls[1:] == [["three"]]
    assert sorted(engine.spoken) == ["hold still", "one", "three", "two"]
    for text in ("one", "two"):
        assert np.array_equal(first[text], second[text])


def test_cold_and_warm_give_the_same_samples(tmp_path):
    cold = PhraseCache(FakeEngine(), tmp_path).clips(["breathe in slowly"])
    warm = PhraseCache(FakeEngine(), tmp_path).clips(["breathe in slowly"])
    assert cold["breathe in slowly"].dtype == np.float32
    assert np.array_equal(cold["breathe in slowly"], warm["breathe in slowly"])
    # 16-bit storage keeps the clip within half a step of what was spoken.
    (spoken,) = FakeEngine().synthesize(["breathe in slowly"])
    assert np.max(np.abs(cold["breathe in slowly"] - spoken)) <= 0.5 / 32768


def test_entries_are_whole_files_with_no_temp_left(tmp_path):
    cache = PhraseCache(FakeEngine(), tmp_path)
    cache.clips(["one", "two"])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([cache.path("one").name, cache.path("two").name])
    size = cache.path("one").stat().st_size
    assert size == HEADER.size + len(b"one") + 2 * FakeEngine().synthesize(["one"])[0].size


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "other_text", "loudness_byte",
                                    "loudness_inf_resealed", "loudness_nan_resealed", "old_format"])
def test_a_damaged_entry_is_rebuilt_not_returned(tmp_path, damage):
    engine = CountingEngine()
    good = PhraseCache(engine, tmp_path).clips(["hold for five"])["hold for five"]
    path = PhraseCache(engine, tmp_path).path("hold for five")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "loudness_byte":  # one byte of the stored loudness (offset 20..27)
        path.write_bytes(data[:26] + bytes([data[26] ^ 0x7F]) + data[27:])
    elif damage.endswith("_resealed"):  # a loudness no voice has, with a CRC made to match
        lufs = float("inf") if "inf" in damage else float("nan")
        body = data[32:]
        text_len = struct.unpack_from("<I", data, 12)[0]
        crc = zlib.crc32(body[text_len:], zlib.crc32(body[:text_len], zlib.crc32(struct.pack("<d", lufs))))
        path.write_bytes(data[:20] + struct.pack("<dI", lufs, crc) + body)
    elif damage == "old_format":  # the entry of an earlier coach: no loudness
        path.write_bytes(b"COACHCLP" + data[8:20] + data[28:32] + data[32:])
    else:  # a well-formed entry for another text under this name
        other = PhraseCache(engine, tmp_path / "x")
        other.clips(["something else"])
        path.write_bytes(other.path("something else").read_bytes())

    again = PhraseCache(engine, tmp_path).clips(["hold for five"])["hold for five"]
    assert engine.spoken == ["hold for five", *(["something else"] if damage == "other_text" else []), "hold for five"]
    assert np.array_equal(again, good)
    assert path.read_bytes() == data  # repaired on disk too


def test_default_folder_honours_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    engine = CountingEngine()
    cache = PhraseCache(engine)
    assert cache.directory == tmp_path / "coach" / "phrases" / "counting%2Fen-us%2F175"
    assert default_directory("espeak/en-us/175") == tmp_path / "coach" / "phrases" / "espeak%2Fen-us%2F175"
    cache.clips(["one"])
    assert cache.path("one").is_file()


def test_safe_name_keeps_keys_apart():
    assert safe_name("espeak/en-us/175") != safe_name("espeak_en-us_175")
    assert "/" not in safe_name("a/../b")
    assert safe_name("a/../b") not in (".", "..")


def test_progress_counts_every_phrase_once(tmp_path):
    steps: list[int] = []
    PhraseCache(FakeEngine(), tmp_path).clips(["a b", "c"])
    PhraseCache(FakeEngine(), tmp_path).clips(["a b", "c", "d e f"], progress=steps.append)
    assert sum(steps) == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_cache_is_an_output_error(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="Cannot create the phrase cache"):
            PhraseCache(FakeEngine(), tmp_path / "phrases").clips(["one"])
    finally:
        tmp_path.chmod(0o700)


def test_cache_under_a_file_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    folder = blocker / "phrases"
    with pytest.raises(OutputError) as info:
        PhraseCache(FakeEngine(), folder).clips(["one"])
    assert str(info.value) == (
        f"Cannot create the phrase cache in {folder} (Not a directory): free some"
        " disk space, or point XDG_CACHE_HOME at a folder you can write to."
    )


def test_loudness_is_measured_when_made_and_kept(tmp_path):
    """The entry carries the phrase's loudness: the same number after a
    reload, and what an independent meter (pyloudnorm) gives for the phrase
    in 0.4 s of silence on either side."""
    import pyloudnorm

    made = PhraseCache(FakeEngine(), tmp_path).phrases(["hold for five"])["hold for five"]
    again = PhraseCache(FakeEngine(), tmp_path).phrases(["hold for five"])["hold for five"]
    assert again.lufs == made.lufs
    pad = np.zeros(8820)
    padded = np.concatenate([pad, made.clip.astype(np.float64), pad])
    assert abs(pyloudnorm.Meter(22050).integrated_loudness(padded) - made.lufs) < 0.3
    # A 0.5-amplitude tone measures near -9 LUFS (full-scale sine: about -3).
    assert -12 < made.lufs < -7
