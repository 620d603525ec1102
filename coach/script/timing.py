"""What one sentence says about time: holds, repetitions, rests and sides.

``read_timing(sentence)`` applies the ``*_rule`` helpers below and returns a
``Timing``. Each rule is a regex over the sentence plus a little logic, so a
newcomer can find where "Hold for 20-30 seconds or even longer" or "five to
10 times on each side" is understood. Pure: no I/O.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace

from coach.script.words import NUMBER, parse_number

MAX_HOLD_S = 600
"""Longest hold that makes sense in a stretching routine (10 minutes)."""
MAX_REPS = 100
BREATH_S = 5
"""One slow, deep breath, seconds."""

_SEP = r"\s*(?:-|–|—|to|or)\s*"


_AFTER_TO = NUMBER.replace(r"(?<![\w.^/])", r"(?:(?<![\w.^/])|(?<=to))", 1)
"""A range's second number, also when glued to its "to" ("5 to10 times")."""


def _range(tag: str) -> str:
    return rf"(?P<{tag}a>{NUMBER})(?:{_SEP}(?P<{tag}b>{_AFTER_TO}))?"


_QUALIFIER = (
    r"(?P<q>up to|about|around|approximately|approx\.?|roughly|at least|at most|"
    r"no more than|no less than|a minimum of|a maximum of|a further)"
)
_BETWEEN = rf"between\s+(?P<ea>{NUMBER})\s+and\s+(?P<eb>{NUMBER})"
_UNIT = (
    r"(?:(?P<sec>seconds?\b|secs?\b|(?<=\d)s\b)|(?P<min>minutes?\b|mins?\b)|(?P<hr>hours?\b|hrs?\b)"
    r"|(?P<br>(?:(?:deep|slow|full|long|big|calm|steady|even|easy|relaxed|gentle|smooth|complete|whole|natural|"
    r"comfortable|quiet|and|,)\s*){0,6}breaths?\b))"
)
MIXED = re.compile(
    rf"(?P<x>{NUMBER})\s*(?P<xu>seconds?|secs?|minutes?|mins?)\s*(?:-|–|—|to|or)\s*"
    rf"(?P<y>{NUMBER})\s*(?P<yu>seconds?|secs?|minutes?|mins?)\b",
    re.IGNORECASE,
)
OR_TWO = re.compile(r"\b(?:a|one)\s+(?P<u>minute|min|second)\s+or\s+two\b", re.IGNORECASE)
""""a minute or two": one to two of the unit."""
ACTIVITY = re.compile(
    r"\b(?:warm(?:ing)?[ -]?up|walk(?:ing)?|jog(?:ging)?|run(?:ning)?|cycl(?:e|ing)|march(?:ing)?|"
    r"swim(?:ming)?|cardio|aerobics?|bike|treadmill|session|routine|workout|programme|program|"
    r"yoga|pilates|classe?s?|gym|training)\b",
    re.IGNORECASE,
)
"""Time spent on something other than a hold ("Warm up with a five-minute walk")."""
PROGRESSION = re.compile(
    r"\b(?:build(?:ing)?|work(?:ing)?|progress(?:ing)?)\s+up\s+to\b|\bgradually\s+increase\b"
    r"|\bincrease\b[^.;]{0,30}\bto\s*$|\bover\s+time\b|\bas you (?:get|grow) stronger\b",
    re.IGNORECASE,
)
"""A progression ("Build up to 10 seconds"): advice for later days, not another hold."""
EVERY = re.compile(r"\b(?:every|each)\s+[\w-]+\s+(?:minutes?|mins?|hours?|hrs?)\b", re.IGNORECASE)
""""every 30 minutes": how often, not how long."""
AND_A_HALF = re.compile(r"\b(?:a|one) minute and a half\b", re.IGNORECASE)
SAME_HOLD = re.compile(r"\bfor the same (?:number of breaths|time|length of time|amount of time|count)\b", re.I)
_START = r"(?:\b|(?=-\d))"
"""Every timing phrase starts at a word (or a minus sign): lets the regex
engine skip the inside of words instead of trying every rule there."""
DURATION = re.compile(
    rf"{_START}(?:{_QUALIFIER}\s+)?(?:{_BETWEEN}|{_range('d')})(?:-|\s)*{_UNIT}", re.IGNORECASE
)
COUNT_OF = re.compile(
    rf"(?:for\s+)?(?:a\s+)?(?:slow\s+)?count(?:ing)?\s+(?:of|to)\s+{_range('d')}", re.IGNORECASE
)
COUNTS = re.compile(rf"{_range('d')}\s+(?:slow\s+)?counts\b", re.IGNORECASE)
FREQUENCY = re.compile(
    r"^\s*(?:a|an|per|each|every)\s+(?:day|week|night|morning|evening|hour)\b|^\s*/?\s*(?:daily|day|week)\b",
    re.IGNORECASE,
)
FREQUENCY_SENTENCE = re.compile(
    r"\btimes (?:a|per|each) (?:day|week)\b|\bat times\b|\bsometimes\b|\dx\s*/?\s*(?:daily|a day|per day|a week)\b"
    r"|\bevery (?:second|other|third) day\b|\bonce (?:a|per) (?:day|week)\b", re.IGNORECASE
)
"""Sentences about how often to do the routine: not timing to warn about."""
REST_WORDS = re.compile(
    r"\b(?:rest(?! here| there| in)|pause|breaks?|recover|between)\b|\brelax(?=\s+(?:for\b|\d|(?:one|two|three|four|five|six|seven|eight|nine|ten)\b))",
    re.IGNORECASE,
)
HOLD_WORDS = re.compile(r"\b(?:hold|stay|remain|keep|maintain|sustain)\b", re.IGNORECASE)

REPS = re.compile(
    rf"(?<!\bat )(?:(?P<sa>{NUMBER})\s+sets?\s+of\s+)?{_range('r')}\s*(?P<more>more\s+|additional\s+)?"
    r"(?:times?\b|x\b|repetitions?\b|reps?\b)"
    r"|\b(?P<word>once|twice|thrice)\b(?!\s+(?:you|your|the|this|it|that|they|we|a|an|in|more)\b)",
    re.IGNORECASE,
)
REPS_FIELD = re.compile(
    rf"\b(?:reps?|repetitions?)\s*[:=]\s*{_range('r')}\s*x?(?![\s\d.–-]{{0,12}}(?:seconds?|secs?|minutes?|mins?|breaths?)\b)(?!\d)",
    re.IGNORECASE,
)
"""A handout's field line: "Reps: 10", "Repetitions: 8-12", "Reps: 5x"."""
REPS_SETS = re.compile(
    rf"(?:\b(?:complete|completing|do|doing|perform|performing)\s+|^\W*|[,;(]\s*|\band\s+|\bfor\s+)"
    rf"{_range('r')}\s+sets?\b(?!\s+of)",
    re.IGNORECASE,
)
"""Sets as the count of an exercise: "Complete three sets", "doing four sets per
leg", a prescription line "2 sets" or "Sets: 2"."""
SETS_OF_TIME = re.compile(
    rf"{_START}{_range('r')}\s+sets?\s+of\s+{NUMBER}\s*(?:[-–]\s*)?(?:seconds?|secs?|minutes?|mins?|breaths?)\b",
    re.IGNORECASE)
""""2 sets of 15 seconds each side": two rounds of the hold."""
_NOT_TIME = r"(?!\s*(?:[-–]\s*)?(?:seconds?|secs?|minutes?|mins?|hours?|breaths?|counts?)\b)"
SETS_X = re.compile(
    rf"{_START}(?P<sa>{NUMBER})\s*[x×]\s*{_range('r')}(?:\s*(?:reps?|repetitions?|times))?\b{_NOT_TIME}"
    r"(?!\s*(?:degrees?|°|cm|mm|inch|in\b|%|feet|ft\b|stretch|pose|position))",
    re.IGNORECASE)
""""3 x 10" (sets x repetitions: 30 in all), not "3 x 15 seconds" (3 of a 15 s hold)."""
X_AFTER = re.compile(rf"(?<![\w])(?<!\d )[x×]\s*{_range('r')}\b{_NOT_TIME}", re.IGNORECASE)
""""Hold 20-30 sec each side x 3": the count after its multiplication sign."""
OF_EACH = re.compile(rf"{_START}{_range('r')}\s+of\s+each\b(?!\s+(?:side|leg|arm))", re.IGNORECASE)
""""Start with ten of each": repetitions of every exercise."""
SETS_FIELD = re.compile(rf"\bsets?\s*:\s*{_range('r')}(?:\s*sets?\b)?", re.IGNORECASE)
SETS_OF = re.compile(
    rf"{_START}(?P<sa>{NUMBER})\s+sets?\s+of\s+{_range('r')}\b(?!\s*(?:[-–]\s*)?(?:seconds?|secs?|minutes?|mins?|breaths?|counts?)\b)",
    re.IGNORECASE,
)
""""Do three sets of 12": sets of repetitions with the unit left out."""
REPS_FOR_SETS = re.compile(
    rf"{_START}{_range('r')}\s*(?:reps?|repetitions?|times)\s+(?:for|in|x|×)\s+(?P<sa>{NUMBER})\s+sets?\b", re.IGNORECASE)
""""12-15 reps for 3 sets": all of them, 45."""
ONCE_MORE = re.compile(r"\b(?:once more|one more time)\b", re.IGNORECASE)
ANOTHER = re.compile(
    rf"\b(?:do|perform|complete|repeat|then)\s+(?:another|a further|an additional)\s+{_range('r')}\b"
    rf"(?!\s*(?:seconds?|secs?|minutes?|mins?|breaths?)\b)",
    re.IGNORECASE,
)
""""Do another 10": more repetitions on top of those already given."""
NOT_A_COUNT = re.compile(
    r"(?:\b(?:that|this|which)(?:'s|’s| is| counts as| makes)\s*$)"
    r"|\bbreath(?:e|es|ing)?\b(?:\s+(?:in|out|and|deeply|slowly|calmly|fully)){0,4}\s*$",
    re.IGNORECASE,
)
"""What comes before a count that is not the exercise's: "That's one rep"
(a definition), "Breathe in and out three times" (breaths)."""
SET_A_SIDE = re.compile(r"\b(?:one )?set (?:for|on|per) (?:each|every|the other) (?:side|leg|arm)\b", re.I)
VAGUE = re.compile(r"^(?:several|a few)$", re.IGNORECASE)
"""Counts with no number in them ("repeat several times"): warned about, not guessed."""
AGAIN = re.compile(r"(?:\b(?:and|then)|[,;])\s+repeat\s*(?:[.!;]|$)|^\W*repeat\s*[.!]\s*$|\bdo (?:it|this) again\s*(?:[.!;]|$)",
                   re.IGNORECASE)
"""A bare "release and repeat.": the exercise once more, two in all."""
BREATH_PHASE = re.compile(r"\b(?:in|out|inhale|exhale|breathe)\s+(?:for\s+)?$", re.IGNORECASE)
STOPWATCH = re.compile(r"(?<=\b(?:hold|Hold|HOLD|rest|Rest|REST|stay|Stay) )\s*(?P<mm>\d{1,2})?:(?P<ss>[0-5]\d)\b")
""""hold :10", "rest 1:00": a stopwatch's minutes and seconds."""
BREATHE_TIMES = re.compile(
    rf"\bbreathe\s+(?:(?:in\s+and\s+out|deeply|slowly|calmly)\s+){{0,2}}(?P<da>{NUMBER})\s+times\b(?P<br>)",
    re.IGNORECASE,
)
""""Breathe in and out three times": a hold three breaths long."""
COMPARED = re.compile(r"\b(?:longer|more|less|shorter|fewer)\s+than\s*$|\bexceed(?:s|ing)?\s*$", re.IGNORECASE)
COMPARED_ANY = re.compile(r"\b(?:longer|more|less|shorter|fewer)\s+than\b|\bexceed", re.IGNORECASE)
"""A length used in a warning ("pain that lasts longer than 10 seconds", "sitting for
more than 15 minutes"): not a hold."""
REPS_ROUNDS = re.compile(rf"{_range('r')}\s+(?:rounds?|cycles?)\b", re.IGNORECASE)
REPS_DONE = re.compile(
    rf"\b(?:do|done|complete|perform|repeat)\s+{_range('r')}"
    rf"(?!\s*(?:seconds?|secs?|minutes?|mins?|hours?|breaths?|sets?)\b)\s*(?:[a-z]+\s*)?(?=with|on|per|each|then|,|\.|$)",
    re.IGNORECASE,
)
REPEAT = re.compile(r"\brepeat\b|\bdo (?:it|this|the same) again\b", re.IGNORECASE)

_LIMB = r"(?:side|leg|arm|knee|foot|hip|hand|direction|shoulder|ankle)s?"
HANDS_ON = re.compile(r"\b(?:a |one )?(?:hand|hands|palm|palms|foot|feet|finger|fingers)(?:\s+(?:on|under|behind|over|of))?\s*$",
                      re.IGNORECASE)
"""Where "each knee" is a place ("a hand on each knee"), not a side done in turn."""
PER_SIDE = re.compile(
    rf"\b(?:on |for |with )?(?:each|every) {_LIMB}\b|\bboth sides\b|\bper {_LIMB}\b"
    r"|\balternat(?:e|ing)\b"
    r"|\b(?:left\s*(?:&|and|/)\s*(?:the\s+)?right|right\s*(?:&|and|/)\s*(?:the\s+)?left)\b"
    r"(?!\s+(?:hands?|feet|foot|legs?|arms?|knees?|ears?|hips?|shoulders?|elbows?|wrists?|ankles?|thighs?|glutes?|eyes?|buttocks?|sides? of|palms?|heels?|toes?))",
    re.IGNORECASE,
)
OTHER_SIDE = re.compile(
    rf"\b(?:on|for) the (?:other|opposite|second) {_LIMB}\b"
    rf"|\b(?:repeat|switch|swop|change|swap|do|perform|practi[cs]e)\b[^.;]{{0,80}}?\b(?:other|opposite|second) {_LIMB}\b"
    rf"|^\W*(?:now |then |and )*(?:(?:do|stretch|work|try) )?the (?:other|opposite) {_LIMB}\b"
    rf"|\b(?:switch|change|swap|swop|reverse) (?:sides|legs|arms|feet|knees|hands|directions)\b"
    rf"|\b(?:before|then|and) (?:switching|changing|swapping|swopping)(?: (?:to the other )?(?:sides?|legs?|arms?))?\b"
    rf"|(?:\b(?:then|and|now)|,) (?:switch|swap|change)\s*(?:[.!]|$)"
    rf"|\b(?:practi[cs]e|repeat|do the same|change to|switch to)\b[^.;]{{0,80}}?\b(?:on|with|to|for) (?:the|your) (?:left|right)(?: {_LIMB}\b|(?=\s*(?:[.;!,]|$)))",
    re.IGNORECASE,
)
SIDE_WORD = re.compile(
    rf"(?<!above )(?<!below )(?<!\btop )(?<!bottom )(?<!have it )(?<!get it )(?<!got it )(?<!do it )"
    rf"\b(left|right)\b(?! (?:away|now|angle|here|there|on top|in front|under|over|down|up|through|into|behind|"
    r"beside|above|below|along|across|next to|back (?:onto|on|to|into|down|up|in)\b))"
    rf"|\bone ({_LIMB})\b|\bboth sides\b",
    re.IGNORECASE,
)
GENERAL = re.compile(
    r"\b(?:each|every|all|any|these)\s+(?:of\s+the(?:se|m)?\s+)?"
    r"(?:poses?|stretch(?:es)?|exercises?|positions?|movements?|moves?)\b\s*(?:for|at|is|should|:)"
    r"|\b(?:each|every|all|any|these|both)\s+(?:of\s+(?:the(?:se)?|them)\s+)?"
    r"(?:one|poses?|stretch(?:es)?|exercises?|positions?|movements?|moves?)\b[^.;]{0,40}?\b\d*\s*"
    r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|twice)\b[^.;]{0,20}?\b(?:times|reps?|repetitions?)\b"
    r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)\s+of\s+each\b(?!\s+(?:side|leg|arm|knee|foot))"
    r"|\bstretches\s+(?:over|for|lasting)\s+(?:about\s+)?(?:\d+|[a-z]+)\s+(?:seconds|secs|breaths)\b"
    r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:[-–]|to)?\s*\w*\s+"
    r"(?:times|reps?|repetitions?)\s+(?:of\s+)?(?:each|every|all)\s+(?:of\s+the(?:se)?\s+)?"
    r"(?:one|poses?|stretch(?:es)?|exercises?|movements?|moves?)\b",
    re.IGNORECASE,
)
"""Advice for every exercise of the page ("Hold each stretch for 30 seconds",
"try each one 5-10 times", "do 5 repetitions of each exercise")."""
BARE_HOLD = re.compile(
    r"^\s*(?:and\s+|then\s+|now\s+)?(?:hold|stay|remain)\b"
    r"(?:\s+(?:it|this|that|the|your|in)?\s*(?:stretch|pose|position|posture|there|here|still))?"
    r"\s*(?:[.!;,]|$|\b(?:as long as|until|while)\b)",
    re.IGNORECASE,
)
BARE_MID = re.compile(
    r"(?:,\s*|\band\s+|\bthen\s+)(?:hold|stay)(?:\s+(?:there|here|still))?\s*(?=[.,;!]|$)",
    re.IGNORECASE)
""""roll your head to the right, hold, then ... to the left and hold.": holds with no length."""
TIMING_WORDS = re.compile(
    r"\b(?:seconds|(?:a|one|\d+)\s+second|secs?|minutes?|mins?|hours?|breaths|counts?|times|reps?|repetitions?|sets|"
    r"repeat)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Span:
    """A quantity as written: one number or a range, with a hint for levels."""

    low: float
    high: float

    def pick(self, end: str) -> int:
        """The whole number a level takes: ``end`` is "low" or "high"."""
        return max(1, round(self.low if end == "low" else self.high))


@dataclass(frozen=True)
class Timing:
    """What a sentence says about time. Empty when it says nothing."""

    hold: Span | None = None
    """Length of a hold, seconds."""
    hold_at: tuple[int, int] | None = None
    """Where the hold phrase (with its verb) sits in the sentence."""
    bare_hold: bool = False
    """"Hold the stretch." with no length: a hold only when the page gives
    every stretch a length, else the movement it ends."""
    rest: Span | None = None
    """A rest, seconds."""
    reps: Span | None = None
    """Repetitions of the whole exercise (sets x repetitions)."""
    sets: Span | None = None
    """Sets, when the sentence names them ("3 sets of 10": reps 30, sets 3)."""
    more_reps: Span | None = None
    """"Do another 10": repetitions added to those given before."""
    again: bool = False
    """A bare "release and repeat": the exercise once more."""
    other_at: int | None = None
    """Where the change of side ("repeat on the other side") starts."""
    with_both: bool = False
    """"Repeat with both knees together": the hold once more, both at once."""
    to_side: str | None = None
    """The side the change goes to, when it names it ("Repeat on your left side")."""
    per_side: bool = False
    """"on each side", "per leg", "alternating": a repetition does both sides."""
    other_side: bool = False
    """"repeat on the other side", "switch legs": mirror what came before."""
    side: str | None = None
    """Side the movement names first: "left", "right", "one", "both"."""
    general: bool = False
    """Advice about every pose ("hold each stretch for 30 s"), not one hold."""
    unclear: bool = False
    """Looks like timing but no rule understood it."""
    problem: str | None = None
    """Nonsense (a zero hold, "Repeat 0 times"): the message of an error."""
    extra: str | None = None
    """Timing that was understood but not used: a warning."""
    same_hold: bool = False
    """"for the same number of breaths": as long as the hold before."""
    hold_ends: tuple[int, ...] = ()
    """Where each hold phrase ends, when the sentence has several."""


def span_of(m: re.Match, tag: str) -> Span:
    a = parse_number(m.group(f"{tag}a"))
    b = parse_number(m.group(f"{tag}b")) if m.group(f"{tag}b") else a
    return Span(min(a, b), max(a, b))


def seconds_of(m: re.Match) -> Span:
    """A DURATION or COUNT_OF match in seconds, qualifiers applied."""
    names = m.re.groupindex
    if m.re is MIXED:
        unit = lambda u: 60 if u.lower().startswith("m") else 1  # noqa: E731
        a = parse_number(m.group("x")) * unit(m.group("xu"))
        b = parse_number(m.group("y")) * unit(m.group("yu"))
        return Span(min(a, b), max(a, b))
    if m.re is AND_A_HALF:
        return Span(90, 90)
    if m.re is OR_TWO:
        unit = 1 if m.group("u").lower().startswith("s") else 60
        return Span(unit, 2 * unit)
    if m.re is SAME_HOLD:
        return Span(0, 0)  # filled in from the hold before, by the planner
    if m.re is STOPWATCH:
        n = int(m.group("mm") or 0) * 60 + int(m.group("ss"))
        return Span(n, n)
    if m.re is BREATHE_TIMES:
        n = parse_number(m.group("da")) * BREATH_S
        return Span(n, n)
    span = span_of(m, "e") if "ea" in names and m.group("ea") else span_of(m, "d")
    if "hr" in names and m.group("hr"):
        span = Span(span.low * 3600, span.high * 3600)
    elif "min" in names and m.group("min"):
        span = Span(span.low * 60, span.high * 60)
    elif "br" in names and m.group("br"):
        span = Span(span.low * BREATH_S, span.high * BREATH_S)
    qualifier = (m.group("q") or "").lower() if "q" in names else ""
    if qualifier == "up to":
        span = Span(math.ceil(span.high / 2), span.high)
    return span


UNIT_HINT = re.compile(r"sec|min|hour|hr|breath|\ds\b")
"""Text a DURATION cannot match without."""


def duration_rule(text: str) -> list[tuple[re.Match, Span]]:
    """Every duration in the sentence, in order, without frequencies
    ("3 times a day" is not a duration either)."""
    found = []
    low = text.lower()
    counted = "count" in low  # COUNT_OF and COUNTS cannot match without it
    clock = ":" in text  # nor STOPWATCH without a colon
    unit = bool(UNIT_HINT.search(low))  # nor DURATION and MIXED without a unit
    for m in [*(MIXED.finditer(text) if unit else ()), *OR_TWO.finditer(text), *AND_A_HALF.finditer(text),
              *SAME_HOLD.finditer(text),
              *(COUNT_OF.finditer(text) if counted else ()), *(COUNTS.finditer(text) if counted else ()),
              *(DURATION.finditer(text) if unit else ()), *(STOPWATCH.finditer(text) if clock else ())]:
        if FREQUENCY.match(text[m.end():]):
            continue
        if any(m.start() < o.end() and o.start() < m.end() for o, _ in found):
            continue
        if is_single_breath(text, m) or not_a_hold(text, m):
            continue
        if m.re is DURATION and VAGUE.match((m.group("da") or m.group("ea") or "").strip()):
            continue  # "Take several deep breaths": no length given
        if BREATH_PHASE.search(text[: m.start()]) and re.search(r"breath|inhale|exhale", text, re.IGNORECASE):
            continue  # "breathe in for 5 counts then out for 5 counts": the pace of breathing
        found.append((m, seconds_of(m)))
    if not found:
        found = [(m, seconds_of(m)) for m in BREATHE_TIMES.finditer(text)][:1]
    return sorted(found, key=lambda f: f[0].start())


def not_a_hold(text: str, m: re.Match) -> bool:
    """Time that is not a hold: a progression ("Build up to 10 seconds"), or
    an activity ("walk for 10 minutes", "a five-minute walk") when no hold
    word leads into it."""
    clause = re.split(r"[,;]", text[: m.start()])[-1]
    if PROGRESSION.search(clause + text[m.start(): m.end()]):
        return True
    if COMPARED.search(clause):
        return True  # "pain that lasts longer than 10 seconds": a warning
    if re.search(r"\b(?:every|each)\s*$", clause, re.IGNORECASE):
        return True  # "Get up every 30 minutes": how often, not how long
    after = text[m.end(): m.end() + 40]
    if re.match(r"\s*of\s+(?:[a-z]+\s+)?(?:" + ACTIVITY.pattern + ")", after, re.IGNORECASE):
        return True  # "an hour of restorative yoga": time spent on something else
    if HOLD_WORDS.search(clause):
        return False
    before = text[: m.start()]
    after = after[:25]
    if re.match(r"\s*of\s+(?!(?:holding|stretch|rest|relax))[a-z]", after, re.IGNORECASE):
        return True  # "an hour of restorative yoga": time spent on something
    return bool(ACTIVITY.search(clause)
                or ACTIVITY.search(before) and not HOLD_WORDS.search(before)
                or re.match(r"\s*(?:\w+\s+)?(?:" + ACTIVITY.pattern + ")", after, re.IGNORECASE))


def is_single_breath(text: str, m: re.Match) -> bool:
    """"Take a deep breath" is breathing, not a hold; "hold for one deep
    breath" is a hold."""
    if "br" not in m.re.groupindex or not m.group("br") or span_of(m, "d").high != 1:
        return False
    clause = re.split(r"[,;]", text[: m.start()])[-1]
    return not (HOLD_WORDS.search(clause) or re.search(r"\bfor\s*$", clause, re.IGNORECASE))


def is_rest(text: str, m: re.Match) -> bool:
    """A duration is a rest when a rest word leads into it in its clause, or
    it is "between sets"."""
    clause = re.split(r"[,;]|\bthen\b|\band\b", text[: m.start()])[-1]
    after = text[m.end(): m.end() + 30]
    return bool(REST_WORDS.search(clause) and not HOLD_WORDS.search(clause)) or bool(
        re.match(r"\s*between\b", after, re.IGNORECASE)
    )


def hold_phrase(text: str, m: re.Match) -> tuple[int, int]:
    """Stretch a duration match back over its verb ("stay still for", "hold
    on for", "and hold this stretch") so the rest of the sentence is the
    movement."""
    clause_start = max(text.rfind(",", 0, m.start()), text.rfind(";", 0, m.start())) + 1
    lead = text[clause_start: m.start()]
    verb = HOLD_WORDS.search(lead)
    start = clause_start + verb.start() if verb else m.start()
    joiner = re.search(r"(?:\band\s+|\bthen\s+|\bfor\s+)+$", text[:start], re.IGNORECASE)
    if joiner:
        start = joiner.start()
    return start, m.end()


def strip_reps(text: str) -> str:
    """The sentence without its repetition and side phrases ("and repeat 3
    times, then switch sides"), to keep what is left as a spoken step."""
    for pattern in (REPS_FIELD, SETS_OF, SETS_OF_TIME, REPS_FOR_SETS, SETS_X, X_AFTER, ANOTHER, REPS, REPS_SETS, SETS_FIELD, REPS_ROUNDS, REPS_DONE, OTHER_SIDE, PER_SIDE):
        text = pattern.sub("", text)
    return re.sub(r"\b(?:repeat|and|then)\b(?=[\s,.;]*(?:$|[,.;]))", "", text, flags=re.I)


@dataclass(frozen=True)
class Count:
    """Repetitions as one sentence gives them."""

    total: Span | None = None
    """All repetitions the sentence asks for (sets x repetitions)."""
    sets: Span | None = None
    """Sets, when the sentence names them."""
    more: Span | None = None
    """"Do another 10": repetitions on top of those given before."""
    problem: str | None = None
    again: bool = False
    """A bare "repeat": once more."""


def count_of(m: re.Match) -> tuple[Span, Span | None]:
    """A count match -> (repetitions in all, sets or None)."""
    if "word" in m.re.groupindex and m.group("word"):
        n = {"once": 1, "twice": 2, "thrice": 3}[m.group("word").lower()]
        return Span(n, n), None
    span = span_of(m, "r")
    sets = None
    if "sa" in m.re.groupindex and m.group("sa"):
        n = parse_number(m.group("sa"))
        sets = Span(n, n)
        span = Span(span.low * n, span.high * n)
    elif m.re in (REPS_SETS, SETS_FIELD, SETS_OF_TIME):
        sets = span
    if "more" in m.re.groupindex and m.group("more"):
        span = Span(span.low + 1, span.high + 1)
    return span, sets


def check_count(span: Span) -> str | None:
    if span.low < 1:
        return "a repetition count must be at least 1"
    if span.high > MAX_REPS:
        return f"{span.high:g} repetitions is more than {MAX_REPS}; is that a typo?"
    if span.low != int(span.low) or span.high != int(span.high):
        return "a repetition count must be a whole number"
    return None


def is_count(text: str, m: re.Match) -> bool:
    """A count match that counts this exercise's repetitions (not "3 times a
    day", "That's one rep", "breathe in and out three times", "several times")."""
    if FREQUENCY.match(text[m.end():]) or NOT_A_COUNT.search(text[: m.start()]):
        return False
    if re.match(r"(?:one|1|a single)\b", m.group(0), re.I) and re.search(r"\b(?:is|makes|counts as)\s*$",
                                                                       text[: m.start()], re.I):
        return False  # "Rolling your knees left and right is one repetition": a definition
    if "word" in m.re.groupindex and m.group("word") and re.search(r"(?:^|[,;:.(])\W*$", text[: m.start()]):
        return False  # "Once your hips are level, ...": when, not how often
    if m.re is REPS and m.group(0)[-1:].lower() == "x" and re.match(r"\s*\d", text[m.end():]):
        return False  # "90 x 90": a size (sets x repetitions are read by SETS_X)
    if m.re is SETS_X and parse_number(m.group("sa")) * parse_number(m.group("rb") or m.group("ra")) > MAX_REPS:
        return False  # "a 90 x 90 position": a size, not sets of repetitions
    if m.re in (REPS_SETS, SETS_FIELD) and SET_A_SIDE.search(text):
        return False  # "2 sets (one set for each side)": the sides, not a count
    numbers = [m.group(g) for g in ("ra", "rb", "sa") if g in m.re.groupindex and m.group(g)]
    return not any(VAGUE.match(n.strip()) for n in numbers)


REPS_HINT = re.compile(r"time|\dx|\sx\b|rep|once|twice|thrice")
"""Text REPS cannot match without."""
KEYWORD = {REPS: "", SETS_X: "x", X_AFTER: "x", OF_EACH: "each", REPS_FIELD: "rep", SETS_OF: "set", SETS_OF_TIME: "set", REPS_FOR_SETS: "set", REPS_SETS: "set", SETS_FIELD: "set",
           REPS_ROUNDS: ""}
"""A word a pattern cannot match without: the pattern is not tried when it is
missing (each one starting at a number costs a try at every number)."""


def reps_rule(text: str) -> Count:
    """Repetitions (and sets, and "do another N"), with a problem message
    when they make no sense."""
    low = text.lower()
    counts = bool(REPS_HINT.search(low))
    matches = [m for pattern in (REPS_FIELD, SETS_OF, SETS_OF_TIME, REPS_FOR_SETS, SETS_X, REPS, REPS_SETS, SETS_FIELD,
                                REPS_ROUNDS, REPS_DONE, OF_EACH, X_AFTER) if not (KEYWORD.get(pattern) and KEYWORD[pattern] not in low)
               and (pattern is not REPS or counts) for m in pattern.finditer(text)]
    more = Span(1, 1) if ONCE_MORE.search(text) else None
    for m in ANOTHER.finditer(text) if re.search(r"another|further|additional", low) else ():
        if is_count(text, m):
            more = span_of(m, "r")
            matches = [o for o in matches if not (o.start() < m.end() and m.start() < o.end())]
            break
    for m in matches:
        if not is_count(text, m):
            continue
        span, sets = count_of(m)
        other = next((o for o in matches if o is not m and is_count(text, o)
                      and not (o.start() < m.end() and m.start() < o.end())
                      and (o.re in (REPS_SETS, SETS_FIELD)) != (m.re in (REPS_SETS, SETS_FIELD))
                      and o.re not in (SETS_OF, SETS_OF_TIME, REPS_FOR_SETS, SETS_X) and sets is None), None)
        if other is not None:
            # "Perform 10-15 repetitions per side, 2-3 sets": sets x repetitions
            other_span, _ = count_of(other)
            sets = other_span if other.re in (REPS_SETS, SETS_FIELD) else span
            span = Span(span.low * other_span.low, span.high * other_span.high)
        problem = check_count(span)
        if more and not problem:
            span = Span(span.low + more.low, span.high + more.high)
            more = None
        return Count(span, sets, None, problem or check_count(span))
    if more:
        return Count(None, None, more, check_count(more))
    again = bool(AGAIN.search(text)) and not OTHER_SIDE.search(text) and not PER_SIDE.search(text)
    return Count(again=again)


def side_rule(text: str) -> str | None:
    """The first side a sentence names."""
    m = SIDE_WORD.search(text)
    if not m:
        return None
    if m.group(1):
        return m.group(1).lower()
    return "one" if m.group(2) else "both"


TOOL = re.compile(r"^\W{0,3}(?:hand|palm|finger|thumb)s?\b", re.IGNORECASE)
"""A hand that only helps ("press your right hand on your knee")."""
STILL = re.compile(
    r"(?:^|[,;:(]|\b(?:and|then|while|with)\b)\W*(?:leave|keep|stand(?:ing)? on|balanc\w* on|support\w*|"
    r"shift(?:ing)? (?:your |the )?weight (?:on)?to)\b(?:\W+\w+){0,2}\W*$",
    re.IGNORECASE)
"""A limb that stays where it is ("Leave your left knee bent", "Stand on one leg")."""
STEPPED_BACK = re.compile(r"\s+(?:foot|leg)\s+(?:\w+\s+){0,3}?(?:back|behind)\b", re.IGNORECASE)
MOVED = re.compile(
    r"\b(?:take hold of|hold(?:ing)?|grab\w*|grasp\w*|hug\w*|draw\w*|pull\w*|bring\w*|lift\w*|rais\w*|"
    r"cross\w*|clasp\w*|catch\w*)\s+(?:your|the)\s*$", re.IGNORECASE)
"""A limb the movement takes hold of or moves ("take hold of your right foot")."""
TOWARD = re.compile(
    r"\b(?:turn|twist|rotat|lean|tilt|drop|roll|fall|look)\w*\b[^,;.]{0,60}?\b(?:to|towards?)\s+(?:the|your)\s*$",
    re.IGNORECASE)
"""The direction a twist or a lean goes ("turn your shoulders to your left")."""


def lead_side(sentences: list[str]) -> str | None:
    """The side a movement works first, from the sentences that lead into a
    hold: the limb moved or taken hold of, or the way a twist turns, comes
    before a hand that only helps or a leg that stays put ("Leave your left
    knee bent. Draw your right knee in" -> right)."""
    best: tuple[int, str] | None = None
    for sentence in sentences:
        pair = SIDE_PAIR.search(sentence)
        if pair:
            return "right" if pair.group(0)[0] in "Rr" else "left"  # "Single leg to chest R&L"
        if BOTH_ONE_OTHER.search(sentence) or CONDITIONAL_SIDES.search(sentence):
            continue  # "lift one leg, then lift the other": both
        for m in SIDE_WORD.finditer(sentence):
            side = m.group(1).lower() if m.group(1) else ("one" if m.group(2) else "both")
            before, after = sentence[: m.start()], sentence[m.end():]
            weight = 2
            if m.group(1) and TOOL.match(after) or STILL.search(before) or STEPPED_BACK.match(after) and re.search(
                    r"\bstep\w*\s+(?:your |the )?$", before, re.IGNORECASE):
                weight = 1  # a helping hand, a leg left still, the foot stepped back behind the stretch
            if MOVED.search(before) or TOWARD.search(before):
                weight = 3
            if best is None or weight > best[0]:
                best = (weight, side)
    return best[1] if best else None


REPEAT_BOTH = re.compile(
    r"\brepeat\b[^.;]{0,40}?\bwith both (?:knees|legs|feet|arms|hands|sides)\b"
    r"|\b(?:then|now)\b[^.;]{0,20}?\bboth (?:knees|legs|feet|arms) together\b[^.;]{0,30}\bsame\b"
    r"|\bother (?:knee|leg|foot|arm|side),? and then (?:with )?both (?:knees|legs|feet|arms)\s*(?:together)?\s*[.;!]?$",
    re.IGNORECASE)
""""Repeat same action with both knees together": one more hold, both sides at once."""
SIDE_PAIR = re.compile(r"\b(?:R\s*(?:&|and|/)\s*L|L\s*(?:&|and|/)\s*R|[Rr]ight\s*(?:&|and|/)\s*(?:the\s+)?[Ll]eft|"
                       r"[Ll]eft\s*(?:&|and|/)\s*(?:the\s+)?[Rr]ight)\b(?!\s+(?:hands?|feet|foot|legs?|arms?|knees?|ears?|hips?|shoulders?|elbows?|wrists?|ankles?|thighs?|glutes?|eyes?|buttocks?|sides? of|palms?|heels?|toes?))")
CONDITIONAL_SIDES = re.compile(r"^\W*if\b[^;]*\b(?:left|right)\b.*\bif\b.*\b(?:left|right)\b", re.IGNORECASE)
""""If the pain is on your right, turn to the left; if on your left, ...": whichever side hurts."""
BOTH_ONE_OTHER = re.compile(
    rf"\bone {_LIMB}\b.*\b(?:the|to) other(?: {_LIMB})?\b|\bside to side\b|\bone {_LIMB} to the other\b", re.IGNORECASE)
BOTH_LIMBS = re.compile(r"\bboth (?:knees|legs|feet|sides|hips|shoulders)\b", re.IGNORECASE)
"""A movement of both limbs at once ("Draw both knees to your chest"): no side."""


INSTEAD = re.compile(r"^\W*instead of\b(?P<old>[^,;]{1,120})[,;]\s*(?P<new>.+)$", re.IGNORECASE)
""""Instead of 5 reps on each leg, do 10.": the new number counts, in the old one's unit."""
UNIT_WORD = re.compile(r"\b(seconds?|minutes?|breaths?)\b", re.IGNORECASE)


def instead(text: str, m: re.Match) -> Timing:
    """The timing of "Instead of <old>, <new>": the new part read with the
    old part's unit and sides (the old part blanked, so places still match)."""
    old = read_timing(m.group("old"))
    new = m.group("new")
    unit = UNIT_WORD.search(m.group("old"))
    if old.hold and unit:
        new = re.sub(rf"({NUMBER})(?!\s*(?:{unit.group(1)}|seconds?|minutes?|breaths?))(\W*)$",
                     rf"\1 {unit.group(1)}\2", new, flags=re.IGNORECASE)
    timing = read_timing(" " * m.start("new") + new)
    end = len(text)
    clip = lambda span: (min(span[0], end), min(span[1], end)) if span else span  # noqa: E731
    return replace(timing, per_side=timing.per_side or old.per_side, hold_at=clip(timing.hold_at),
                   hold_ends=tuple(min(e, end) for e in timing.hold_ends))


@functools.lru_cache(maxsize=4096)
def read_timing(text: str) -> Timing:
    """Apply every rule to one sentence (cached: the parser and the planner
    ask about the same sentences)."""
    swap = INSTEAD.match(text)
    if swap:
        return instead(text, swap)
    timing = Timing(
        per_side=any(not HANDS_ON.search(text[: m.start()]) for m in PER_SIDE.finditer(text)),
        other_side=bool(OTHER_SIDE.search(text)),
        side=side_rule(text),
        general=bool(GENERAL.search(text)),
    )
    holds = []
    for m, span in duration_rule(text):
        if is_rest(text, m):
            timing = replace(timing, rest=timing.rest or span)
        else:
            holds.append((m, span))
    if holds:
        m, span = holds[0]
        if PER_SIDE.search(text[: m.start()]) and re.match(r"\s*(?:in\s+)?total\b", text[m.end():], re.IGNORECASE):
            span = Span(span.low / 2, span.high / 2)  # "Each Side – 60 sec total": 30 s a side
        problem = None
        if span.low <= 0 and m.re is not SAME_HOLD:
            problem = "a hold must last at least one second"
        elif span.high > MAX_HOLD_S:
            problem = (
                f"a hold of {describe_seconds(span.high)} is longer than "
                f"{MAX_HOLD_S // 60} minutes; is that a typo?"
            )
        timing = replace(
            timing, hold=span, hold_at=hold_phrase(text, m), problem=problem,
            hold_ends=tuple(h.end() for h, _ in holds), same_hold=m.re is SAME_HOLD,
        )
    elif BARE_HOLD.search(text) or BARE_MID.search(text):
        found = sorted([*BARE_HOLD.finditer(text), *BARE_MID.finditer(text)], key=lambda m: m.start())
        m = found[0]
        timing = replace(timing, bare_hold=True, hold_at=(m.start(), m.end()),
                         hold_ends=tuple(f.end() for f in found) if len(found) > 1 else ())
    count = reps_rule(text)
    if count.total or count.more:
        timing = replace(timing, reps=count.total, sets=count.sets, more_reps=count.more,
                         problem=timing.problem or count.problem)
    timing = replace(timing, again=count.again)
    other = OTHER_SIDE.search(text)
    if other:
        named = re.findall(r"\b(left|right)\b", other.group(0), re.IGNORECASE)
        timing = replace(timing, other_at=other.start(), to_side=named[-1].lower() if named else None)
    if REPEAT_BOTH.search(text):
        timing = replace(timing, with_both=True)
    understood = (timing.hold or timing.bare_hold or timing.reps or timing.more_reps or timing.rest
                  or timing.other_side or timing.again or timing.with_both)
    if not understood and not timing.per_side and TIMING_WORDS.search(text) \
            and not FREQUENCY_SENTENCE.search(text) and not ignored(text):
        timing = replace(timing, unclear=True)
    return timing


DEFINITION = re.compile(
    r"\b(?:is|makes|counts as)\s+(?:one|1|a single)\s+(?:rep|repetition)|\b(?:that|this)(?:'s|’s| is) one rep",
    re.IGNORECASE)
BLANK_FIELD = re.compile(r"\W*(?:repeat\s+)?(?:reps?|repetitions?|sets?|hold|rest)\s*:?\s*", re.IGNORECASE)


def ignored(text: str) -> bool:
    """Timing words that need no warning: time spent on something else,
    a definition ("That's one rep"), a blank field ("Reps:")."""
    skipped = (ACTIVITY.search(text) or PROGRESSION.search(text) or EVERY.search(text)
               or COMPARED_ANY.search(text)) and DURATION.search(text) or SET_A_SIDE.search(text)
    return bool(skipped or DEFINITION.search(text) or BLANK_FIELD.fullmatch(text))



def describe_seconds(seconds: float) -> str:
    """7200 -> "2 hours", 90 -> "90 seconds"."""
    if not seconds < 1e6:
        return "over a million seconds"
    if seconds >= 3600:
        return f"{seconds / 3600:g} hours"
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"
