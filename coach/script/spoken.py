"""The coach's own words: the opening and closing built from the routine,
transitions between positions, progress and encouragement, and ``clean``,
which every spoken line passes through (no digits, brackets or stray
punctuation reach the voice). Pure: no I/O.
"""

from __future__ import annotations

import functools
import re

from coach.model import Step
from coach.script.exercise import FLOOR, LYING, Position
from coach.script.words import say_number

GENERAL_RULES = (
    "Move slowly and gently, and keep breathing the whole time.",
    "Stretch only until you feel a mild pull, never pain. If anything hurts sharply, stop.",
)
BACK_WARNING = (
    "If back pain lasts more than two weeks, makes it hard to walk or move your legs, "
    "or affects your bladder or bowel, see a doctor soon."
)
TONES = "A rising tone starts each hold, and a falling tone ends it."

ENCOURAGEMENT = ("Good.", "Nice work.", "That's it.", "Well done.", "Lovely.", "Good, keep it easy.")
"""Said after some repetitions, in turn, so no sentence comes twice in a row."""

# What the text itself warns about, and the equipment it asks for.
TEXT_WARNING = re.compile(
    r"^(?:if you (?:have|had|are|feel)|never|don'?t(?! forget)|do not|stop|check with|consult|avoid|be careful|take care)\b"
    r"|\b(?:check with your (?:doctor|physio\w*|therapist)|consult (?:a|your) (?:doctor|physio\w*)|never bounce|"
    r"hip replacement|knee replacement|pregnan\w*|osteoporosis)\b",
    re.IGNORECASE,
)
EQUIPMENT = re.compile(r"\b(chair|towel|strap|belt|pillow|cushion|yoga block|foam roller|resistance band|band)s?\b",
                       re.IGNORECASE)
WALK = re.compile(r"\bwalk(?:ing|s)?\b(?! your hands| your feet| the hands| hands)", re.IGNORECASE)
BACK = re.compile(r"\b(?:back|spine|spinal|lumbar|sciatica)\b", re.IGNORECASE)
BODY_PARTS = ("back", "hips", "neck", "shoulders", "legs", "knees", "ankles")
PART_WORDS = {
    "back": r"back|spine|spinal|lumbar|sciatica|sciatic",
    "hips": r"hips?|glutes?|piriformis|pigeon",
    "neck": r"neck",
    "shoulders": r"shoulders?|chest",
    "legs": r"legs?|hamstrings?|quads?|calf|calves|thighs?",
    "knees": r"knees?",
    "ankles": r"ankles?|feet|foot",
}
"""Words that name each body part, for the closing's "notice how your … feels"."""


@functools.lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """A line as the voice should get it: brackets and their contents gone,
    digits as words, one space between words, no space before punctuation,
    one full stop at the end."""
    text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", text)
    text = re.sub(r"[()\[\]{}*_#|<>\"“”•]", " ", text)
    text = re.sub(r"(\d+)\s*%", lambda m: f"{m.group(1)} percent", text)
    text = re.sub(r"\d+", lambda m: say_number(int(m.group(0))) if len(m.group(0)) < 3 else "many", text)
    text = text.replace("&", " and ").replace("/", " or ")
    text = re.sub(r"\s+[–—-]+\s+", ", ", text)  # a dash between words is a pause
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[.!?])", "", text)
    text = re.sub(r"([.!?])[.!?]+", r"\1", text)
    text = re.sub(r"([,;:])\1+", r"\1", text)
    text = text.strip(" ,;:-–—")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def clean_name(name: str) -> str:
    """An exercise name for the ear: no bracketed Sanskrit, no trailing
    timing ("| 30 sec per side"), no final full stop."""
    name = re.split(r"\s[|–—-]\s|\s*\|", name)[0]
    name = re.sub(r"\([^()]*\)", "", name)
    return clean(name).rstrip(".!?") or "the next exercise"


def clean_title(title: str) -> str:
    """The routine's title as said after "This is" (its own capitals kept)."""
    if title.isupper():  # "HOME EXERCISE PROGRAM" is not shouted
        title = title.capitalize()
    title = re.sub(r"^(?:this is )?my\b", "your", title.strip(), flags=re.IGNORECASE)  # the listener's, aloud
    title = re.sub(r"^(?:A|An|The)\b", lambda m: m.group(0).lower(), title)  # "welcome to a neck …"
    said = clean(title).rstrip(".!?")
    return title.strip()[:1] + said[1:] if said and title.strip()[:1].lower() == said[:1].lower() else said


def about_back(title: str, notes: list[str], names: list[str]) -> bool:
    """The title says back, or at least half the exercises do."""
    return bool(BACK.search(title)) or sum(bool(BACK.search(n)) for n in names) * 2 >= max(1, len(names))


def text_warnings(notes: tuple[Step, ...]) -> list[str]:
    """The routine's own warnings, at most three, cleaned; the back-pain
    red flags are left to our own sentence."""
    found = []
    for step in notes:
        text = step.text
        if TEXT_WARNING.search(text) and not re.search(r"two weeks|bladder|bowel", text, re.I) \
                and len(text.split()) <= 30 and text not in found:
            found.append(text)
    return [clean(t) for t in found[:3]]


def equipment(texts: list[str]) -> list[str]:
    """What the routine asks to have at hand ("a chair", "a towel")."""
    found: dict[str, None] = {}
    for text in texts:
        for m in EQUIPMENT.finditer(text):
            found[m.group(1).lower()] = None
    return list(found)


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def minutes_phrase(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return "about one minute" if minutes == 1 else f"about {say_number(minutes)} minutes"


def opening_lines(title: str, level: str, count: int, seconds: float, notes: tuple[Step, ...],
                  names: list[str], steps: list[str], uses_holds: bool) -> list[str]:
    """Welcome, what to have at hand, the rules, the text's own warnings,
    and the tones the listener will hear."""
    exercises = "one exercise" if count == 1 else f"{say_number(count)} exercises"
    named = clean_title(title) if title else "your routine"
    lines = [f"Welcome to {named}, at the {level} level: {exercises}, {minutes_phrase(seconds)}."]
    kit = equipment(steps)
    if kit:
        lines.append(f"You'll need {and_list(['a ' + k for k in kit])}.")
    lines += GENERAL_RULES
    note_texts = [n.text for n in notes]
    if about_back(title, note_texts, names):
        lines.append(BACK_WARNING)
    lines += text_warnings(notes)
    if uses_holds:
        lines.append(TONES)
    return [clean(line) for line in lines]


def body_part(title: str, names: list[str]) -> str:
    """The body part the routine is for: the title's, else the one most
    exercise names mention (back first on a tie), else "body"."""
    for part in BODY_PARTS:
        if re.search(rf"\b(?:{PART_WORDS[part]})\b", title, re.IGNORECASE):
            return part
    text = " ".join(names)
    counts = {part: len(re.findall(rf"\b(?:{PART_WORDS[part]})\b", text, re.IGNORECASE)) for part in BODY_PARTS}
    best = max(BODY_PARTS, key=lambda p: counts[p])
    tied = sum(counts[p] == counts[best] for p in BODY_PARTS)
    return best if counts[best] and tied == 1 else "body"


def closing_lines(final: Position | None, title: str, names: list[str], notes: tuple[Step, ...]) -> list[str]:
    """Fits where the listener is at the end, names the body part worked,
    and suggests a walk when the routine's text does."""
    part = body_part(title, names)
    feels = "feel" if part.endswith("s") else "feels"
    your = f"your {part}"
    lines = ["That's the whole routine. Well done."]
    if final in LYING:
        lines += [f"Lie still for a moment and notice how {your} {feels}.",
                  "When you're ready, roll onto your side, press yourself up with your hands, and come up slowly."]
    elif final in (Position.HANDS_KNEES, Position.KNEELING, Position.SEATED):
        lines += [f"Stay where you are for a moment and notice how {your} {feels}.",
                  "When you're ready, come up to standing slowly, one foot at a time."]
    elif final == Position.CHAIR:
        lines += [f"Sit quietly for a moment and notice how {your} {feels}.",
                  "When you stand up, do it slowly, with your hands on the chair if you need them."]
    elif final == Position.STANDING:
        lines += [f"Stand quietly for a moment, breathe, and notice how {your} {feels}."]
    else:
        lines += [f"Take a moment to notice how {your} {feels}."]
    if any(WALK.search(n.text) for n in notes):
        lines.append("If you can, go for a short, easy walk now. It keeps you moving.")
    return [clean(line) for line in lines]


def onto_hands_and_knees(before: Position) -> str:
    """The first step up from the floor: onto hands and knees ("" when
    already there)."""
    if before in (Position.HANDS_KNEES, Position.KNEELING):
        return ""
    if before in LYING:
        return "Roll to your side and press up onto your hands and knees. "
    return "Turn to one side, onto your hands and knees. "


def transition(before: Position | None, after: Position) -> tuple[str, float] | None:
    """How to get from one position to the next, safely, and the quiet it
    needs, seconds; None when nothing changes."""
    if before == after:
        return None
    if before is None:
        if after in FLOOR:
            return ("Take your time to get down onto the floor.", 6.0)
        if after == Position.CHAIR:
            return ("Sit on a steady chair without armrests, feet flat on the floor.", 6.0)
        return None
    floor_to = {
        Position.BACK: "Roll onto your back, slowly.",
        Position.STOMACH: "Roll over onto your stomach, slowly, and rest your forehead on your hands.",
        Position.SIDE: "Roll onto your side, slowly.",
        Position.HANDS_KNEES: "Roll to your side, then press yourself up onto your hands and knees. Take your time.",
        Position.KNEELING: "Roll to your side, press up onto your hands and knees, and come up to kneeling. "
                           "Take your time.",
        Position.SEATED: "Roll to your side and press yourself up to sitting. Take your time.",
    }
    if before == Position.STOMACH and after in (Position.HANDS_KNEES, Position.KNEELING):
        up = "" if after == Position.HANDS_KNEES else ", then come up to kneeling"
        return (f"Press yourself up slowly onto your hands and knees{up}. Take your time.", 10.0)
    if before in LYING and after in FLOOR:
        return (floor_to[after], 10.0)
    if before in (Position.HANDS_KNEES, Position.KNEELING) and after in LYING:
        where = {Position.BACK: "onto your back", Position.STOMACH: "down onto your stomach",
                 Position.SIDE: "onto your side"}[after]
        return (f"Sit to one side of your heels, then lower yourself {where}, using your hands. Take your time.", 10.0)
    if before in (Position.HANDS_KNEES, Position.KNEELING) and after == Position.SEATED:
        return ("Sit to one side of your heels and come round to sitting on the floor. Take your time.", 10.0)
    if before in (Position.HANDS_KNEES, Position.KNEELING) and after in (Position.HANDS_KNEES, Position.KNEELING):
        return ("Come onto your hands and knees." if after == Position.HANDS_KNEES
                else "Come up to kneeling, slowly.", 8.0)
    if before == Position.SEATED and after in LYING:
        where = {Position.BACK: "onto your back", Position.STOMACH: "onto your stomach",
                 Position.SIDE: "onto your side"}[after]
        return (f"Lower yourself slowly {where}, using your hands. Take your time.", 10.0)
    if before == Position.SEATED and after in (Position.HANDS_KNEES, Position.KNEELING):
        return ("Turn to one side and come onto your hands and knees. Take your time.", 10.0)
    if before in FLOOR and after == Position.STANDING:
        first = onto_hands_and_knees(before)
        return (f"Now we'll come up to standing. {first}Step one foot forward, and come up slowly, "
                "using your hands on your knee. Take all the time you need.", 14.0)
    if before in FLOOR and after == Position.CHAIR:
        first = onto_hands_and_knees(before)
        return (f"Now come to your chair. {first}Come up slowly, then sit down on the chair with your "
                "feet flat on the floor. Take your time.", 14.0)
    if before == Position.CHAIR and after == Position.STANDING:
        return ("Stand up slowly, using the chair for support if you need it.", 10.0)
    if before == Position.STANDING and after == Position.CHAIR:
        return ("Sit down on your chair, slowly, feet flat on the floor.", 10.0)
    if before in (Position.STANDING, Position.CHAIR) and after in FLOOR:
        where = {Position.BACK: "then roll onto your back", Position.STOMACH: "then lower yourself onto your stomach",
                 Position.SIDE: "then lie down on your side", Position.HANDS_KNEES: "and stay on your hands and knees",
                 Position.KNEELING: "and come up to kneeling", Position.SEATED: "then sit down on the floor"}[after]
        return (f"Now we'll go down to the floor. Slowly kneel down, put your hands on the floor, {where}. "
                "Take your time.", 14.0)
    return ("Change position now, slowly. Take your time.", 10.0)


def encouragement(n: int) -> str:
    """The n-th word of praise, in turn."""
    return ENCOURAGEMENT[n % len(ENCOURAGEMENT)]
