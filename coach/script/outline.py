"""How a routine text was read, line by line: which lines became exercises,
which were kept as notes, and which were skipped.

``outline(text, routine, warnings)`` takes the text as the parser saw it
(for a saved web page or a PDF, the text its reader made of it) and the
``Routine`` parsed from it, and gives every line that has words a role:

    title      the document's title
    exercise   an exercise's title line
    step       an instruction of an exercise (its first line or a wrapped one)
    note       kept, but not an exercise: an introduction, advice, a tip
    skipped    not kept at all: page chrome, captions, noise, a repeated title

A note or skipped line that looks like an exercise (a numbered line, or an
instruction with a hold or a number of repetitions) is *suspect*: an
exercise may have been lost there. Everything is derived from the Routine;
the parser is not asked anything else. Pure: no I/O.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from enum import Enum

from coach.model import Program, Routine
from coach.script.timing import read_timing
from coach.script.words import ADVERBS, INSTRUCTION_VERBS


class Role(str, Enum):
    TITLE = "title"
    EXERCISE = "exercise"
    STEP = "step"
    NOTE = "note"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Line:
    """One source line with words on it, and what the reading made of it."""

    number: int
    """1-based line of the text."""
    text: str
    """The line as written, whitespace folded."""
    role: Role
    exercise: int | None = None
    """0-based index of the routine's exercise it belongs to, or None."""
    suspect: bool = False
    """A note or skipped line that looks like a lost exercise."""


@dataclass(frozen=True)
class Warning:
    """A warning of the compiler about one line."""

    line: int | None
    exercise: int | None
    """0-based index among the program's exercises (the JSON's), or None."""
    message: str


@dataclass(frozen=True)
class Outline:
    lines: tuple[Line, ...]
    warnings: tuple[Warning, ...] = ()
    doubts: tuple[str, ...] = ()
    """Why the reading is not confident, in words; empty when it is."""

    @property
    def confident(self) -> bool:
        return not self.doubts

    def having(self, *roles: Role) -> list[Line]:
        return [line for line in self.lines if line.role in roles]

    @property
    def suspects(self) -> list[Line]:
        return [line for line in self.lines if line.suspect]


# ------------------------------------------------------------------ reading

WORDS = re.compile(r"[a-z0-9]+")
LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]{1,200}>")
NUMBERED = re.compile(
    r"[\s#>*]*(?:(?:step|stretch|exercise|pose|move)\s+(?:no\.?\s*|number\s+|#\s*)?\d{1,3}\b|#\s*\d{1,3}\b"
    r"|\(?\d{1,3}\s*(?:[.)]+|:)\s*[A-Za-z(]|\(\d{1,3}\)|\d{1,2}(?-i:[A-Z][a-z]))",
    re.IGNORECASE,
)
"""A line that opens with a number the way exercise titles do: "3. Cat",
"(2) NECK GLIDE", "#4", "Stretch No. 5", "1Lumbar Rotation"."""
HEADING = re.compile(r"\s{0,3}#{1,6}\s")
LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•·▪‣◦●○■□➢►✓✔–—]\s+|\(?\d{1,3}\s*[.):]+\s*)")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
HAS_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|a minute|breaths?|once|twice)\b", re.IGNORECASE)
ACTION = re.compile(r"\b(?:hold|repeat|perform)\b", re.IGNORECASE)
STEP_LABEL = re.compile(r"[\s#>*]*step\s*\d", re.IGNORECASE)
"""'Step 2: Turn and hold': a step of an exercise, not one of its own."""
NUMBER_LEAD = re.compile(
    r"^[\s#>*]*(?:(?:step|stretch|exercise|pose|move)\s+(?:no\.?\s*|number\s+|#\s*)?\d{1,3}|#\s*\d{1,3}"
    r"|\(?\d{1,3}\)?)\s*[.):]*\s*", re.IGNORECASE)
NEGATION = re.compile(r"(?:do not|don'?t|never|avoid|no)\b", re.IGNORECASE)
EVERY_EXERCISE = re.compile(r"\b(?:each|every|all|these|the)\s+(?:exercises?|stretch(?:es)?|poses?|movements?)\b",
                            re.IGNORECASE)
"""Advice about all the exercises ("5 repetitions of each exercise"), not one."""


def words(text: str) -> str:
    """The words of a text, lower case, one space apart, padded: for
    "is this line inside that sentence" checks that ignore markup."""
    return " " + " ".join(WORDS.findall(LINK_TARGET.sub(" ", text.lower()))) + " "


def is_instruction(sentence: str) -> bool:
    """Starts like an instruction ("Slowly lift your leg"), or says to hold
    or repeat somewhere in it."""
    first = WORDS.findall(LEAD.sub("", sentence).lower())[:3]
    while first and first[0] in ADVERBS:
        first = first[1:]
    return bool(first) and first[0] in INSTRUCTION_VERBS or bool(ACTION.search(sentence))


def looks_like_exercise(text: str, names: frozenset[str] = frozenset()) -> bool:
    """A numbered title line ("3. Bridge", not "1. Do not bounce." and not a
    repeat of an exercise already taken, ``names`` in ``words()`` form), or
    an instruction with a hold or repetitions of its own (not advice about
    every stretch)."""
    if NUMBERED.match(text) and not STEP_LABEL.match(text):
        rest = NUMBER_LEAD.sub("", text)
        title = len(rest.split()) <= 8 and not re.search(r"[.!?;]\W*$", rest) and not NEGATION.match(rest)
        if title and words(rest) not in names and words(rest.split(":")[0]) not in names:
            return True
    if not HAS_NUMBER.search(text):
        return False
    for sentence in SENTENCE.split(LEAD.sub("", text))[:20]:
        if is_instruction(sentence):
            timing = read_timing(sentence[:400])
            if (timing.hold or timing.reps) and not timing.general \
                    and not EVERY_EXERCISE.search(sentence):
                return True
    return False


def outline(text: str, routine: Routine, warnings: tuple[Warning, ...] = ()) -> Outline:
    """Every line of ``text`` with words on it, with its role in ``routine``."""
    raw = text.splitlines()
    roles: dict[int, tuple[Role, int | None]] = {}
    starts: dict[int, list[str]] = {}  # line -> sentences that start there
    for i, exercise in enumerate(routine.exercises):
        roles.setdefault(exercise.line, (Role.EXERCISE, i))
        for step in exercise.steps:
            roles.setdefault(step.line, (Role.STEP, i))
            starts.setdefault(step.line, []).append(step.text)
    for note in routine.notes:
        roles.setdefault(note.line, (Role.NOTE, None))
        starts.setdefault(note.line, []).append(note.text)

    first = min((e.line for e in routine.exercises), default=len(raw) + 1)
    title = words(routine.title)
    lines: list[Line] = []
    owner: tuple[Role, int | None, str] | None = None  # the sentence going on, if any
    titled = False
    for number, source in enumerate(raw, 1):
        folded = " ".join(source.split())
        if not WORDS.search(folded.lower()):
            owner = None  # a blank line (or a rule) ends a paragraph
            continue
        if number in roles:
            role, exercise = roles[number]
            said = starts.get(number)
            # a sentence that starts on a title line ("1. Up dog: Press…") is a step going on
            owner = (Role.STEP if role == Role.EXERCISE else role, exercise, words(said[-1])) if said else None
        elif owner is not None and words(LEAD.sub("", folded)) in owner[2]:
            role, exercise = owner[0], owner[1]
        elif not titled and number < first and words(folded.lstrip("# ")) == title:
            role, exercise, titled = Role.TITLE, None, True
        else:
            role, exercise, owner = Role.SKIPPED, None, None
        lines.append(Line(number, folded, role, exercise))
    lines = [_notes_heading(line, after) for line, after in zip(lines, [*lines[1:], None])]
    names = frozenset(words(e.name) for e in routine.exercises)
    lines = [replace(line, suspect=line.role in (Role.NOTE, Role.SKIPPED)
                     and looks_like_exercise(line.text, names))
             for line in lines]
    return Outline(tuple(lines), tuple(warnings), doubts(lines, routine, raw, warnings))


TITLE_LIKE = re.compile(r"[^.!?;,]{1,80}")


def _notes_heading(line: Line, after: Line | None) -> Line:
    """A heading or short title line over notes ("## Tips") is a note too."""
    if line.role == Role.SKIPPED and after is not None and after.role == Role.NOTE \
            and (HEADING.match(line.text) or TITLE_LIKE.fullmatch(line.text)):
        return replace(line, role=Role.NOTE)
    return line


def doubts(lines: list[Line], routine: Routine, raw: list[str], warnings) -> tuple[str, ...]:
    """Why the reading is not confident. It is confident when no line looks
    like a lost exercise, no exercise has a warning, every exercise's title
    line names it, and, when there are several, each is marked as a title (a
    Markdown heading or a number) rather than guessed from a short line."""
    found = []
    suspects = sum(line.suspect for line in lines)
    if suspects:
        found.append("1 line kept as a note or skipped looks like an exercise" if suspects == 1 else
                     f"{suspects} lines kept as notes or skipped look like exercises")
    if warnings:
        found.append(f"{len(warnings)} warning{'s' * (len(warnings) > 1)}")
    unmarked = 0
    several = len(routine.exercises) > 1
    for exercise in routine.exercises:
        source = raw[exercise.line - 1] if 0 < exercise.line <= len(raw) else ""
        if words(exercise.name).strip() not in words(source):
            found.append(f"'{exercise.name}' (line {exercise.line}) has no title in the text")
        elif several and not (HEADING.match(source) or NUMBERED.match(source)):
            unmarked += 1
    if unmarked:
        found.append(f"{unmarked} exercise title{'s' * (unmarked > 1)} found without a heading or a number")
    return tuple(found)


def reading(program: Program) -> Outline:
    """The outline of the text ``program`` was compiled from, with its
    warnings; an exercise with many holds in one repetition is a doubt too."""
    text, routine = program.source
    found = outline(text, routine, program_warnings(program))
    crowded = [f"'{b.name}' has {len(b.holds)} holds in one repetition (several exercises read as one?)"
               for b in program.exercises if len(b.holds) > MANY_HOLDS]
    return replace(found, doubts=found.doubts + tuple(crowded)) if crowded else found


MANY_HOLDS = 4
"""More holds than this in one repetition is rarely one exercise (a stretch
on both sides with a variation has four)."""


def program_warnings(program: Program) -> tuple[Warning, ...]:
    """The compiler's warnings (``line N: message``) with their line and the
    index of their exercise in the program."""
    found = []
    for i, block in enumerate(program.exercises):
        for text in block.warnings:
            m = re.match(r"line (\d+): (.*)", text, re.DOTALL)
            found.append(Warning(int(m.group(1)), i, m.group(2)) if m else Warning(None, i, text))
    return tuple(found)


# ------------------------------------------------------------ presentation

SHORT = 60


def short(text: str, width: int = SHORT) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def json_fields(reading: Outline) -> dict:
    """What ``compile --json`` adds: the warnings with their lines (the
    compiler's, and one per suspect line), and the skipped lines."""
    warnings = [{"line": w.line, "exercise": w.exercise, "message": w.message}
                for w in reading.warnings]
    warnings += [{"line": line.number, "exercise": None,
                  "message": f"looks like an exercise but was {'kept as a note' if line.role == Role.NOTE else 'skipped'}: "
                             f"{short(line.text)!r}"}
                 for line in reading.suspects]
    warnings.sort(key=lambda w: (w["line"] is None, w["line"] or 0))
    return {
        "warnings": warnings,
        "skipped": [{"line": line.number, "text": line.text, "suspect": line.suspect}
                    for line in reading.having(Role.SKIPPED)],
    }


def runs(lines: list[Line]) -> list[list[Line]]:
    """Lines in runs of consecutive line numbers (blank lines between allowed)."""
    out: list[list[Line]] = []
    for line in lines:
        if out and line.number - out[-1][-1].number <= 2:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def summary_lines(reading: Outline, routine: str = "FILE") -> list[str]:
    """The outline in a few lines: the exercises with their lines, the
    skipped lines in runs, the suspect ones by themselves."""
    out = ["Read with doubts: " + "; ".join(reading.doubts) + ".",
           f"Lines of the text as coach read it (coach show {shlex.quote(routine)} --lines lists every one):"]
    exercises = reading.having(Role.EXERCISE)
    out.append("Taken as exercises:")
    out += [f"  {line.number:>5}  {short(line.text)}" for line in exercises]
    skipped = [line for line in reading.having(Role.SKIPPED) if not line.suspect]
    if skipped:
        out.append("Skipped:")
        for run in runs(skipped):
            where = str(run[0].number) if len(run) == 1 else f"{run[0].number}-{run[-1].number}"
            more = f" (+{len(run) - 1} more)" if len(run) > 1 else ""
            out.append(f"  {where:>5}  {short(run[0].text)}{more}")
    if reading.suspects:
        out.append("Look like exercises, but were not taken as one (!):")
        out += [f"! {line.number:>5}  {line.role.value:7}  {short(line.text)}" for line in reading.suspects]
    return out


def brief_line(reading: Outline, routine: str) -> str:
    """One line for commands that do not list the lines."""
    return (f"Read with doubts: {'; '.join(reading.doubts)}. "
            f"coach show {shlex.quote(routine)} lists how each line was read.")


def full_lines(reading: Outline) -> list[str]:
    """Every line with words on it: number, role, exercise, text."""
    out = ["Every line of the text as coach read it: number, role, exercise (#), text."]
    for line in reading.lines:
        mark = "!" if line.suspect else " "
        exercise = f"{line.exercise + 1:>3}" if line.exercise is not None else "   "
        out.append(f"{mark}{line.number:>5}  {line.role.value:8} {exercise}  {short(line.text, 56)}")
    return out
