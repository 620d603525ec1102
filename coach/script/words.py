"""Fixed vocabularies of instruction prose: number words, side words, and the
verbs that mark a sentence as an instruction rather than a description."""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
# Words that stand for a number in timing prose ("a minute", "a few seconds").
QUANTIFIERS = {"a": 1, "an": 1, "a couple of": 2, "a couple": 2, "a few": 3, "several": 5,
               "a hundred": 100, "one hundred": 100}

_word_number = (
    rf"(?:(?:{'|'.join(TENS)})(?:[ -](?:{'|'.join(k for k, v in UNITS.items() if 0 < v < 10)}))?"
    rf"|{'|'.join(sorted(UNITS, key=len, reverse=True))})"
)
_quantifier = "|".join(sorted(QUANTIFIERS, key=len, reverse=True))

NUMBER = rf"(?:(?<![\w.^/])-?\d+(?:\.\d+)?(?![\d^]|\.\d|e\d)|\b(?:half an?|one and a half|{_word_number}|{_quantifier})\b)"
"""Regex for one number as prose writes it (case-insensitive use). Digits
stand alone: "1e400", "10^9" or "2nd" hold no plain amount (and a match
starts only where a run of digits starts, so 4,000 nines cost one try)."""


def parse_number(text: str) -> float:
    """``"twenty-five"`` -> 25, ``"3"`` -> 3, ``"a few"`` -> 3, ``"half a"`` -> 0.5."""
    text = " ".join(text.lower().split())
    if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return float(text)
    if text.startswith("half"):
        return 0.5
    if text == "one and a half":
        return 1.5
    if text in QUANTIFIERS:
        return QUANTIFIERS[text]
    if text in UNITS:
        return UNITS[text]
    tens, _, unit = text.replace("-", " ").partition(" ")
    return TENS[tens] + (UNITS[unit] if unit else 0)


def say_number(n: int) -> str:
    """25 -> ``"twenty-five"``: counts are spoken as words so every TTS voice
    reads them the same way."""
    if n < 20:
        return next(k for k, v in UNITS.items() if v == n)
    if n < 100:
        tens = next(k for k, v in TENS.items() if v == n - n % 10)
        return tens if n % 10 == 0 else f"{tens}-{say_number(n % 10)}"
    return str(n)


SIDES = ("left", "right")
MIRROR = {"left": "right", "right": "left", "one": "other", "other": "one", "both": "both"}

# First words of sentences that put the body somewhere: said once per exercise,
# followed by time to get into position.
POSITION_VERBS = frozenset(
    "lie lay sit stand kneel get start begin come assume position".split()
)

# First words (after an optional adverb) of instruction sentences.
INSTRUCTION_VERBS = POSITION_VERBS | frozenset(
    """
    place put bring pull push lift raise lower bend straighten extend reach
    twist turn rotate roll arch round tilt lean slide hold keep stay relax
    breathe inhale exhale repeat return rest grab grasp clasp interlace cross
    press tighten tuck drop hug draw move step walk stretch squeeze let rock
    flex point open sink hinge curl release switch swap change do perform try
    feel allow wrap rise take clasp gently slowly now then continue
    """.split()
)

ADVERBS = frozenset("slowly gently carefully now then next again also".split())

# Section titles that are never exercises: advice, how often, when to stop,
# where to get help.
NOT_EXERCISE_TITLES = re.compile(
    r"\b(tips?|safety|bottom line|notes?|introduction|intro|warnings?|precautions?|why|how to use|"
    r"about|benefits?|before you (?:start|begin)|equipment|rules|summary|conclusion|"
    r"faq|questions|when to see|references|sources|disclaimer|overview|what you need|"
    r"how often|how many|when to stop|see a (?:gp|doctor)|"
    r"related (?:articles|posts|stories)|frequently asked|guidelines|general advice)\b",
    re.IGNORECASE,
)


def say_duration(seconds: int) -> str:
    """A length as people say it: 45 -> "forty-five seconds", 60 -> "one
    minute", 90 -> "a minute and a half", 180 -> "three minutes"."""
    minutes, rest = divmod(int(seconds), 60)
    if minutes == 0:
        return "one second" if rest == 1 else f"{say_number(rest)} seconds"
    whole = "one minute" if minutes == 1 else f"{say_number(minutes)} minutes"
    if rest == 0:
        return whole
    if rest == 30:
        return "a minute and a half" if minutes == 1 else f"{say_number(minutes)} and a half minutes"
    return f"{whole} and {say_duration(rest)}"


# Headings that label a part of an exercise ("Instructions", "Steps"), or a
# flattened table header, never an exercise's own name.
LABEL_TITLES = re.compile(
    r"(?:the )?(?:steps?|instructions?|directions|instruction key movement|key movement|how to do(?: it| this)?|how to perform(?: (?:the|this) (?:exercise|stretch)| it)?|"
    r"how to|what to do|method|technique|starting position|start position|set ?up|the move|"
    r"action|movement|finish(?:ing)? position|end position|execution|preparation|procedure|"
    r"description|exercises?|stretches|the exercises+|the stretches|routine|the routine|"
    r"workout|the workout|program(?:me)?|your program(?:me)?)\s*:?",
    re.IGNORECASE,
)

# Nouns that name an exercise ("Knee Roll", "Cat Pose"): a sign that a short
# line is an exercise's title.
EXERCISE_NOUNS = re.compile(
    r"\b(?:stretch(?:es)?|tilts?|curls?|raises?|rotations?|rolls?|twists?|poses?|bridges?|"
    r"squats?|lunges?|planks?|tucks?|glides?|hugs?|extensions?|flexion|presses?|slides?|"
    r"circles?|bends?|reach(?:es)?|lifts?|kicks?|swings?|marches?|dog|cat|cow|cobra|child'?s|"
    r"press[- ]ups?|push[- ]ups?|sit[- ]ups?|crunch(?:es)?|shrugs?|retractions?|release|"
    r"exercise|squeeze|stand|hold)\b",
    re.IGNORECASE,
)
