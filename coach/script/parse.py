"""Routine text -> Routine: exercises made of sentences, each with its line.

What people paste is rarely tidy: Markdown, a handout, a whole web article
with its menus. Exercises are found from several signals together rather
than one pattern per style:

1. Every line is classified (blank, page chrome, heading, bullet, numbered
   line in any common form, text) and lines that could name an exercise are
   proposed as *title candidates*, each with a *style*: a heading level, a
   numbering form ("1.", "(1)", "#1", "Exercise 1 -", "1st Hour:", a number
   glued to its name), a short plain line (ALL CAPS, ending in a colon, or
   not), a run-in name ("Pelvic Tilt. Lie on…"), an untitled numbered
   paragraph or bullet ("1 Lie on your back… Hold for 20 seconds."), a
   sequence line ("Knees to chest:  5 breaths"), or a sentence that brings
   an exercise in by name inside prose ("Then try a standing calf stretch.").
2. Each style is tried as the one that splits the document; the style whose
   sections read most like exercises (each has timing of its own, or
   several instruction sentences) wins, with a small preference for the
   more explicit styles when they explain the text equally well.
   Siblings vouch for each other: a run-in or numbered title with one
   instruction, or a heading named like an exercise, is one when its
   siblings are; an odd first line (a headline, a site name) is not.
3. Sections in the chosen style that do not read like exercises, and the
   text before the first one, are kept as notes, with their lines; page
   chrome (menus, crumbs, share/print lines, captions and credits, bylines,
   bios, disclaimers, "Related:" links) is dropped and never said.

Pure: no I/O, only ``RoutineError`` escapes.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from coach.errors import RoutineError
from coach.model import Exercise, Routine, Step, StepKind
from coach.script.timing import read_timing
from coach.script.words import (ADVERBS, EXERCISE_NOUNS, INSTRUCTION_VERBS, LABEL_TITLES,
                                NOT_EXERCISE_TITLES)

HEADING = re.compile(r"#{1,6}(?=\s)")
SETEXT = re.compile(r"(=+|-+)\s*$")
BULLET = re.compile(r"[-*+•·▪‣◦●○■□➢►✓✔–—](?=\s)")
TERMINAL = re.compile(r"[.!?:;,…]$")
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|approx|vs|dr|mr|mrs|ms|st|no|min|sec|cf)\.$", re.I)
INLINE_MARKUP = re.compile(r"[\[<*_`]")
SENTENCE_END = re.compile(
    r"(?<![.!?])[.!?]+[\"'”’)]*\s+(?=[\"'“(]?[A-Z0-9])"
    r"|(?<=[a-z]{2})[.!?](?=[A-Z][a-z])"  # "knees.Slowly": a paste lost the space
)

# Numbering, in every common form. Each has a name (its "form"): titles of
# one document share it.
LABEL_NUMBER = re.compile(
    r"(step|stretch|exercise|pose|move|movement|position|drill|no\.?|number)\s*"
    r"(?:no\.?\s*|number\s*|#\s*)?(\d{1,3})(?!\d)(?:\s*[.):]+|\s+[-–—]|(?=\s*$))\s*",
    re.IGNORECASE,
)
""""Step 2:", "Stretch No. 1:", "Exercise 1 - Neck Rotations", "Exercise 3"."""
NAMED_LABEL_NUMBER = re.compile(
    r"[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,2}\s+(?:exercise|stretch|pose|move|position|drill)\s*#?\s*(\d{1,3})\s*$",
    re.IGNORECASE,
)
""""Sciatica Exercise 1": a nameless heading ending in a label and number."""
ORDINAL_LABEL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)\s+([A-Z][a-z]{2,12})\s*:\s*")
""""1st Hour: Touch your toes – 5 seconds"."""
HASH_NUMBER = re.compile(r"#\s?(\d{1,3})(?!\d)(?:\s*[.):]+|\s+[-–—])?(?=\s|[A-Z]|$)\s*")
PUNCT_NUMBER = re.compile(r"(\()?(\d{1,3})\s*([.):/]+)(?=\s|[A-Z]|$)\s*")
GLUED_NUMBER = re.compile(r"(\d{1,2})(?=[A-Z][A-Za-z])")
SPACE_NUMBER = re.compile(r"(\d{1,2})\s+(?=[A-Z][a-z])")
NOT_AFTER_NUMBER = re.compile(
    r"(?:sec|second|min|minute|hour|time|rep|set|x\b|breath|count|day|week|month|year|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|percent|ways|tips|reasons|best|"
    r"simple|easy|great|stretches|exercises|moves)",
    re.IGNORECASE,
)
"""Words after a bare number that make it an amount or a headline ("5 Ways
to …", "2 Oct 2019"), not a numbered exercise."""
BYLINE_THEN_NUMBER = re.compile(
    r"(?:--|—|–|by\s)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s+(?=1[A-Z][a-z])")
""""-- Karen Voight 1Stand in front…": a byline glued to the first step."""

GLUED = re.compile(r"([A-Z][^.:!?]{2,50}?[a-z])(?=[A-Z][a-z]+\s)")
"""A title glued to the sentence after it: "Arm CirclesStand tall"."""
NAME_COLON = re.compile(r"([A-Z][^:.!?]{1,60}):\s+(?=\S)")
"""A title and its instructions on one line: "Up dog: Press into your hands…"."""
NAME_DASH = re.compile(r"([A-Z][^:.!?–—]{1,60}?)\s+[–—-]\s+(?=\S)")
"""A title and its text after a dash: "The Twist – turn your body…"."""
TITLE_TIMING = re.compile(
    r"\s*(?:\(([^()]{1,60})\)|[|–—-]\s*([^|–—()]{1,60}))\s*$"
)
"""A timing at the end of a title: "Cat-Cow (60 sec)", "Name | 30 sec per side"."""
HAS_AMOUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|sixty)\b", re.I)
AMOUNT_UNIT = re.compile(
    r"\b(?:sec|secs|seconds?|s|mins?|minutes?|reps?|repetitions?|times|x|breaths?|sets?|counts?)\b|\dx\b",
    re.IGNORECASE,
)
TRAILING_COUNT = re.compile(r"\s+(\d{1,3}\s*(?:times|reps|repetitions|x))\s*$", re.IGNORECASE)
""""Squat 10 times": a count after the name."""

FUNCTION_END = re.compile(
    r"\b(?:and|or|the|a|an|to|of|with|your|for|in|on|at|by|from|this|that|as|but|is|are|so|if|"
    r"into|onto|then|which|who|it|its|you|we|our|their|these|those|be|not)$",
    re.IGNORECASE,
)
"""A line ending in one of these is a wrapped sentence, not a title."""

PROGRESSION = re.compile(
    r"(?:once|when) (?:this|it|that) (?:becomes?|gets?|feels?|is) (?:easy|easier|comfortable)\b.*"
    r"|progressions?:?|to progress\b.*|to make (?:it|this) harder\b.*",
    re.IGNORECASE,
)
"""A line on its own that starts a later stage of the exercise: what follows
is for another day, not this session."""


@dataclass
class _Line:
    number: int
    kind: str  # "blank", "heading", "bullet", "numbered", "text"
    text: str
    level: int = 0  # heading level, or the number of a numbered line
    form: str = ""  # numbering form; "" for unnumbered lines
    indent: int = 0
    label: str = ""  # "Exercise 2": the name a numbered line gives itself
    title: bool = False  # numbered line: its text is a name, not a sentence
    alone: bool = False  # a paragraph of one line, blank lines around it


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
    style: tuple = ()
    timing: str | None = None  # a timing written in the title ("Cat-Cow (60 sec)")
    number: int = 0  # the number of a numbered title
    solo: bool = False  # an exercise by its form: one paragraph, bullet or line
    level: int = 0  # heading level of its title
    alone: bool = False  # its title line was a paragraph of its own


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


NOT_DOSE = r"(?!\s+(?:reps?|repetitions?|sets?|holds?|time|duration|dosage|frequency|amount)\b)"
""""Recommended Reps: 2-5 on both sides" is the exercise's count, not the head of a list of links."""
NOISE_LINE = re.compile(
    r"(?:skip to (?:main )?content|skip navigation|advertisement\b.{0,40}|sponsored|share (?:this|on)\b.*|"
    r"(?:share|print|email|tweet|pin it|save)(?:\s*[|/·•]\s*\w+)*|"
    r"(?:print|share|email|download)(?: and print)? (?:this )?(?:page|article|post|story|exercise|sheet)\b.*|"
    r"(?:image|photo|photograph|picture|illustration|video|credit)s?(?: credits?)?\s*(?::|\bby\b|\bcourtesy\b).*|"
    r"(?:disclaimer|medical disclaimer)\b.*|this (?:article|information|content) is (?:for|not|intended)\b.*|"
    r"[A-Z][a-z]+(?: [A-Z][a-z.'’-]+){1,3},? (?:is|was) (?:a|an|the)\b.{0,80}\b(?:writer|editor|author|"
    r"journalist|physio(?:therapist)?|physical therapist|chiropractor|instructor|teacher|trainer|coach|"
    r"founder|director|contributor|specialist|practitioner|osteopath|creator)\b.*|"
    rf"(?:related|see also|read more|more from|recommended{NOT_DOSE}|you may also like|also read)\b.*|"
    r"(?:sign up|subscribe)\b.*(?:newsletter|inbox|email|updates)\b.*|.*\bnewsletter\b.*sign up.*|"
    r"(?:©|copyright\b|all rights reserved).*|(?:follow us|like us)\b.*|"
    r"(?:posted|published|updated|last (?:updated|reviewed))\b.{0,40}(?:\d.*)?|"
    r"(?:posted in|filed under|found in|tags?)\s*:?\s.{0,80}|"
    r"(?:presented|brought to you) by\b.{0,60}|source\s*:.{0,80}|"
    r"(?:written |posted |words )?by:? [A-Z][\w.'’-]+(?: (?:[A-Z&][\w.'’-]*|and|staff|team)){0,5}|"
    r"\[?email[\s\xa0]*protected\]?|.{0,60}\[email[\s\xa0]*protected\].{0,20}|"
    r"(?:--|—)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}|"
    r"home|menu|search|(?:log ?in|sign in|register|sign up|subscribe|my account)"
    r"(?:\s+(?:log ?in|sign in|register|sign up|subscribe|my account))*|"
    r"\(?(?:https?://|www\.)\S+\)?(?:\s+\d+/\d+)?|"
    r"\d{1,2}/\d{1,2}/\d{2,4}\s+[^.!?]{0,80}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"have a .{0,40}question\?.{0,40}|was this (?:article|page|post|information|answer) (?:helpful|useful)\b.{0,40}|"
    r".{0,120}\b(?:getty images|shutterstock|istock(?:photo)?|unsplash|alamy|adobe stock|pexels)\b.{0,60}|"
    r"[<‹«←]?\s*(?:previous|prev|next|newer|older)\b.{0,60}[>›»→]?|tagged\s*:?\s.{0,120}|only single leg)",
    re.IGNORECASE,
)
"""Page chrome and asides that come along when an article is pasted: never an
exercise, never spoken."""
CRUMB_SEPARATOR = re.compile(r"\s[›»>/·]\s")
"""Between the steps of a breadcrumb trail: "Home › Conditions › Back Pain"."""
MENU = re.compile(r"[A-Z][\w&'’.]*(?: [\w&'’.]+){0,2}(?:(?:\s{2,}|\s*\|\s*)[A-Z][\w&'’.]*(?: [\w&'’.]+){0,2}){2,}")
"""A menu bar: three or more capitalised items apart by wide gaps or bars."""


ASIDE = re.compile(r"(?:printed from|this (?:sheet|handout|leaflet) (?:was|is) (?:produced|provided|written))\b",
                   re.IGNORECASE)
"""A line about the page itself: kept as a note, never part of an exercise."""


RELATED = re.compile(rf"(?:related|see also|read more|more from|recommended{NOT_DOSE}|you may also like|also read|"
                     r"more (?:stretches|exercises|articles|stories))\b.{0,40}$", re.IGNORECASE)
"""The head of a list of links to other pages."""


def is_noise(raw: str) -> bool:
    """Page chrome: navigation, share and print lines, credits, bylines."""
    if len(raw) > 200:
        return False
    text = clean_inline(raw)
    if NOISE_LINE.fullmatch(text):
        return True
    if ("  " in raw or "|" in raw) and not re.search(r"\d", raw) and MENU.fullmatch(raw.strip()):
        return True
    return is_crumbs(text)


def is_crumbs(text: str) -> bool:
    """A breadcrumb trail: two to nine short steps apart by › » > / or ·
    (split, not matched with one pattern: a pattern whose steps may hold the
    separators backtracks through every way to split a hostile line)."""
    if len(text.split()) > 16 or TERMINAL.search(text):
        return False
    steps = CRUMB_SEPARATOR.split(text)
    return 2 <= len(steps) <= 9 and all(0 < len(step) <= 60 and not re.search(r"[›»·]", step) for step in steps)


def number_form(text: str) -> tuple[int, str, str, str] | None:
    """A numbered line in any common form -> (number, form, rest, label)."""
    if m := ORDINAL_LABEL.match(text):
        return int(m.group(1)), "ordinal " + m.group(2).lower(), text[m.end():], ""
    if m := LABEL_NUMBER.match(text):
        word = m.group(1).lower().rstrip(".")
        form = "step" if word == "step" else "label"
        label = f"{m.group(1).capitalize()} {m.group(2)}" if word not in ("no", "number") else ""
        return int(m.group(2)), form, text[m.end():], label
    if m := NAMED_LABEL_NUMBER.fullmatch(text):
        return int(m.group(1)), "label", "", text.strip()
    if m := HASH_NUMBER.match(text):
        return int(m.group(1)), "#", text[m.end():], ""
    if m := PUNCT_NUMBER.match(text):
        punct = m.group(3)
        form = "(N)" if m.group(1) else "N)" if punct.startswith(")") else "N:" if punct == ":" \
            else "N/" if punct == "/" else "N."
        return int(m.group(2)), form, text[m.end():], ""
    if m := GLUED_NUMBER.match(text):
        return int(m.group(1)), "glued", text[m.end():], ""
    if (m := SPACE_NUMBER.match(text)) and not NOT_AFTER_NUMBER.match(text[m.end():]):
        return int(m.group(1)), "space", text[m.end():], ""
    return None


ENTRY = re.compile(
    r"([A-Z][^:|–—.!?]{1,60}?)(?::\s+|\s{2,}|\s*\|\s*|\s+[–—-]\s+)"
    r"(?=(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few)\b[^.]{0,30}?"
    r"\b(?:sec|second|min|minute|breath|rep|repetition|time|count)s?\b)",
    re.IGNORECASE,
)
"""A sequence written one line per pose: "Knees to chest:  5 breaths",
"Bent knee twist  5 breaths", "Name | 30 sec per side"."""


def parse_line(number: int, raw: str) -> _Line:
    """Classify one source line."""
    line = _classify(raw)
    return _Line(number, line.kind, line.text, line.level, line.form, line.indent, line.label)


@functools.lru_cache(maxsize=4096)
def _classify(raw: str) -> _Line:
    """The class of a line's text (cached: pasted pages repeat lines)."""
    number = 0
    indent = len(raw) - len(raw.lstrip())
    text = raw.strip().lstrip(">").strip()
    if not text or re.fullmatch(r"[-*_=\s]{3,}", text) or text.startswith("|"):
        return _Line(number, "blank", "")
    if text.endswith(":") and FIELD_LABEL.fullmatch(clean_inline(text)[:-1].strip()):
        # "Execution:" over its steps: a label, not a sentence
        return _Line(number, "blank", "", form="related" if RELATED.match(clean_inline(text)) else "")
    if len(text) < 60 and LABEL_TITLES.fullmatch(clean_inline(text.lstrip("#").strip()).rstrip(":")):
        return _Line(number, "blank", "")  # "How to perform the exercise", "## Steps": a label
    if is_noise(text):
        related = RELATED.match(clean_inline(text))
        return _Line(number, "blank", "", form="related" if related else "")
    if ASIDE.match(text):
        return _Line(number, "aside", clean_inline(text), indent=indent)
    if m := HEADING.match(text):
        title = text[m.end():].strip(" #")
        found = number_form(title)
        if found and found[2].strip() and found[1] not in ("space",):
            title = found[2]
        elif found and found[3]:
            title = found[3]
        return _Line(number, "heading", clean_inline(title).rstrip(":"), len(m.group()), indent=indent)
    if m := BULLET.match(text):
        return _Line(number, "bullet", clean_inline(text[m.end():]), indent=indent)
    if m := BYLINE_THEN_NUMBER.match(text):
        text = text[m.end():]
    if text.startswith(("**", "__")):
        text = clean_inline(text)  # "**1. Knee hug**"
    found = number_form(text)
    if not found and (m := ENTRY.match(text)) and not is_field(text):
        name = clean_inline(m.group(1))
        if not _starts_with_verb(name) or text[m.end(1):m.end(1) + 1] == ":":
            return _Line(number, "text", clean_inline(text), indent=indent, form="entry", label=name)
    if found:
        value, form, rest, label = found
        rest = clean_inline(rest)
        if form in ("space", "glued") and not rest:
            return _Line(number, "text", clean_inline(text), indent=indent)
        return _Line(number, "numbered", rest, value, form, indent, label)
    return _Line(number, "text", clean_inline(text), indent=indent)


def split_numbered(lines: list[_Line]) -> list[_Line]:
    """Give each numbered line its title: a name on the line ("1. Up dog:
    Press…" becomes the title line "Up dog" and a text line), a bare number
    ("#1" alone) takes the short title line after it, a label names itself
    ("Exercise 2"); a numbered sentence keeps no title."""
    out: list[_Line] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        if line.kind != "numbered":
            out.append(line)
            continue
        text = line.text

        def titled(name: str, rest: str | None = None) -> None:
            out.append(_Line(line.number, "numbered", name, line.level, line.form, line.indent,
                             line.label, title=True))
            if rest:
                out.append(_Line(line.number, "text", rest, indent=line.indent))

        if not text:
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and nxt.kind == "text" and is_title_text(nxt.text.rstrip(":"), 10) \
                    and not line.label:
                titled(nxt.text.rstrip(":"))
                skip = True
            elif line.label:
                titled(line.label)
            else:
                out.append(line)
            continue
        if (m := GLUED.match(text)) and is_title_text(m.group(1), 6):
            # "2.Arm CirclesStand tall…": a title glued to its text by a paste
            titled(m.group(1), text[m.end():])
            continue
        if (m := NAME_COLON.match(text)) and is_title_text(m.group(1).strip(), 8) \
                and not is_field(text):
            titled(m.group(1).strip(), text[m.end():])
            continue
        if (m := NAME_DASH.match(text)) and is_title_text(m.group(1).strip(), 8):
            titled(m.group(1).strip(), text[m.end():])
            continue
        name = text[:-1] if text.endswith(":") else text
        if is_title_text(name, 16) and not FUNCTION_END.search(name) \
                and not (len(name.split()) >= 5 and _imperative(name)):
            nxt = next((ln for ln in lines[i + 1:] if ln.kind != "blank"), None)
            bare, timing = title_timing(name)
            if timing and line.form != "step" and (nxt is None or nxt.kind == "numbered"):
                titled(bare, timing)  # "11th Hour: Squat 10 times": the count is its text
                continue
            if line.form == "step":
                # "Step 2: Turn & hold": a step's own caption, not a sentence to say
                out.append(_Line(line.number, "blank", ""))
            else:
                titled(name)
            continue
        if line.label and line.form != "step":
            # "Stretch 1: Lie on your back…": the label is the name
            titled(line.label, text)
            continue
        bare, timing = title_timing(text)
        if timing and line.form != "step" and is_title_text(bare, 6) and not _imperative(bare):
            titled(bare, timing)  # "5. Traction with neck circle 10x clockwise (link your fingers…)"
            continue
        out.append(line)
    return out


RUN_IN_TITLE = re.compile(r"([A-Z][\w'’()/ -]{2,45}?(?:\s\([^()]{1,80}\))?)(?:\.|:|\s[–—-])\s+(?=[A-Z(a-z])")
"""A run-in title: "Pelvic Tilt. Lie on your back…", "Neck stretch: Tilt…"."""


FIELD_LABEL = re.compile(
    r"(?:why|how|do|don'?t|dos?|don'ts|next|previous|tips?|notes?|modifications?|variations?|"
    r"hold|holds?|reps?|repetitions?|sets?|image|photo|credit|source|related|benefits?|purpose|"
    r"start(?:ing)? position|position|finish|caution|warning|important|goal|target|targets|"
    r"equipment|level|time|duration|frequency|muscles(?: worked)?|focus|cue|cues|breathe?|"
    r"step \d+|stage \d+|phase \d+|part \d+|updated|published|posted|by .*|share|print|email|"
    r"read more|see also|more|action|movement|execution|preparation|instructions?|objective|"
    r"precautions?|rest|tempo|to modify|modify|avoid if|contraindications?|progression|regression|"
    r"easier|harder|option|alternative|what to do|the move|how to do it|set ?up|method|"
    r"starting point|end position|return|target repetitions|dosage|dose|prescription|repeat|when|where|"
    r"areas? involved|muscles? (?:involved|targeted|used)|target muscles?|level|difficulty|props?)",
    re.IGNORECASE,
)
"""Run-in labels of a field ("Why: …", "Tip: …", "Hold: 5-8 breaths"), not names."""


def is_field(text: str) -> bool:
    """"Hold: 5-8 breaths", "Modification: Knees together": a field of the
    exercise above, not a title."""
    label, colon, _ = text.partition(":")
    if not colon:
        label, eq, _ = text.partition("=")
        colon = eq
    return bool(colon) and bool(FIELD_LABEL.fullmatch(label.strip()))


def looks_like_name(name: str) -> bool:
    """A run-in name, not the first words of an instruction ("Lie down")."""
    name = re.sub(r"\s*\([^()]*\)", "", name) or name  # "Hundred (to strengthen abdominals)"
    words = name.split()
    if not words or len(words) > 6 or FIELD_LABEL.fullmatch(name.strip()):
        return False
    first = re.sub(r"[^a-z'-]", "", words[0].lower())
    if first in INSTRUCTION_VERBS or first in ADVERBS:
        # "Sit-Ups or Curl-Ups", "Hip-Lift": a name may start with one
        return "-" in words[0]
    return not first.endswith("ing") or len(words) > 1 and words[1][:1].isupper() \
        or bool(EXERCISE_NOUNS.search(name))


def split_run_in(lines: list[_Line]) -> list[_Line]:
    """Paragraphs that open with a short name and a full stop, colon or dash
    ("Pelvic Tilt. Lie on your back…") become a title line and a text line,
    when the text does this at least twice (one such line is just a
    sentence) and the name is not itself an instruction."""
    found = {}
    unwrapped = _unwrapped(lines)
    for i, line in enumerate(lines):
        if line.kind != "text" or (i and lines[i - 1].kind not in ("blank", "text", "aside")):
            continue
        if i and lines[i - 1].kind == "text" and i - 1 not in found and not unwrapped:
            continue
        if is_field(line.text):
            continue
        m = RUN_IN_TITLE.match(line.text)
        if m and looks_like_name(m.group(1).strip()) \
                and not ABBREVIATIONS.search(line.text[:m.end()].rstrip()):
            rest = line.text[m.end():]
            if rest[:1].islower() and not (m.group(0).rstrip().endswith(("–", "—", "-", ":"))):
                continue
            found[i] = m
    if len(found) < 2:
        return lines
    out: list[_Line] = []
    for i, line in enumerate(lines):
        if i in found:
            m = found[i]
            out.append(_Line(line.number, "blank", ""))
            alone = (i == 0 or lines[i - 1].kind == "blank") and \
                (i + 1 == len(lines) or lines[i + 1].kind == "blank")
            out.append(_Line(line.number, "numbered", m.group(1).strip(), 0, "run-in", line.indent,
                             title=True, alone=alone))
            out.append(_Line(line.number, "text", line.text[m.end():], indent=line.indent))
        else:
            out.append(line)
    return out


_MOVE = (r"(?:stretch|stretches|swings?|lunges?|squats?|twists?|rolls?|pose|bridges?|raises?|curls?|"
         r"circles?|kicks?|tilts?|planks?|hugs?|rotations?|bends?|reach(?:es)?|presses|press-ups?|"
         r"push-ups?|sit-ups?|crunch(?:es)?|marches|shrugs?|tucks?|glides?)")
INTRO = re.compile(
    r"(?:(?:then|next|now|also|first|finally),?\s+)?"
    r"(?:(?:start|begin|finish|end|follow(?: up)?|continue|warm up|cool down) with|try|do|add)\s+"
    r"(?:a |an |the |some |your )?(?P<name>[a-z][\w'’ -]{0,40}?\b" + _MOVE + r")\b\s*(?:[:;.,]|$)"
    r"|(?P<first>[A-Z][\w'’ -]{0,40}?\b" + _MOVE + r")\s+(?:should|can|could|must|are|is|come|comes)\b",
    re.IGNORECASE,
)
"""A sentence that brings in the next exercise by its name, inside running
prose: "Start with leg swings:", "Then try a standing calf stretch.",
"Walking lunges should be done next"."""


def split_intros(lines: list[_Line]) -> list[_Line]:
    """A paragraph that brings in three or more exercises by name, one
    after another, is cut before each: a newspaper answer's "Start with
    leg swings: … Then try a standing calf stretch. …"."""
    out: list[_Line] = []
    for line in lines:
        if line.kind != "text" or len(line.text) < 120 or line.form:
            out.append(line)
            continue
        sentences = split_sentences(_Item(StepKind.PROSE, [(line.number, line.text)]))
        marks = [INTRO.match(s) for _, s in sentences]
        if sum(m is not None for m in marks) < 3:
            out.append(line)
            continue
        current: list[str] = []
        for (_, sentence), m in zip(sentences, marks):
            if m is not None:
                if current:
                    out.append(_Line(line.number, "text", " ".join(current), indent=line.indent))
                name = (m.group("name") or m.group("first")).strip()
                out.append(_Line(line.number, "text", sentence, indent=line.indent, form="intro",
                                 label=name[:1].upper() + name[1:]))
                current = []
            elif out and out[-1].form == "intro" and out[-1].number == line.number and not current:
                out[-1] = _Line(line.number, "text", out[-1].text + " " + sentence, indent=line.indent,
                                form="intro", label=out[-1].label)
            else:
                current.append(sentence)
        if current:
            out.append(_Line(line.number, "text", " ".join(current), indent=line.indent))
    return out


CAMEL_GLUE = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


def split_glued_titles(lines: list[_Line]) -> list[_Line]:
    """"Stretches and ExercisesPiriformis Super Stretch": two title lines a
    paste glued together."""
    out = []
    for line in lines:
        if line.kind == "text" and (m := re.match(r"(.{3,60}?[a-z])([A-Z][A-Z ]{3,30}:\s.*)", line.text)) \
                and is_title_text(m.group(1), 8):
            # "Butterfly StretchAREAS INVOLVED: Groin": a name glued to a field
            out.append(_Line(line.number, "text", m.group(1), indent=line.indent))
            out.append(_Line(line.number, "text", m.group(2), indent=line.indent))
            continue
        if line.kind == "text" and len(line.text) < 120 and is_title_text(line.text, 12):
            cuts = [m.start() for m in CAMEL_GLUE.finditer(line.text)]
            parts = [line.text[a:b] for a, b in zip([0, *cuts], [*cuts, len(line.text)])]
            if len(parts) == 2 and all(len(p.split()) >= 2 for p in parts):
                out.append(_Line(line.number, "text", parts[0], indent=line.indent))
                out.append(_Line(line.number, "text", parts[1], indent=line.indent))
                continue
        out.append(line)
    return out


_AMOUNT = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*"
           r"(?:breaths?|seconds?|secs?|minutes?|mins?|reps?|repetitions?|times)\b")
ENTRY_AMOUNT = re.compile(r":\s+" + _AMOUNT, re.IGNORECASE)


def _pieces(raw: str) -> list[str]:
    """A line that holds several "Name: 5 breaths" entries (a PDF joined
    them) as one line per entry."""
    if len(raw) > 2000 or len(ENTRY_AMOUNT.findall(raw)) < 2:
        return [raw]
    amounts = list(ENTRY_AMOUNT.finditer(raw))
    cuts = []
    lead = [m.end() for m in re.finditer(r"[).,;!?] (?=[A-Z])", raw[:amounts[0].start()])]
    if lead:
        cuts.append(lead[-1])  # "…hips elevated (optional) Sitting back arch: 5 breaths"
    for before, m in zip(amounts, amounts[1:]):
        # the next name starts at the first capital after the last amount
        start = re.search(r"\s(?=[A-Z])", raw[before.end():m.start()])
        if start:
            cuts.append(before.end() + start.end())
    return [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)])]


INLINE_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(?=[A-Z])")


def _inline_list(raw: str) -> list[str]:
    """"… every 3 hours. 1. Neck rotation 10x 2. Neck flexion 10x 3. …":
    a numbered list run into one paragraph, as one line per item (the text
    before it a line of its own). Only a run 1, 2, 3… in order counts."""
    if len(raw) > 5000 or len(raw) < 40:
        return [raw]
    cuts, want = [], 1
    for m in INLINE_NUMBER.finditer(raw):
        if int(m.group(1)) == want:
            cuts.append(m.start())
            want += 1
    if want <= 3:
        return [raw]
    pieces = [raw[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(raw)])]
    return [p for p in pieces if p]


def parse_lines(text: str) -> list[_Line]:
    """Classify every line, turning setext underlines into headings."""
    raw_lines = text.splitlines()
    lines = [parse_line(i, piece) for i, raw in enumerate(raw_lines, start=1)
             for part in _inline_list(raw) for piece in _pieces(part)]
    for i in range(1, len(lines)):
        if lines[i].number != lines[i - 1].number + 1:
            continue
        if lines[i - 1].kind == "text" and SETEXT.fullmatch(raw_lines[lines[i].number - 1].strip() or "x"):
            if i < 2 or lines[i - 2].kind == "blank":
                level = 1 if raw_lines[lines[i].number - 1].strip().startswith("=") else 2
                lines[i - 1] = _Line(lines[i - 1].number, "heading", lines[i - 1].text, level)
                lines[i] = _Line(lines[i].number, "blank", "")
    return split_intros(split_run_in(split_numbered(split_glued_titles(drop_menus(lines)))))


def drop_menus(lines: list[_Line]) -> list[_Line]:
    """A run of three or more short name lines, one under another with no
    gap ("Home / About / Services / Contact"), is a menu; its last line,
    when a gap follows, is the page's own heading and stays."""
    out = list(lines)
    for i, line in enumerate(out):
        if line.form == "related":
            # the links under "Related:" are other pages' titles
            j = i + 1
            while j < len(out) and out[j].kind in ("text", "bullet") and len(out[j].text) < 90 \
                    and not TERMINAL.search(out[j].text):
                out[j] = _Line(out[j].number, "blank", "")
                j += 1
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j].kind == "text" and not out[j].form \
                and len(out[j].text.split()) <= 4 and is_title_text(out[j].text, 4) \
                and not re.search(r"[\d:|]", out[j].text):
            j += 1
        if j - i >= 3 and (j == len(out) or out[j].kind == "blank"):
            for k in range(i, j - 1):
                out[k] = _Line(out[k].number, "blank", "")
        i = max(j, i + 1)
    return out


# ------------------------------------------------------------------- items


def parse_items(lines: list[_Line], line_paragraphs: bool = False) -> list[_Item]:
    """Group lines into items: a bullet or numbered line with its wrapped
    continuation, or a paragraph of text lines. With ``line_paragraphs`` (a
    text pasted one paragraph a line, without blank lines between), a line
    after one that ends a sentence is a paragraph of its own."""
    items: list[_Item] = []
    current: _Item | None = None
    for line in lines:
        if line.kind in ("blank", "aside"):
            current = None
        elif line.kind in ("bullet", "numbered"):
            kind = StepKind.BULLET if line.kind == "bullet" else StepKind.NUMBERED
            current = _Item(kind, [(line.number, line.text)])
            items.append(current)
        elif current is not None and not (line_paragraphs and re.search(r"[.!?][\"'”’)]*$", current.parts[-1][1])):
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


# -------------------------------------------------------------- candidates


def is_title_text(text: str, max_words: int) -> bool:
    """A short line without sentence punctuation at its end."""
    words = text.split()
    return 0 < len(words) <= max_words and len(text) <= 160 and not TERMINAL.search(text) and text[0].isupper()


def _ends_unit(line: _Line) -> bool:
    """Does this line close what it belongs to (a sentence, a field, a title)?"""
    text = line.text
    return bool(re.search(r"[.!?…)\"”]$", text)) or is_field(text) or line.kind == "heading" \
        or len(text) < 60 and own_timing(text) \
        or bool(re.search(r"\d\s*(?:seconds?|secs?|minutes?|mins?|times|reps|repetitions|breaths|sets|x)\s*$",
                          text, re.IGNORECASE))


def _plain_style(text: str) -> str:
    if text.endswith(":"):
        return "colon"
    letters = re.sub(r"[^A-Za-z]", "", text)
    if len(letters) > 3 and letters.isupper():
        return "upper"
    return "plain"


def _several_sentences(text: str) -> bool:
    return bool(SENTENCE_END.search(text)) and len(split_sentences(_Item(StepKind.PROSE, [(0, text)]))) >= 2


def _unwrapped(lines: list[_Line]) -> bool:
    """Are the text lines paragraphs of their own (never a sentence carried
    on to the next line, as a browser pastes them)?"""
    texts = [i for i, line in enumerate(lines) if line.kind == "text"]
    wrapped = sum(i + 1 < len(lines) and lines[i + 1].kind == "text" and lines[i + 1].text[:1].islower()
                  and not TERMINAL.search(lines[i].text) for i in texts)
    return wrapped == 0 or wrapped * 20 < len(texts)


def find_candidates(lines: list[_Line]) -> list[tuple[int, tuple]]:
    """Every line that could name an exercise, with its style."""
    found: list[tuple[int, tuple]] = []
    n = len(lines)
    nxt_kind = [""] * (n + 1)  # kind of the next non-blank line after i
    later = ""
    for i in range(n - 1, -1, -1):
        nxt_kind[i] = later
        if lines[i].kind != "blank":
            later = lines[i].kind
    # a text whose lines are never continued on the next one (each line a
    # paragraph, as pasted from a browser) has no wrapped sentences: any
    # line may end a paragraph, with or without its full stop
    unwrapped = _unwrapped(lines)
    for i, line in enumerate(lines):
        if line.kind == "heading":
            if not LABEL_TITLES.fullmatch(line.text):
                found.append((i, ("heading", line.level)))
        elif line.kind == "numbered" and line.form != "step":
            if line.title:
                if not LABEL_TITLES.fullmatch(line.text) and nxt_kind[i] in ("text", "bullet", "numbered"):
                    found.append((i, ("numbered", line.form)))
            elif line.form != "run-in" and _several_sentences(line.text):
                found.append((i, ("paragraph", line.form)))
        elif line.kind == "text" and line.form == "entry":
            found.append((i, ("entry",)))
        elif line.kind == "text" and line.form == "intro":
            found.append((i, ("intro",)))
        elif line.kind == "text":
            text = line.text
            name = text[:-1].rstrip() if text.endswith(":") else text
            if not name or not is_title_text(name, 10) or is_field(text) or FUNCTION_END.search(name) \
                    or LABEL_TITLES.fullmatch(name) or PROGRESSION.fullmatch(name):
                continue
            base = title_timing(name)[0]
            prev = lines[i - 1] if i else None
            if prev is not None and prev.kind != "blank" and ":" not in name and _imperative(name) \
                    and not all(w[:1].isupper() for w in name.split() if len(w) > 3):
                continue  # "Return to center" under a step: a step, not a title
            if re.search(r"\d", name) and (_starts_with_verb(name) or re.search(r"\d", base)
                                           and own_timing(base)):
                continue  # "Repeat 3 Times", "Hold 30 Seconds": a field of the title above
            prev = lines[i - 1] if i else None
            before = prev is None or prev.kind == "blank" or _ends_unit(prev) \
                or unwrapped and prev.kind in ("text", "bullet", "numbered") and not FUNCTION_END.search(prev.text) \
                and not prev.text.endswith(",") \
                or prev.kind == "text" and len(prev.text) > 100 and not FUNCTION_END.search(prev.text) \
                or prev.kind == "text" and prev.text[:1].islower() and not FUNCTION_END.search(prev.text) \
                and not prev.text.endswith(",") \
                or prev.indent > line.indent or (prev.kind == "text" and any(c == i - 1 for c, _ in found[-1:]))
            if before and nxt_kind[i] in ("text", "bullet", "numbered"):
                found.append((i, ("plain", "all")))
                if (variant := _plain_style(text)) != "plain":
                    found.append((i, ("plain", variant)))
    # plain titles that read as an instruction ("Return to center") among
    # titles that do not ("Rolling your knees") are steps, not names
    plain = [i for i, s in found if s == ("plain", "all")]
    orders = [i for i in plain if ":" not in lines[i].text and _imperative(lines[i].text)
              and not all(w[:1].isupper() for w in lines[i].text.split() if len(w) > 3)]
    if orders and len(orders) * 2 < len(plain):
        steps_not_names = set(orders)
        found = [(i, s) for i, s in found if i not in steps_not_names]
    # a sequence one line per pose: its entries, and the short names among them
    entries = [i for i, s in found if s == ("entry",)]
    if len(entries) >= 3:
        near = set(entries)
        content = [i for i, line in enumerate(lines) if line.kind != "blank"]
        beside = {}
        for a, b in zip(content, content[1:]):
            beside.setdefault(a, set()).add(b)
            beside.setdefault(b, set()).add(a)
        for i, line in enumerate(lines):
            if i not in near and i > entries[0] and line.kind == "text" and beside.get(i, set()) & near \
                    and is_title_text(line.text, 10) and not _starts_with_verb(line.text):
                found.append((i, ("entry",)))
        found.sort()
    else:
        found = [(i, s) for i, s in found if s != ("entry",)]
    # bullets that are each a whole exercise: most of them have timing of
    # their own and several sentences
    bullets = [i for i, line in enumerate(lines) if line.kind == "bullet"]
    contiguous = all(line.kind in ("bullet", "blank") or line.kind == "text" and lines[i - 1].kind == "bullet"
                     for i, line in enumerate(lines[bullets[0]:bullets[-1]], start=bullets[0])) if bullets else False
    if len(bullets) >= 2 and contiguous and not any(line.kind == "heading" for line in lines):
        sentences = [len(split_sentences(_Item(StepKind.PROSE, [(0, lines[i].text)]))) for i in bullets]
        timed = sum(own_timing(lines[i].text) for i in bullets)
        if timed >= max(2, len(bullets) / 2) and sum(n >= 2 for n in sentences) * 3 >= 2 * len(bullets):
            found.extend((i, ("paragraph", "bullet")) for i in bullets)
            found.sort()
    # untitled numbered paragraphs are exercises only when every line so
    # numbered is one (a list of one-sentence steps is one exercise's steps)
    steps = {line.form for line in lines if line.kind == "numbered" and not line.title
             and not _several_sentences(line.text)}
    return [(i, s) for i, s in found if s[0] != "paragraph" or s[1] not in steps]


PRIOR = {"heading": 0.6, "numbered": 0.5, "upper": 0.35, "colon": 0.3, "run-in": 0.25,
         "all": 0.1, "paragraph": 0.05, "entry": 0.2, "intro": 0.02}


def _prior(style: tuple) -> float:
    if style[0] == "numbered":
        return PRIOR["run-in"] if style[1] == "run-in" else PRIOR["numbered"] - (style[1] == "space") * 0.3
    if style[0] == "plain":
        return PRIOR[style[1]]
    if style[0] == "heading":
        return PRIOR["heading"] + 0.01 * style[1]  # equal: the finer split keeps tips apart
    return PRIOR[style[0]]


# ------------------------------------------------------------- exercises


def is_instruction(text: str) -> bool:
    """Does the sentence start like an instruction ("Slowly lift your leg")?"""
    words = re.findall(r"[a-z']+", text.lower())[:3]
    while words and words[0] in ADVERBS:
        words = words[1:]
    return bool(words) and (words[0] in INSTRUCTION_VERBS or words[0].endswith("ing") and len(words) > 1)


ABOUT_ALL = re.compile(
    r"\b(?:these|those|all(?: of)?(?: the| these)?|each(?: of the)?|every) "
    r"(?:exercises?|stretch(?:es)?|moves?|poses?|positions?)\b|\bthe (?:exercises|stretches|moves|poses)\b",
    re.IGNORECASE,
)
"""A sentence about the whole set ("Do these exercises twice a day"): a
rule for every exercise, not a step of one."""

WARNING_START = re.compile(r"(?:do not|don'?t|never|avoid|stop|if\b|you should\b)", re.IGNORECASE)


STRUCTURE_VERBS = INSTRUCTION_VERBS | frozenset(
    """close finish use loop cross look gaze tip nod glide shrug swing march squat lunge tape
    interlock lace link sway circle wiggle tense brace engage contract pause shift
    fold float beat lengthen soften hang face balance kick jump jog hop pulse settle melt
    """.split()
)
"""Instruction verbs for telling an exercise from a description; wider than
the planner's list, which decides how each sentence is said."""


def _imperative(text: str) -> bool:
    """An instruction for structure's sake: a verb first ("Slowly lift…"),
    or after an opening phrase ("Breathing out, fold forwards"); warnings
    and descriptions ("Hunching over a desk…") are not."""
    if re.match(r"(?:tips?|notes?|benefits?|why|caution|warning|important|avoid if)\s*:", text, re.IGNORECASE):
        return False  # "Tip: Move slowly": advice about the exercise, not a step of it
    label, colon, rest = text.partition(": ")
    if colon and (FIELD_LABEL.fullmatch(label.strip()) or len(label.split()) <= 2 and not _starts_with_verb(label)):
        text = rest  # "How: Begin on hands and knees"
    text = text.lstrip("\"'“‘(")
    if WARNING_START.match(text) or ABOUT_ALL.search(text):
        return False
    for clause in re.split(r"[,;:]\s+|\s[–—]\s", text)[:4]:
        words = re.findall(r"[a-z']+", clause.lower())[:3]
        while words and words[0] in ADVERBS:
            words = words[1:]
        if words and words[0] in STRUCTURE_VERBS and words[0] not in ("do", "try", "take", "keep"):
            return True
        if words and words[0] in ("do", "try", "take", "keep") and len(words) > 1 and words[1] != "not":
            return True
    return False


def _starts_with_verb(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())[:1]
    return bool(words) and (words[0] in INSTRUCTION_VERBS or words[0] in ("complete", "perform", "do"))


def own_timing(text: str) -> bool:
    """Timing of this exercise's own ("Hold for 20 seconds"), not advice
    about every exercise ("Each move: 60 seconds")."""
    if re.match(r"(?:each|every|all)(?: of the| the| your)? (?:stretch|exercise|move|movement|position|pose|one)",
                text, re.IGNORECASE) or ABOUT_ALL.search(text) and not re.search(r"\b(?:this|that) (?:exercise|stretch|pose)\b", text, re.I):
        return False
    timing = read_timing(text)
    return bool((timing.hold or timing.reps) and not timing.general)


def reads_as_exercise(title: str, steps: list[Step], explicit: bool = False) -> bool:
    """A section is an exercise when it has timing of its own, or at least
    two instruction sentences; advice sections never are. Under a plain
    title line (``explicit`` false) timing alone is not enough: a
    description ("we sit for six hours a day") has timing too."""
    if _advice_title(title) or not steps:
        return False
    orders = sum(_imperative(s.text) for s in steps)
    if any(own_timing(s.text) for s in steps):
        # (an introduction has a number and an instruction among descriptions)
        return explicit or orders >= 1 and orders * 3 >= len(steps) or bool(EXERCISE_NOUNS.search(title)) \
            or any(is_field(s.text) and own_timing(s.text) for s in steps)
    return orders >= 2


def _advice_title(title: str) -> bool:
    """"Tips", "How often should I stretch?": advice, not an exercise (a
    hyphenated word such as "Tip-toes" is a name)."""
    return bool(NOT_EXERCISE_TITLES.search(re.sub(r"\w+(?:-\w+)+", "", title)))


def _explicit(style: tuple) -> bool:
    return style[:1] in (("heading",), ("numbered",)) and style[1:] != ("run-in",)


# ---------------------------------------------------------------- sections


def _breaks(lines: list[_Line], candidates: list[tuple[int, tuple]], style: tuple) -> set[int]:
    """Lines that end an exercise whatever the chosen style: higher
    headings, advice headings ("How often should I stretch?"), a stage for
    later ("Once this becomes easier…")."""
    out = set()
    for i, line in enumerate(lines):
        if line.kind == "heading":
            if style[0] != "heading" or line.level < style[1]:
                out.add(i)
        elif line.kind == "text" and len(line.text) < 90:
            text = line.text
            letters = re.sub(r"[^A-Za-z]", "", text)
            if style != ("plain", "upper") and len(text.split()) >= 3 and letters.isupper() \
                    and len(letters) > 8 and not _section_start(lines[i]):
                out.add(i)  # "IF YOU HAVE 10 MINUTES, ADD...": a part of the page
            elif PROGRESSION.fullmatch(text) or re.search(r"\bhow (?:long|often|many|much)\b", text, re.I) \
                    and not TERMINAL.search(text[:-1] or "x") and len(text.split()) <= 12 \
                    and not _imperative(text):
                out.add(i)
            elif (i == 0 or lines[i - 1].kind == "blank" or _ends_unit(lines[i - 1])) \
                    and not re.search(r"\d", text) and is_title_text(text.rstrip("?:"), 10) \
                    and (text.endswith("?") or NOT_EXERCISE_TITLES.search(text)):
                out.add(i)
    return out


def _section_start(line: _Line) -> bool:
    return line.kind in ("heading", "numbered", "bullet") or line.form == "entry"


def _sections(lines: list[_Line], starts: list[int], breaks: set[int], style: tuple) -> list[_Section]:
    """Sections from the chosen starts; a break line starts a section of notes."""
    bounds = sorted(set(starts) | breaks)
    starts = set(starts)
    line_paragraphs = _unwrapped(lines)
    solo = style[:1] in (("paragraph",), ("entry",), ("intro",))
    out: list[_Section] = []
    count = 0
    for a, b in zip(bounds, bounds[1:] + [len(lines)]):
        head = lines[a]
        body = lines[a + 1:b]
        rest: list[_Line] = []
        number = head.level if head.kind == "numbered" else 0
        if a in starts and solo:
            # a whole exercise in one paragraph, bullet or line; what follows
            # up to the next one is not part of it
            count += 1
            end = next((j for j, ln in enumerate(body) if ln.kind != "text"), len(body))
            if head.kind == "bullet" or style == ("entry",):
                end = 0
            body, rest = body[:end], body[end:]
            if style == ("entry",):
                title = head.label or head.text
                body = [_Line(head.number, "text", head.text, indent=head.indent)]
                rest_text = head.text[len(head.label):].lstrip(" :|–—-") if head.label else ""
                if head.label and _starts_with_verb(head.label) and rest_text:
                    # "Walk hands forward:  5 breaths": the move, then its time
                    body = [_Line(head.number, "text", head.label + ".", indent=head.indent),
                            _Line(head.number, "text", rest_text, indent=head.indent)]
            else:
                body = [_Line(head.number, "text", head.text, indent=head.indent)] + body
                title = head.label or f"Exercise {head.level if head.kind == 'numbered' else count}"
        elif a in starts and head.kind == "numbered" and not head.title:
            body = [_Line(head.number, "text", head.text, indent=head.indent)] + body
            title = head.label or f"Exercise {head.level}"
        else:
            title = head.text[:-1].rstrip() if head.text.endswith(":") else head.text
        nxt = next((j for j, ln in enumerate(body) if ln.kind != "blank"), None)
        if nxt is not None and body[nxt].kind == "text" and _same(body[nxt].text, title) \
                and not (solo and a in starts):
            body = body[:nxt] + body[nxt + 1:]  # the title repeated as a caption
        name, timing = title_timing(title)
        out.append(_Section(name, head.number, parse_items(body, line_paragraphs), style if a in starts else (),
                            timing, number, solo and a in starts,
                            head.level if head.kind == "heading" else 0, head.alone))
        if any(ln.kind != "blank" for ln in rest):
            first = next(ln for ln in rest if ln.kind != "blank")
            out.append(_Section("", first.number, parse_items(rest, line_paragraphs)))
    if style == ("numbered", "run-in"):
        out = _run_in_paragraphs(out)
    return out


def _run_in_paragraphs(sections: list[_Section]) -> list[_Section]:
    """Run-in exercises are one paragraph each ("Pelvic Tilt. Lie on…"):
    a later paragraph with timing of its own is an exercise of its own
    ("Child's pose, 15-20 breaths."); one without, when every run-in
    exercise is a single paragraph, is a note (a closing warning)."""
    runs = [s for s in sections if s.style]
    single = sum(len(s.items) == 1 for s in runs[:-1]) * 2 >= max(1, len(runs) - 1)
    out: list[_Section] = []
    count = 0
    for section in sections:
        if not section.style or len(section.items) < 2:
            out.append(section)
            count += bool(section.style)
            continue
        count += 1
        keep = [section.items[0]]
        extra: list[_Section] = []
        for item in section.items[1:]:
            text = " ".join(t for _, t in item.parts)
            m = re.match(r"([A-Z][\w'’ -]{2,40}?)(?:\s*\(|,|\.|\s+(?:for|sit|stand|lie)\b)", text)
            named = bool(m) and looks_like_name(m.group(1).strip()) and not WARNING_START.match(text)
            sentences = [s for _, s in split_sentences(item)]
            if item.kind == StepKind.PROSE and any(own_timing(s) for s in sentences) \
                    and (named or any(_imperative(s) for s in sentences)):
                count += 1
                name = m.group(1).strip() if named else f"Exercise {count}"
                extra.append(_Section(name, item.parts[0][0], [item], section.style, solo=True))
            elif single or extra:
                extra.append(_Section("", item.parts[0][0], [item]))
            else:
                keep.append(item)
        section.items = keep
        out.append(section)
        out.extend(extra)
    return out


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return norm(a) == norm(b)


def section_steps(section: _Section) -> list[Step]:
    """The sentences of a section as steps; prose before the first list item
    is marked as ``lead``. A timing written in the title comes first when
    the text gives none of its own."""
    steps = []
    seen_list = False
    for item in section.items:
        seen_list = seen_list or item.kind != StepKind.PROSE
        for line, sentence in split_sentences(item):
            steps.append(Step(sentence, line, item.kind, lead=not seen_list))
    if section.timing and not any(own_timing(s.text) for s in steps):
        steps.insert(0, Step(section.timing, section.line, StepKind.PROSE))
    return steps


def title_timing(title: str) -> tuple[str, str | None]:
    """"Cat-Cow Stretch (60 sec)" -> ("Cat-Cow Stretch", "60 sec")."""
    if len(title) > 200:
        return title, None  # no title is this long; a run of dashes is not one
    if m := TRAILING_COUNT.search(title):
        if m.start() > 0:
            return title[:m.start()].strip(), m.group(1)
    m = TITLE_TIMING.search(title)
    if m and m.start() > 0:
        inner = m.group(1) or m.group(2) or ""
        if HAS_AMOUNT.search(inner) and AMOUNT_UNIT.search(inner):
            return title[:m.start()].strip(" –—-|"), inner.strip()
    if (m := re.search(r"\s(\d{1,3}\s*x\b.*)$", title, re.IGNORECASE)) and m.start() > 0:
        return title[:m.start()].strip(), m.group(1)  # "Neck side bending 10x (ear to shoulder)"
    return title, None


SINGLE_EXERCISE = re.compile(
    r"\b(?:stretch|stetch|pose|tilt|curl|raise|rotation|roll|twist|bridge|squat|lunge|plank|tuck|"
    r"glide|hug|extension|flexion|press|slide|circle|bend|lift|kick|swing|march|dog|cat|cobra|"
    r"chest|shrug|retraction|release|squeeze)\b", re.IGNORECASE)
GROUP_TITLE = re.compile(r"\b(?:stretches|exercises|poses|moves|routine|programme|program|workout)\b",
                         re.IGNORECASE)


def exercise_flags(sections: list[_Section], first_text_line: int = 1) -> list[bool]:
    """Which sections are exercises. Each on its own text first; then, when
    its siblings are exercises, a section of the same style with one
    instruction is one too ("Full body: Reach your arms past your head."),
    and a numbered list of exercise names is a list of exercises even when
    the page gives no instructions (each was shown in a photo)."""
    steps = [section_steps(s) for s in sections]
    first_line = first_text_line
    flags = []
    for s, st in zip(sections, steps):
        if not s.style or not s.title and not s.solo:
            flags.append(False)
        elif s.style[0] == "plain" and s.line == first_line and not s.timing:
            # the page's first line is its site or headline: an exercise only
            # when the text under it plainly is one
            flags.append(not _advice_title(s.title) and sum(_imperative(x.text) for x in st) >= 2
                         and any(own_timing(x.text) for x in st))
        elif s.solo:
            flags.append(bool(st) and (s.style == ("entry",) or any(own_timing(x.text) for x in st)
                                       or any(_imperative(x.text) for x in st)))
        elif s.timing and st and st[0].text == s.timing and len(st) > 1 \
                and not any(own_timing(x.text) or _imperative(x.text) for x in st[1:]):
            flags.append(False)  # only the title's timing, over tips: a heading over exercises
        elif s.style[0] == "heading" and s.level < s.style[1]:
            # a heading over the exercises ("## The Flow (Repeat 2x)")
            flags.append(reads_as_exercise(s.title, [x for x in st if x.text != s.timing]))
        else:
            flags.append(reads_as_exercise(s.title, st, _explicit(s.style)))
    styled = [i for i, s in enumerate(sections) if s.style]
    numbers = [sections[i].number for i in styled]
    named_list = _explicit(sections[styled[0]].style) and len(styled) >= 3 \
        and numbers[:3] == [1, 2, 3] \
        and sum(bool(EXERCISE_NOUNS.search(sections[i].title)) for i in styled) * 2 >= len(styled) \
        if styled else False
    # run-in titles whose siblings are exercises, when the page times none
    # of them (the timing is page-wide); a timed sibling list says that the
    # untimed lines are something else ("Alignment – begin well lined up")
    if styled and sections[styled[0]].style[0] in ("heading", "numbered") and sum(flags) >= 2:
        # headings of one level: a sibling named like an exercise ("Lumbar
        # Flexion Stretch") over a line or two of its own is one, even when
        # the page gives it no timing ("Be gentle if sore")
        for i in styled:
            s = sections[i]
            if not flags[i] and steps[i] and not _advice_title(s.title) \
                    and (s.style[0] != "heading" or s.level == s.style[1]) \
                    and SINGLE_EXERCISE.search(s.title) and not GROUP_TITLE.search(s.title):
                flags[i] = True
    run_in = bool(styled) and sections[styled[0]].style == ("numbered", "run-in")
    timed = [i for i in styled if any(own_timing(x.text) for x in steps[i])]
    same_line = named_list or run_in and not timed
    if run_in and timed and all(sections[i].alone for i in timed):
        # timed run-in paragraphs stand alone; an untimed one that stands
        # alone like them is an exercise too, one inside a block of lines
        # ("Alignment – …" over "Breathing – …") is not
        for i in styled:
            joined = any(re.search(r"[a-z,;] [A-Z][a-z]+ [-–—] ", x.text) for x in steps[i])
            if not flags[i] and sections[i].alone and not joined \
                    and any(_imperative(x.text) for x in steps[i]):
                flags[i] = True
    if (sum(flags) >= 2 or sum(flags) and len(styled) >= 3 or named_list) and same_line:
        for i in styled:
            s = sections[i]
            if flags[i] or not steps[i] and not named_list or _advice_title(s.title):
                continue
            if any(_imperative(x.text) for x in steps[i]) or named_list:
                flags[i] = True
    return flags


def _style_score(sections: list[_Section], first_line: int) -> int:
    return sum(exercise_flags(sections, first_line))


def _heads_exercise(lines: list[_Line], at: int, end: int) -> bool:
    """Is the text under a lone top heading an exercise of its own ("# Knee
    hug" over its steps, then "## Cat cow"), rather than an introduction?
    Judged strictly: instructions, not only a number."""
    items = parse_items(lines[at + 1:end])
    steps = [Step(t, n, item.kind) for item in items for n, t in split_sentences(item)]
    orders = sum(_imperative(s.text) for s in steps)
    timed = any(own_timing(s.text) for s in steps)
    return not _advice_title(lines[at].text) and timed and orders >= 1 and orders * 2 >= len(steps)


def _opening_title(sections: list[_Section]) -> bool:
    """Is the first plain title line the document's own title? It is when
    its section is prose only while the exercises after it have lists of
    steps (a handout's heading over its introduction)."""
    titled = [s for s in sections if s.style]
    if len(titled) < 3 or any(s.style == () for s in sections[:1]) or sections[0] is not titled[0]:
        return False
    def listed(s: _Section) -> bool:
        return any(item.kind != StepKind.PROSE for item in s.items)
    rest = titled[1:]
    return not listed(titled[0]) and sum(map(listed, rest)) * 2 >= len(rest)


def choose(lines: list[_Line]) -> tuple[tuple, list[int], set[int]]:
    """The title style that best explains the document: (style, starts, breaks)."""
    candidates = find_candidates(lines)
    first_line = next((ln.number for ln in lines if ln.kind != "blank"), 1)
    styles: dict[tuple, list[int]] = {}
    for i, style in candidates:
        styles.setdefault(style, []).append(i)
    best: tuple[float, tuple, list[int], set[int]] = (0.0, (), [], set())
    headings = [i for i, s in candidates if s[0] == "heading"]
    first_heading = headings[0] if headings else None
    top = min((lines[i].level for i in headings), default=0)
    lone_top = bool(headings) and lines[headings[0]].level == top \
        and sum(lines[i].level == top for i in headings) == 1
    for style, starts in styles.items():
        if style[0] == "numbered" and style[1] not in ("run-in", "step") and len(starts) >= 3:
            # an item of a numbered list of names written as a sentence
            # ("6. Massage kneading along the neck…") is an exercise too
            where = {lines[i].level: i for i in starts}
            extra = [j for j, ln in enumerate(lines) if ln.kind == "numbered" and not ln.title
                     and ln.form == style[1] and ln.level not in where
                     and ln.level - 1 in where and where[ln.level - 1] < j
                     and not any(where[ln.level - 1] < i < j for i in starts)
                     and not any(lines[k].kind == "numbered" and lines[k].form == style[1]
                                 for k in range(where[ln.level - 1] + 1, j))]
            starts = sorted(starts + extra)
        if style[0] == "heading":
            # a heading level splits with every heading above it; a lone top
            # heading that opens the document is its title
            starts = [i for i, s in candidates if s[0] == "heading" and s[1] <= style[1]]
            if len(starts) > 1 and starts[0] == first_heading and lone_top and not _heads_exercise(
                    lines, starts[0], starts[1]):
                starts = starts[1:]
        breaks = _breaks(lines, candidates, style)
        sections = _sections(lines, starts, breaks, style)
        if style[0] == "plain" and _opening_title(sections):
            starts = starts[1:]
            sections = _sections(lines, starts, breaks, style)
        score = _style_score(sections, first_line)
        if style[0] == "paragraph" and score < 2:
            continue
        value = score + _prior(style) if score else 0.0
        if style in (("plain", "upper"), ("plain", "colon")) and score >= 3:
            value += 1.0  # three or more titles of one look beat one odd line (a headline)
        if value > best[0]:
            best = (value, style, starts, breaks)
    return best[1], best[2], best[3]


def document_title(lines: list[_Line], first: int) -> int | None:
    """The line that titles the document, among those before the first
    exercise: a top heading, else the last short title line before the
    first paragraph of prose."""
    for i in range(first):
        if lines[i].kind == "heading" and lines[i].level == 1:
            return i
    title = None
    for i in range(first):
        line = lines[i]
        if line.kind == "heading":
            return i
        if line.kind == "text" or line.kind == "numbered" and line.form == "space" and line.level > 1:
            headline = line.text[:1].isdigit() and is_title_text("N" + line.text[1:], 14)  # "5 Key Yoga Poses"
            if (is_title_text(line.text, 14) or headline) and not NOT_EXERCISE_TITLES.search(line.text) \
                    and not is_field(line.text):
                title = i
            elif title is not None and TERMINAL.search(line.text):
                break
    return title


def parse_routine(text: str, name: str = "routine") -> Routine:
    """Parse routine text. ``name`` is the title used when the text has none.
    Raises RoutineError (without a file; the caller adds it)."""
    lines = parse_lines(text)
    if all(line.kind == "blank" for line in lines):
        raise RoutineError("the routine is empty; write at least one exercise with its steps")
    style, starts, breaks = choose(lines)
    sections = _sections(lines, starts, breaks, style) if starts else []
    # which sections are exercises
    flags = exercise_flags(sections, next((ln.number for ln in lines if ln.kind != "blank"), 1))
    chosen = [s for s, f in zip(sections, flags) if f]
    index_of = {}
    for i, ln in enumerate(lines):
        index_of.setdefault(ln.number, i)
    first = min((index_of[s.line] for s in chosen), default=len(lines))
    title_index = document_title(lines, first)
    title = lines[title_index].text.rstrip(":") if title_index is not None else None
    skip = {title_index}
    head_end = min(sorted(set(starts) | breaks), default=len(lines))
    preamble = parse_items([ln for i, ln in enumerate(lines[:head_end]) if i not in skip])
    notes = [Step(s, ln, item.kind) for item in preamble for ln, s in split_sentences(item)]
    exercises: list[tuple[str, int, list[Step]]] = []
    seen: dict[str, tuple[str, int, list[Step]]] = {}
    group: _Section | None = None  # a heading over exercises that counts them: "The Flow (Repeat 2x)"
    for section in sections:
        steps = section_steps(section)
        if section.level and (group is None or section.level <= group.level):
            group = section if section.timing and section.level < (style[1] if style[0] == "heading" else 0) \
                and read_timing(section.timing).reps and not any(section is c for c in chosen) else None
        if group is not None and section is not group and any(section is c for c in chosen) \
                and not any(read_timing(s.text).reps for s in steps):
            steps.append(Step(group.timing, group.line, StepKind.PROSE))
        if any(section is c for c in chosen):
            # a long gloss is not said with the name: "Hundred (to strengthen abdominals, …)"
            name_ = re.sub(r"\s*\((?:[^()\s]+\s+){3,}[^()]*\)", "", section.title) or section.title
            key = (re.sub(r"\W+", " ", name_).strip().lower(), section.number)
            same = seen.get(key) if section.number else None
            if same is not None:
                # the program listed twice (a summary, then the details)
                known = {s.text for s in same[2]}
                same[2].extend(s for s in steps if s.text not in known)
                continue
            exercises.append((name_, section.line, steps))
            seen[key] = exercises[-1]
        else:
            if section.title and section.line != (lines[title_index].number if title_index is not None else None):
                notes.append(Step(section.title, section.line, StepKind.PROSE))
            notes.extend(steps)
    if not exercises:
        # A bare list of steps, or a page whose title is its one exercise
        # ("Hip and Back Stretch for Runners" over numbered steps).
        items = parse_items([ln for i, ln in enumerate(lines) if i != title_index])
        steps = [Step(s, ln, item.kind) for item in items for ln, s in split_sentences(item)]
        if reads_as_exercise(title or name, steps) or is_exercise_loose(steps):
            return Routine(title or name, (Exercise(title or name, steps[0].line, tuple(steps)),))
    if not exercises:
        first_line = next(line.number for line in lines if line.kind != "blank")
        raise RoutineError(
            "no exercises found; give each exercise a title line (or a '## ' heading) "
            "followed by its steps",
            first_line,
        )
    notes.extend(Step(s, ln.number) for ln in lines if ln.kind == "aside"
                 for _, s in split_sentences(_Item(StepKind.PROSE, [(ln.number, ln.text)])))
    notes.sort(key=lambda s: s.line)
    return Routine(title or name, tuple(Exercise(n, ln, tuple(st)) for n, ln, st in exercises),
                   tuple(notes))


def is_exercise_loose(steps: list[Step]) -> bool:
    """The old test for a whole page as one exercise: timing of its own, or
    two sentences that start like instructions."""
    if any(own_timing(s.text) for s in steps):
        return True
    return sum(is_instruction(s.text) for s in steps) >= 2
