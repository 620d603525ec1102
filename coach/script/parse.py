"""Routine text -> Routine: exercises made of sentences, each with its line.

Two shapes of text are understood:

- Markdown: ``#`` headings (the first, when it stands alone at the top level,
  is the title), bullets, numbered lines, paragraphs.
- Article text like the seed: numbered title lines (``1. Twisting``), often
  repeated on the next line, ``•`` bullets, intro paragraphs; or short
  un-numbered title lines followed by steps, as in a physio handout.

A section becomes an exercise only when it reads like one (it has timing, or
several instruction sentences); everything else is kept as notes. Pure: no
I/O, only ``RoutineError`` escapes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from coach.errors import RoutineError
from coach.model import Exercise, Routine, Step, StepKind
from coach.script.timing import read_timing
from coach.script.words import ADVERBS, INSTRUCTION_VERBS, NOT_EXERCISE_TITLES

HEADING = re.compile(r"#{1,6}(?=\s)")
SETEXT = re.compile(r"(=+|-+)\s*$")
BULLET = re.compile(r"[-*+•·▪‣◦●○■□➢►✓✔–—](?=\s)")
NUMBERED = re.compile(
    r"(?:(?:step|stretch|exercise|pose|move)\s+(?:no\.?\s*|number\s+|#\s?)?|#\s?|no\.\s*)?"
    r"\(?(\d{1,3})(?:\s*[.):]+(?=\s|[A-Z])|(?=[A-Z][A-Za-z])|(?=\s*$))",
    re.IGNORECASE,
)
"""A numbered line in any common form: "1.", "1)", "(1)", "1..", "#1",
"Step 2:", "Stretch No. 1:", "Exercise #3", or a number glued to its title
("1Lumbar Rotation")."""
GLUED = re.compile(r"([A-Z][^.:!?]{2,50}?[a-z])(?=[A-Z][a-z]+\s)")
"""A title glued to the sentence after it: "Arm CirclesStand tall"."""
NAME_COLON = re.compile(r"([A-Z][^:.!?]{1,60}):\s+(?=\S)")
"""A title and its instructions on one line: "Up dog: Press into your hands…"."""
TERMINAL = re.compile(r"[.!?:;,]$")
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|approx|vs|dr|mr|mrs|ms|st|no|min|sec|cf)\.$", re.I)
INLINE_MARKUP = re.compile(r"[\[<*_`]")
SENTENCE_END = re.compile(r"(?<![.!?])[.!?]+[\"'”’)]*\s+(?=[\"'“(]?[A-Z0-9])")


@dataclass
class _Line:
    number: int
    kind: str  # "blank", "heading", "bullet", "numbered", "text"
    text: str
    level: int = 0  # heading level, or the number of a numbered line


@dataclass
class _Item:
    """A bullet, numbered line or paragraph, possibly spanning lines."""

    kind: StepKind
    parts: list[tuple[int, str]]  # (line, text)


@dataclass
class _Section:
    title: str
    line: int
    items: list[_Item] = field(default_factory=list)


# ------------------------------------------------------------------- lines


def clean_inline(text: str) -> str:
    """Drop Markdown inline markup: images, links, emphasis, code, tags."""
    if not INLINE_MARKUP.search(text):
        return " ".join(text.split())
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]{1,200}>", "", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*]+)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)_(?=\S)([^_]+)(?<=\S)_(?!\w)", r"\1", text)
    return " ".join(text.split())


NOISE_LINE = re.compile(
    r"(?:skip to (?:main )?content|skip navigation|advertisement|sponsored|share (?:this|on)\b.*|"
    r"(?:share|print|email|tweet|pin it|save)(?:\s*[|/·•]\s*\w+)*|"
    r"(?:image|photo|photograph|picture|illustration|video|credit)s?(?: credit)?\s*(?::|by|courtesy)\b.*|"
    r"(?:related|see also|read more|more from|recommended|you may also like|also read)\b.*|"
    r"(?:sign up|subscribe)\b.*(?:newsletter|inbox|email|updates)\b.*|.*\bnewsletter\b.*sign up.*|"
    r"(?:©|copyright\b|all rights reserved).*|(?:follow us|like us)\b.*|"
    r"(?:posted|published|updated|last (?:updated|reviewed))\b.{0,40}\d.*|"
    r"[<‹«]?\s*(?:previous|prev|next)\b.{0,40}[>›»]?|only single leg)",
    re.IGNORECASE,
)
"""Page chrome and asides that come along when an article is pasted: never an
exercise, never spoken."""


def parse_line(number: int, raw: str) -> _Line:
    """Classify one source line."""
    text = raw.strip().lstrip(">").strip()
    if text and len(text) < 200 and NOISE_LINE.fullmatch(clean_inline(text)):
        return _Line(number, "blank", "")
    if not text or re.fullmatch(r"[-*_=\s]{3,}", text) or text.startswith("|"):
        return _Line(number, "blank", "")
    if m := HEADING.match(text):
        title = re.sub(r"^(?:\d{1,3}[.):]|step \d{1,3}:?)\s+", "", text[m.end():].strip(" #"), flags=re.I)
        return _Line(number, "heading", clean_inline(title), len(m.group()))
    if m := BULLET.match(text):
        return _Line(number, "bullet", clean_inline(text[m.end():]))
    if m := NUMBERED.match(text):
        rest = clean_inline(text[m.end():])
        if rest.endswith(":") and is_title_text(rest[:-1], 8):
            rest = rest[:-1]  # "1..Shoulder Blade Squeeze:"
        return _Line(number, "numbered", rest, int(m.group(1)))
    return _Line(number, "text", clean_inline(text))


def split_numbered(lines: list[_Line]) -> list[_Line]:
    """A numbered title with its instructions on the same line ("1. Up dog:
    Press…") becomes a title line and a text line; a bare number ("#1" alone)
    takes the short title line that follows it."""
    out: list[_Line] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if line.kind == "numbered" and not line.text:
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and nxt.kind == "text" and is_title_text(nxt.text, 10):
                out.append(_Line(line.number, "numbered", nxt.text, line.level))
                skip = True
                continue
        if line.kind == "numbered" and (m := GLUED.match(line.text)) and is_title_text(m.group(1), 6):
            # "2.Arm CirclesStand tall…": a title glued to its text by a paste
            out.append(_Line(line.number, "numbered", m.group(1), line.level))
            out.append(_Line(line.number, "text", line.text[m.end():]))
            continue
        if line.kind == "numbered" and (m := NAME_COLON.match(line.text)):
            name = m.group(1).strip()
            if is_title_text(name, 8):
                out.append(_Line(line.number, "numbered", name, line.level))
                out.append(_Line(line.number, "text", line.text[m.end():]))
                continue
        out.append(line)
    return out


RUN_IN_TITLE = re.compile(r"([A-Z][\w'’()/ -]{2,45}?)(?:\.|:|\s[–—-])\s+(?=[A-Z(])")
"""A run-in title: "Pelvic Tilt. Lie on your back…", "Neck stretch: Tilt…"."""


FIELD_LABEL = re.compile(
    r"(?:why|how|do|don'?t|dos?|don'ts|next|previous|tips?|notes?|modifications?|variations?|"
    r"hold|holds?|reps?|repetitions?|sets?|image|photo|credit|source|related|benefits?|purpose|"
    r"start(?:ing)? position|position|finish|caution|warning|important|goal|target|targets|"
    r"equipment|level|time|duration|frequency|muscles(?: worked)?|focus|cue|cues|breathe?|"
    r"step \d+|updated|published|posted|by .*|share|print|email|read more|see also|more)",
    re.IGNORECASE,
)
"""Run-in labels of a field ("Why: …", "Tip: …", "Hold: 5-8 breaths"), not names."""


def is_field(text: str) -> bool:
    """"Hold: 5-8 breaths", "Modification: Knees together": a field of the
    exercise above, not a title."""
    label, colon, _ = text.partition(":")
    return bool(colon) and bool(FIELD_LABEL.fullmatch(label.strip()))


def split_run_in(lines: list[_Line]) -> list[_Line]:
    """Paragraphs that open with a short name and a full stop, colon or dash
    ("Pelvic Tilt. Lie on your back…") become a title line and a text line,
    when the text does this at least twice (one such line is just a
    sentence) and the name is not itself an instruction."""
    found = {}
    for i, line in enumerate(lines):
        if line.kind != "text" or (i and lines[i - 1].kind not in ("blank", "text")):
            continue
        if i and lines[i - 1].kind == "text" and i - 1 not in found:
            continue
        m = RUN_IN_TITLE.match(line.text)
        if m and len(m.group(1).split()) <= 5 and not is_instruction(m.group(1)) \
                and not FIELD_LABEL.fullmatch(m.group(1).strip()) \
                and not ABBREVIATIONS.search(line.text[:m.end()].rstrip()):
            found[i] = m
    if len(found) < 2:
        return lines
    out: list[_Line] = []
    for i, line in enumerate(lines):
        if i in found:
            m = found[i]
            out.append(_Line(line.number, "blank", ""))
            out.append(_Line(line.number, "numbered", m.group(1).strip(), 0))
            out.append(_Line(line.number, "text", line.text[m.end():]))
        else:
            out.append(line)
    return out


def parse_lines(text: str) -> list[_Line]:
    """Classify every line, turning setext underlines into headings."""
    lines = [parse_line(i, raw) for i, raw in enumerate(text.splitlines(), start=1)]
    raw_lines = text.splitlines()
    for i in range(1, len(lines)):
        if lines[i - 1].kind == "text" and SETEXT.fullmatch(raw_lines[i].strip() or "x"):
            if i < 2 or lines[i - 2].kind == "blank":
                level = 1 if raw_lines[i].strip().startswith("=") else 2
                lines[i - 1] = _Line(lines[i - 1].number, "heading", lines[i - 1].text, level)
                lines[i] = _Line(lines[i].number, "blank", "")
    return split_run_in(split_numbered(lines))


# ------------------------------------------------------------------- items


def parse_items(lines: list[_Line]) -> list[_Item]:
    """Group lines into items: a bullet or numbered line with its wrapped
    continuation, or a paragraph of text lines."""
    items: list[_Item] = []
    current: _Item | None = None
    for line in lines:
        if line.kind == "blank":
            current = None
        elif line.kind in ("bullet", "numbered"):
            kind = StepKind.BULLET if line.kind == "bullet" else StepKind.NUMBERED
            current = _Item(kind, [(line.number, line.text)])
            items.append(current)
        elif current is not None:
            current.parts.append((line.number, line.text))
        else:
            current = _Item(StepKind.PROSE, [(line.number, line.text)])
            items.append(current)
    return items


def split_sentences(item: _Item) -> list[tuple[int, str]]:
    """An item's sentences, each with the line it starts on."""
    starts, parts, at = [], [], 0
    for number, part in item.parts:
        starts.append((at, number))
        parts.append(part)
        at += len(part) + 1
    text = " ".join(parts)
    offsets = [s for s, _ in starts]
    sentences = []
    begin = 0
    for m in SENTENCE_END.finditer(text):
        if ABBREVIATIONS.search(text[max(begin, m.start() - 12):m.start() + 1]):
            continue
        sentences.append((begin, text[begin:m.end()].strip()))
        begin = m.end()
    sentences.append((begin, text[begin:].strip()))
    return [
        (starts[bisect.bisect_right(offsets, at + cut) - 1][1], chunk)
        for at, s in sentences if s
        for cut, chunk in _chunks(s)
    ]


MAX_SENTENCE = 400
"""Longest sentence handed on whole (real ones stay under ~300 characters);
a longer run of text is cut at spaces, so no later rule ever works on an
unbounded string."""


def _chunks(sentence: str) -> list[tuple[int, str]]:
    """A sentence as pieces of at most MAX_SENTENCE characters, cut at
    spaces where there are any, with their offsets."""
    if len(sentence) <= MAX_SENTENCE:
        return [(0, sentence)]
    pieces, at = [], 0
    while at < len(sentence):
        end = at + MAX_SENTENCE
        if end < len(sentence):
            space = sentence.rfind(" ", at + 1, end)
            end = space if space > at else end
        piece = sentence[at:end].strip()
        if piece:
            pieces.append((at, piece))
        at = end
    return pieces


# ---------------------------------------------------------------- sections


def is_title_text(text: str, max_words: int) -> bool:
    """A short line without sentence punctuation at its end."""
    words = text.split()
    return 0 < len(words) <= max_words and not TERMINAL.search(text) and text[0].isupper()


def next_content(lines: list[_Line], i: int) -> _Line | None:
    for line in lines[i + 1:]:
        if line.kind != "blank":
            return line
    return None


def find_titles(lines: list[_Line]) -> tuple[list[int], int | None]:
    """Indexes of the lines that start sections, and the index of the
    document's title line (or None)."""
    headings = [i for i, line in enumerate(lines) if line.kind == "heading"]
    if headings:
        top = min(lines[i].level for i in headings)
        first = headings[0]
        lone_top = sum(lines[i].level == top for i in headings) == 1
        if lone_top and lines[first].level == top and len(headings) > 1:
            return headings[1:], first
        return headings, None

    def followed_by_content(i: int) -> bool:
        nxt = next_content(lines, i)
        return nxt is not None and nxt.kind in ("bullet", "numbered", "text")

    numbered_titles = [
        i for i, line in enumerate(lines)
        if line.kind == "numbered"
        and is_title_text(line.text, 16)
        and (i + 1 >= len(lines) or lines[i + 1].kind in ("blank", "bullet", "text"))
        and followed_by_content(i)
    ]
    if numbered_titles:
        preamble = [i for i in range(numbered_titles[0]) if lines[i].kind == "text"]
        title = next((i for i in preamble if is_title_text(lines[i].text, 14)), None)
        return numbered_titles, title

    plain_titles = [
        i for i, line in enumerate(lines)
        if line.kind == "text"
        and is_title_text(line.text, 10)
        and not is_field(line.text)
        and (i == 0 or lines[i - 1].kind == "blank")
        and followed_by_content(i)
    ]
    # The first of several title lines is the document's own title when no
    # steps follow it.
    if len(plain_titles) > 1 and not _section_has_steps(lines, plain_titles[0], plain_titles):
        return plain_titles[1:], plain_titles[0]
    return plain_titles, None


def _section_has_steps(lines: list[_Line], start: int, titles: list[int]) -> bool:
    later = [t for t in titles if t > start]
    end = later[0] if later else len(lines)
    return any(line.kind in ("bullet", "numbered") for line in lines[start + 1:end])


def parse_sections(lines: list[_Line]) -> tuple[str | None, list[_Item], list[_Section]]:
    """Split lines into (title, preamble items, sections)."""
    starts, title_index = find_titles(lines)
    title = lines[title_index].text if title_index is not None else None
    bounds = starts + [len(lines)]
    skip = {title_index} if title_index is not None else set()
    first = starts[0] if starts else len(lines)
    preamble = parse_items([ln for i, ln in enumerate(lines[:first]) if i not in skip])
    sections = []
    for start, end in zip(bounds, bounds[1:]):
        head = lines[start]
        body = lines[start + 1:end]
        # Articles repeat the title on the next line (an image caption).
        nxt = next((j for j, ln in enumerate(body) if ln.kind != "blank"), None)
        if nxt is not None and body[nxt].kind == "text" and _same(body[nxt].text, head.text):
            body = body[:nxt] + body[nxt + 1:]
        sections.append(_Section(head.text, head.number, parse_items(body)))
    return title, preamble, sections


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)


# ------------------------------------------------------------------- steps


def section_steps(section: _Section) -> list[Step]:
    """The sentences of a section as steps; prose before the first list item
    is marked as ``lead``."""
    steps = []
    seen_list = False
    for item in section.items:
        seen_list = seen_list or item.kind != StepKind.PROSE
        for line, sentence in split_sentences(item):
            steps.append(Step(sentence, line, item.kind, lead=not seen_list))
    return steps


def is_instruction(text: str) -> bool:
    """Does the sentence start like an instruction ("Slowly lift your leg")?"""
    words = re.findall(r"[a-z']+", text.lower())[:3]
    while words and words[0] in ADVERBS:
        words = words[1:]
    return bool(words) and (words[0] in INSTRUCTION_VERBS or words[0].endswith("ing") and len(words) > 1)


def is_exercise(title: str, steps: list[Step]) -> bool:
    """A section is an exercise when it has timing of its own, or at least two
    instruction sentences; advice sections never are."""
    if NOT_EXERCISE_TITLES.search(title) or not steps:
        return False
    for step in steps:
        timing = read_timing(step.text)
        if (timing.hold or timing.reps) and not timing.general:
            return True
    return sum(is_instruction(s.text) for s in steps) >= 2


def parse_routine(text: str, name: str = "routine") -> Routine:
    """Parse routine text. ``name`` is the title used when the text has none.
    Raises RoutineError (without a file; the caller adds it)."""
    lines = parse_lines(text)
    if all(line.kind == "blank" for line in lines):
        raise RoutineError("the routine is empty; write at least one exercise with its steps")
    title, preamble, sections = parse_sections(lines)
    notes = [Step(s, ln, item.kind) for item in preamble for ln, s in split_sentences(item)]
    exercises = []
    for section in sections:
        steps = section_steps(section)
        if is_exercise(section.title, steps):
            exercises.append(Exercise(section.title, section.line, tuple(steps)))
        else:
            notes.extend(steps)
    if not exercises:
        # A bare list of steps, or a page whose title is its one exercise
        # ("Hip and Back Stretch for Runners" over numbered steps).
        steps = [Step(s, ln, item.kind) for item in preamble for ln, s in split_sentences(item)]
        if is_exercise(title or name, steps):
            return Routine(title or name, (Exercise(title or name, steps[0].line, tuple(steps)),))
    if not exercises:
        first = next(line.number for line in lines if line.kind != "blank")
        raise RoutineError(
            "no exercises found; give each exercise a title line (or a '## ' heading) "
            "followed by its steps",
            first,
        )
    return Routine(title or name, tuple(exercises), tuple(notes))
