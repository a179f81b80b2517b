"""Telling a message from someone in danger: a small phrase model, built for recall.

:func:`detect` reads a message as a frightened person types it (lower case, no apostrophes,
typos, chat spellings, "he's not breathing", "cant wake her", run-ons) and says which crisis it
may be, if any, and whether it asks for an amount or a way to use:

``overdose``
    an overdose that may be happening: someone not breathing or breathing strangely, who will
    not wake or respond, blue or grey lips, gurgling, limp, or who took too much or mixed with
    sleeping pills or alcohol and feels wrong. ``ask`` shows 911 first, then naloxone and the
    overdose steps.
``suicide``
    thoughts of suicide or of not waking up, hopelessness with an intent, a plan to take a lot.
    ``ask`` shows 988 first, and 911 for immediate danger.

The model reads concepts, not sentences. Each cue is a short sequence of word patterns (a
pattern is a set of words; ``*`` after a stem matches any ending) matched in order with up to
``gap`` other words between them, so one cue covers many phrasings; the concepts combine:

- a *person* (the writer, a named other: "my bf", "the guy at the shelter", "toddler") with a
  *state of danger* (not breathing or breathing weird, blue/grey/pale, limp, floppy, slumped,
  out cold, snoring or gurgling, pinned pupils, will not wake, talk or respond, "narcan isnt
  working", falling back asleep after naloxone, "feel like im dying", a child who got into
  pills) is an overdose: *strong* cues fire whatever the framing;
- *framed* cues (a state or an overdose word alone, "took a lot", two downers and something
  feels wrong) fire unless the message is a general question about nobody in particular
  ("can heroin make you stop breathing", "what does an overdose feel like"): a question start or
  a word of statistics, no "i", "my", "he", "she", "friend" ..., nothing urgent;
- suicide: a wish or plan to die or not wake up, a lethal amount ("lethal dose", "the most i
  can take before it kills me"), means at hand (a rope, "i have a bottle of percs", "the means"),
  a goodbye (letters, a note, a last message, giving things away, a date set, "not going to be
  around"), or the writer as subject ("i", "me", not "my husband") with hopelessness ("burden",
  "depressed", "nobody cares") and a death word, a lot, an overdose or means. Suicide wins over
  overdose: 988 comes first and 911 goes along;
- *amount* cues ask for a quantity, a dose or a way to use; with a death word and the writer
  they are suicide;
- *not now*: a message about a past overdose ("last year", "died of", "survived", a year), a
  plan for next time, a class, a book, a law, a pharmacy or treatment is calm unless it also
  says someone is in danger now (a state of danger, not just the word overdose), names
  something urgent ("help", "now", "tonight"), or the writer says they want to die;
- *signs weighed together*: a named person or the writer with signs of a body in trouble
  (:data:`STATE_WORDS`: "sweaty and cold and barely there", "fell over ... weird noises") that
  weigh enough, in any order, with a use or an urgent word, is an overdose; a large number
  taken ("did 12 bags") is an overdose, about to be taken ("take 30 xanax") suicide;
- a weighted *fallback* for personal messages no cue matched.

It errs on the side of danger: a false alarm costs a help box above the answer, a miss can cost
a life. Words are matched after folding chat spellings ("u", "ur", "r", "ppl", "od'd", "bout")
and correcting a word within one edit (two in a long word) of a cue word of five letters or
more, so "breathin", "overdoseing" and "sucidal" count; a word any cue uses ("taking",
"snoring") is never corrected into another. Nothing here reads the knowledge base: the
detector works the same with any pack, and it imports nothing heavy (about 0.1 ms a message).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from .text import edit_distance, split_words

OVERDOSE = "overdose"
SUICIDE = "suicide"


class Crisis(NamedTuple):
    """What :func:`detect` found in a message."""

    concern: str | None  # "overdose", "suicide", or None
    overdose: bool  # an overdose cue fired (with suicide: 911 goes along with 988)
    amount: bool  # asks for an amount, a dose, a way to use or a lethal quantity


# --- spelling -------------------------------------------------------------------------------

#: Chat spellings and contractions without their apostrophe, as the words they stand for.
CHAT = {
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "bro": "brother",
    "sis": "sister",
    "pls": "please",
    "plz": "please",
    "rn": "now",
    "wat": "what",
    "wut": "what",
    "wats": "whats",
    "abt": "about",
    "bout": "about",
    "n": "and",
    "wke": "wake",
    "waek": "wake",
    "lipps": "lips",
    "breth": "breath",
    "homies": "homie",
    "ded": "dead",
    "cuz": "because",
    "bc": "because",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "tryna": "trying to",
    "kinda": "kind of",
    "cannot": "cant",
    "aint": "isnt",
    "doesnt": "isnt",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "xans": "xanax",
    "xan": "xanax",
    "bars": "xanax",
    "benzo": "benzos",
    "fent": "fentanyl",
    "kms": "kill myself",
    "unalive": "kill",
    "od": "overdose",
    "ods": "overdoses",
    "oding": "overdosing",
    "odin": "overdosing",
    "oded": "overdosed",
}
#: "od'd", "o.d.", "OD'ing": joined before the apostrophes go.
_OD = re.compile(r"\bo\.?d\.?\s*['\u2019]?\s*(d|ed|ing|in)\b", re.IGNORECASE)
_OD_FORMS = {"d": "overdosed", "ed": "overdosed", "ing": "overdosing", "in": "overdosing"}


def _od(m: re.Match[str]) -> str:
    return " " + _OD_FORMS[m.group(1).lower()] + " "


def words(message: str) -> list[str]:
    """The message's words, folded, with chat spellings spelled out and typos of cue words
    corrected (see the module's notes)."""
    raw = split_words(_OD.sub(_od, message), 200)
    out: list[str] = []
    for w in raw:
        out += CHAT.get(w, _fix(w)).split()
    return out


# --- patterns -------------------------------------------------------------------------------

Pattern = tuple[frozenset[str], ...]


def _pat(text: str) -> Pattern:
    """``"not|never breath*"`` -> ({not, never}, {breath*}): one set of words per position."""
    return tuple(frozenset(part.split("|")) for part in text.split())


def _match_word(word: str, options: frozenset[str]) -> bool:
    if word in options:
        return True
    return any(o.endswith("*") and word.startswith(o[:-1]) for o in options)


@functools.cache
def _split(options: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A position's whole words and its stems (the words given with ``*``)."""
    stems = tuple(o[:-1] for o in options if o.endswith("*"))
    return frozenset(o for o in options if not o.endswith("*")), stems


class Words(list[str]):
    """A message's words, with a note of where each pattern position matches (many cues share
    a position, such as the person words, so each is looked for once a message)."""

    def __init__(self, ws: Sequence[str]) -> None:
        super().__init__(ws)
        self.memo: dict[frozenset[str], list[int]] = {}
        self.at: dict[str, list[int]] = {}
        for i, w in enumerate(ws):
            self.at.setdefault(w, []).append(i)


def _hits(ws: Sequence[str], options: frozenset[str]) -> list[int]:
    if not isinstance(ws, Words):
        ws = Words(ws)
    found = ws.memo.get(options)
    if found is None:
        exact, stems = _split(options)
        at = ws.at
        if stems:
            found = [i for i, w in enumerate(ws) if w in exact or w.startswith(stems)]
        else:
            found = sorted(i for w in (at.keys() & exact) for i in at[w])
        ws.memo[options] = found
    return found


def _find(ws: Sequence[str], pattern: Pattern, gap: int) -> bool:
    """Whether the pattern's positions are found in order, at most ``gap`` words apart (each
    next position at its first match)."""
    first = _hits(ws, pattern[0])
    if not first:
        return False
    rest = [_hits(ws, options) for options in pattern[1:]]
    if not all(rest):
        return False
    for start in first:
        pos = start
        for hits in rest:
            k = bisect.bisect_right(hits, pos)
            if k == len(hits) or hits[k] > pos + gap + 1:
                break
            pos = hits[k]
        else:
            return True
    return False


def _any(ws: Sequence[str], patterns: Sequence[tuple[Pattern, int]]) -> bool:
    return any(_find(ws, p, gap) for p, gap in patterns)


def _pats(spec: str, gap: int) -> list[tuple[Pattern, int]]:
    return [(_pat(s.strip()), gap) for s in spec.split(";") if s.strip()]


_NEG = (
    "not|no|isnt|wont|cant|never|stopped|stop|stops|barely|hardly|trouble|struggling|quit|"
    "wouldnt|couldnt"
)
_BREATH = "breath*"
_WAKE = (
    "wake*|waking|woke|respond*|answer*|move|moving|budge|come|talk*|speak*|react*|open*|"
    "stand|walk|rouse*|arouse*|revive*"
)
_SOMEONE = (
    "he|she|him|her|they|them|his|their|friend|friends|boyfriend|girlfriend|husband|wife|"
    "partner|brother|sister|son|daughter|mom|mum|mother|dad|father|roommate|buddy|guy|girl|"
    "kid|baby|cousin|uncle|aunt|someone|somebody|person|man|woman|homie|neighbor|neighbour|"
    "toddler|child|grandpa|grandma|teen|teenager|nephew|niece|bestie|wifey|hubby|dude|"
    "coworker|patient|client|stranger|lady|homeless"
)
_SELF = "i|me|my|myself|we|us|our"
_DOWNERS = (
    "xanax|benzos|benzodiazepine*|valium|klonopin|ativan|pills|alcohol|drink*|drank|drunk|"
    "beer|vodka|liquor|wine|booze|sleeping|gabapentin|lean|fentanyl|methadone|oxy*|percocet*|"
    "heroin|dope|smack|downers|h|perc*|oxys|painkillers|bag|bags|morphine|lean|opioids|"
    "norco|vicodin|hydrocodone|tramadol|codeine|suboxone|sleep*"
)
_BLUE = "blue|grey|gray|purple|pale|white|ashen"
_BODY = "lips|lip|face|skin|fingers|fingertips|nails"
_LOT = "lot|bunch|whole|all|entire|handful|double|extra|everything|bottle|script|more"
_WRONG = (
    "wrong|weird|off|scared|dizzy|sick|bad|strange|scary|funny|dying|help|now|breath*|wake*|"
    "blue|gurgl*|passed|unresponsive|sinking|heavy|under|fading|floating|numb|faint"
)

#: Danger whatever the framing: someone who will not wake, a named person not breathing or
#: turning blue.
STRONG_OVERDOSE = [
    *_pats(f"{_NEG}|dont|cannot {_WAKE}", 3),
    *_pats(f"{_SOMEONE} {_NEG} {_BREATH}; {_SOMEONE} {_BODY}|turning|turned|going {_BLUE}", 4),
    *_pats(f"{_SOMEONE}|i is|are|am|keeps|think|maybe|might overdosing|overdosed", 3),
    *_pats(
        f"{_SOMEONE} is|looks|went|looking|gone|getting {_BLUE}; turning|turned|gone {_BLUE}; "
        "narcan|naloxone isnt|not|didnt|wont|nothing work*|help*|do*; "
        f"narcan|naloxone {_SOMEONE}|still|again|falling|back; "
        "spray|give|use|where the|narcan|naloxone narcan|naloxone; "
        f"{_NEG}|dont|cannot get {_SOMEONE} to open|wake|respond|move; "
        f"{_NEG}|dont|cannot open|opening {_SOMEONE}|eyes; "
        "falling|fell|going back asleep|out|under; "
        "cant|cannot|no|not|barely get|find|feel pulse|heartbeat; no pulse|heartbeat; "
        "needle in|still arm|vein|neck|in|him|her; "
        "feel*|am|going dying|under|sinking|fading; fadin|fading; "
        "cant|cannot feel my|face|legs|body|arms|chest; drowsy|sleepy acting|really|so|very; "
        "dropped|collapsed|fell|down after|when hit|shot|line|bump|using|use|fix; "
        f"{_SOMEONE} is|looks|think|might|maybe dying",
        3,
    ),
    # a child who got into pills
    *_pats(
        "toddler|child|kid|baby|year|old|son|daughter|teen|teenager|nephew|niece|dog "
        "swallow*|ate|eaten|got|took|into|found "
        "pill*|oxy*|bottle|patch*|methadone|fentanyl|suboxone|heroin|dope",
        4,
    ),
]
#: Danger unless the message asks in general (see :func:`general`).
FRAMED_OVERDOSE = [
    *_pats(
        f"{_NEG} {_BREATH}; "
        f"{_BREATH} stopped|slow*|shallow|weird|funny|strange|barely|loud|rattl*; "
        f"slow*|shallow|weird|funny|no {_BREATH}; {_BODY} {_BLUE}; {_BLUE} {_BODY}; "
        f"turning|turned|gone|going {_BLUE}; unresponsive; gurgl*; choking; foam*; limp; "
        "collapsed; passed|passing|blacked out; overdos*; out cold; unconscious; floppy; slumped; "
        "drowning; back asleep|out; "
        "pupils pinpoint|tiny; pinpoint|tiny pupils; "
        f"only|barely|hardly {_BREATH}; {_BREATH} every|once|seconds|times|minute|min; "
        "took|ate|chewed|swallowed|sucked|used patch|patches; "
        "heart|pulse|heartbeat slow*|weak|faint|barely|stopped; no pulse|heartbeat; "
        "cant|not keep|stay eyes|awake; snoring|snore|rattl*|gasp*|seizure*|convuls*; "
        "eyes rolled; cant|wont|cannot get him|her|them up|awake; too strong; "
        f"{_SOMEONE} cold|clammy|grey|gray|pale|dead; "
        "give|gave|giving|need|grab|use|used narcan|naloxone; call 911|ambulance; "
        "took|taken|taking|did|done|used|shot|snorted|had|drank|take too much|many; "
        f"took|taken|did|done|used|shot|snorted|had|drank {_LOT}",
        3,
    ),
]
#: Took or mixed two downers (two of these words) and something feels wrong.
DOWNERS = frozenset(w for w in _DOWNERS.split("|") if not w.endswith("*"))
FEELS_WRONG = [
    *_pats(f"feel*|feeling|something|is|acting|looks {_WRONG}", 2),
    *_pats(
        "wrong; weird; scared; scary; dizzy; dying; help; breath*; gurgl*; unresponsive; "
        "cant keep|stay|wake; eyes open; passed|passing out; out of it; puking; vomit*; "
        "throwing up; asleep",
        1,
    ),
]
STRONG_SUICIDE = _pats(
    "kill*|hurt*|harm*|cut*|hang*|shoot*|poison*|off|drown* "
    "myself|himself|herself|themselves|themself; "
    "want|wanna|going|plan*|trying|try overdos*|od; "
    "on purpose; hot shot; anyone|nobody|noone|cares care|cares|miss|notice; "
    "point|reason live|living|anymore|trying|going; "
    "take|taking|swallow them|it|everything all|left|once; "
    "saving|stockpil*|hoarding up|my pills|them; plan|plans for|to tonight; "
    "end|ending|take|taking my|own life; "
    "end|ending it|things|everything; "
    "want|wanna|wish|ready|plan*|hope|hoping|rather die|dead|dying|gone; "
    "better off dead|without; no reason|point to|in live|living|anymore|going; "
    "want|wanna|hope|hoping|wish|rather|enough|plan* not|never|dont wake; "
    "sleep forever; sleep and not|never; dont|not|no want live|alive|exist|here|anymore; "
    "nobody|noone|one would|will|even care|miss|notice; cant go on; "
    "cant do|take this|it anymore; give up on life|living|everything; "
    "done with life|living|everything; tired of living|life|alive; "
    "dont|not care if|whether i live|die|wake; suicide note|plan; self harm*; selfharm*; "
    "goodbye forever|everyone|world; disappear forever; want|wanna disappear; "
    "rope|noose ready|tied|up|got|bought; got|have|bought rope|noose|gun; "
    "jump|jumping|jumped off|from bridge|roof|building|ledge|cliff; "
    "lethal|fatal|deadly dose|doses|dosage|amount|quantity; "
    "most|max i|you can take; before|till|until it|that kill*|kills me; "
    "kill* yourself; wants|want|wanna|wanted|says to die|dead; "
    "end|ending|take|taking his|her|their|my|own life; "
    "talk*|says|saying|said about ending|killing|suicide|dying; "
    "giving|gave|gives away my|his|her|their|all|stuff|things|everything; "
    "giving|gave|gives my|his|her|their stuff|things|dog|cat|pets|everything away|to; "
    "wrote|writing|write|left|found|read my|a|the|letters|note|goodbye|message note|letters; "
    "last message|note|letter|words|goodbye|post; texted|text|sent|said goodbye; "
    "it|this will|would work; get it over with; decided i am|ready; "
    "set|picked|chose a date|day; counting down; have|got the means; "
    "be dead|gone by|tomorrow|morning; wont|not going to be around|here; "
    "going to be around|here much|long; done fighting; i let go; let go tonight; "
    "hate my life; want|wanna out for good; want|wanna out; "
    "happier|easier|better if|without i|me; see if i wake; cant|not keep living|going; "
    "living like this; pain|suffering|it|this to end|stop; end forever; "
    "dont|not|never want|wanna to wake; is my last night|day|week; "
    "take|taking|do|use|shoot|snort my|the whole|entire stash|supply|bottle|script|bag|gram; "
    "take|takes to die; going to jump; "
    "make sure i|you dont|never|not wake; "
    "enough|all stop|end my breathing|heart|life; breathing|heart|die|dying in my sleep; "
    "not|never exist; took|take|taking|swallowed everything|all; "
    "took|take|taking|swallow it all; "
    "take|taking|took all|everything at once; until|till my heart|breathing stop*; "
    "worth living|it anymore; isnt|not worth living; should|just die; cant live like; "
    "tired of everything|it; end my|the pain|suffering; no way out; "
    "overdos*|od intentionally|deliberately; shoot|use|do everything|all at once",
    3,
) + _pats("enough stop|end my breathing|heart; want|wanna|wish|hope never|not wake", 6)
FRAMED_SUICIDE = _pats(
    "suicid*; dont|not care what happens; "
    "thinking|thoughts|think|thought about|of death|dying|suicide|ending|killing",
    2,
)
#: Hopelessness: a crisis together with a plan to take a lot or a word of death.
HOPELESS = _pats(
    "hopeless; worthless; no point; whats|what the point; burden; dont|not care; give up; "
    "depressed; depression; hates|hate me; hate myself; alone; nobody|noone; be done; "
    "goodbye; letters; decided; "
    "pointless; meaningless; miserable; trapped; empty inside; cant take it; "
    "why|point keep going|living|trying; "
    "all|it|everything be|over over; feel this|anything anymore; tonight; better off; "
    "wrote|writing|write|left note; im|i am done",
    2,
)
AMOUNT = _pats(
    "lethal|fatal|deadly|safe|safest|max*|toxic|starting|normal|typical|average|right|correct|"
    "usual|good|enough|what|how|which dose|doses|dosage|amount|quantity|mg|mgs|milligram*|"
    "grams|gram|mcg|ml; "
    "how much|many would|will|take|use|do|need|should|shoot|snort|smoke|inject|get|kill|die|"
    "overdose|too|"
    "mg|grams|bags|points|lines|pills|xanax|bags|caps|bundles|hits; "
    "how|way|ways inject*|shoot*|snort*|smok*|cook*|boot*|slam*|plug*|sniff*|chase|chasing|"
    "freebas*|vein|veins; how to|do use|take|do heroin|dope|smack|fentanyl|xanax; "
    "enough to die|kill|overdose|not|od; "
    "easiest|easy|best|quickest|fastest|quick|painless|surest way|ways|method*; "
    "know|knew how to|do|i die|kill|overdose|od|it; how do|can|to i|you od|overdose|die; "
    "better|stronger|best|longer|bigger|good|great high|rush|buzz; how much|many less|more",
    5,
)
#: Amounts and ways of use that no framing excuses: the most one can take, a vein, making the
#: drug, a taper schedule, timing a medicine after use.
AMOUNT_ALWAYS = [
    *AMOUNT[:1],
    *_pats(
        "most|max|maximum i|you can take|use|do|handle; before|till|until it|that kill*|kills; "
        "dont|not know how to|i|it; took|take|taking|swallow* it|them all; "
        "best|right|good|easiest vein|veins|spot|spots|place|places; vein|veins to; "
        "make|makes|cook|extract|making heroin|dope|it|fentanyl from; poppies|poppy heroin|opium; "
        "how much|many cut|taper|drop|reduce|lower|less; wait after using|use|shooting; "
        "high|rush|buzz last longer|stronger; make the high|rush|buzz",
        3,
    ),
    *_pats("enough stop|end breathing|heart; how much|many stop|stops|kill|end heart|breathing", 6),
]
#: Amounts that are not doses ("how many people", "how much does it cost"), and questions
#: about a way of use that ask for its harms ("how does smoking heroin affect you").
NOT_AMOUNT = [
    *_pats(
        "how many people|users|americans|adults|teens|deaths|years|days|times|percent|kinds|"
        "types|of|die; how much cost|costs|money|price|time|longer|risk|damage|harm|worse|"
        "stronger|weaker|of",
        1,
    ),
    *_pats(
        "affect*|effect*|harm*|damage*|danger*|bad|risk*|worse|safer|hurt*|cause*|stop|quit|"
        "detox|cost|costs|price",
        6,
    ),
]
#: Not now: a danger in the past, a plan for next time, a class, a book, a law, a pharmacy.
#: These calm a message unless it also says someone is in danger now (:data:`ACUTE`).
NOT_NOW = _pats(
    "last year|month|week|summer|spring|winter|fall|christmas; years|months|weeks ago; "
    "used to; survived|survivor*; died of|from|after; passed away; next time; "
    "twice|before this year; after his|her|their|an|the overdos*; ever overdos*|ods|od; "
    "my|his|her fault; learn*; class|course|training|essay|topic|paper|homework|school; "
    "movie|film|song|book|books|show|celebrity; law|laws|legal; prescription|pharmacy|buy; "
    "rehab|treatment|groups|group|counsel*|therapy; recognize; know|tell if; "
    "signs|symptoms; explain; first aid; steps; why should; lay|put someone; "
    "talk to|with about; open at; prevention; cause|causes overdos*; safe to give; "
    "hurt|harm someone who; still need; what comes first; stay safe; "
    "what does|do|can narcan|naloxone; will|would|could|can i|you overdose; "
    "kit|kits|supplies; read; understand; "
    "about quitting|quit|recovery|withdrawal|detox|rehab; is that|it normal",
    3,
)
#: Someone in danger now, whatever else the message says.
ACUTE = _pats(
    f"{_NEG}|dont|cannot {_WAKE}; {_NEG} {_BREATH}; {_BODY} {_BLUE}; "
    f"{_SOMEONE}|i|my|is|am|are {_BREATH} stopped|slow*|shallow|weird|funny|strange|barely|"
    "loud|rattl*|wrong; "
    f"turning|turned|gone|is {_BLUE}; unresponsive; gurgl*; limp; out cold; unconscious; "
    "snoring|snore|rattl*|gasp*|choking|foam*|seizure*|convuls*|floppy|slumped; "
    "passed|passing|blacked out; pupils pinpoint|tiny; pinpoint|tiny pupils; "
    f"took|taken|did|used|had too much|many; took|taken|did|used|had {_LOT}; "
    "feel*|feeling wrong|weird|dying|sinking|heavy; narcan|naloxone isnt|not|didnt work*",
    3,
)
_LOT_TAKEN = _pats(f"take|taking|took|do|use|going {_LOT}", 3)
_NOT_WAKE = _pats("not|never wake", 1)
#: Taking a large number ("take 30 xanax", "did like 12 bags"): about to, suicide; done, overdose.
_BIG = re.compile(
    r"\b(take|taking|swallow\w*|do|use|shoot|snort|took|taken|did|used|shot|snorted|had)"
    r"\s+(?:like\s+|about\s+|maybe\s+)?(?:\d{2,}|twenty|thirty|forty|fifty|hundred)\b"
    r"(?!\s*(?:mg|mgs|ml|mcg|milligram|microgram|grams?|g|minutes?|min|mins|hours?|days?))"
)
_ABOUT_TO = frozenset("take taking swallow do use shoot snort".split())
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DEATH = _pats(
    "die|dead|death|dying|kill|killed|killing|overdose|lethal|fatal|deadly|wake; "
    "stop|stops|end my|the|your heart|breathing",
    1,
)
_QUESTION_START = frozenset(
    "can could does do did is are was were will would should what whats why how when which "
    "who where if".split()
)
_GENERAL = frozenset(
    "rate rates statistics stats percent percentage common likely often number numbers study "
    "studies research among users people americans risk risks linked link chance chances "
    "signs sign symptoms symptom happens happen feel feels like mean means define definition "
    "cause causes history facts fact why awareness day movie film song lyrics book celebrity "
    "celebrities famous".split()
)
_URGENT = frozenset(
    "help please now hurry quick quickly emergency omg asap tonight currently scared "
    "panicking panic".split()
)
_PERSONAL = frozenset((_SOMEONE + "|" + _SELF).split("|")) - {"someone", "somebody", "person"}
#: Cue words a typo is corrected to (five letters or more, see :func:`_fix`).
CUE_WORDS = frozenset(
    "breathing breathe breath breathin overdose overdosing overdosed suicide suicidal "
    "unresponsive naloxone narcan gurgling turning purple myself wakeup waking respond "
    "responding anymore nobody forever benzos alcohol fentanyl lethal deadly inject "
    "injecting snorting smoking dosage heroin xanax".split()
)


def _literals(*groups: Sequence[tuple[Pattern, int]]) -> frozenset[str]:
    return frozenset(
        w for g in groups for p, _ in g for opts in p for w in opts if not w.endswith("*")
    )


#: Words a typo is never corrected away from: every literal word of a cue and a few common
#: words one edit from a cue word ("taking" is no typo of "waking", nor "snoring" of "snorting").
KNOWN = _literals(
    STRONG_OVERDOSE,
    FRAMED_OVERDOSE,
    FEELS_WRONG,
    STRONG_SUICIDE,
    FRAMED_SUICIDE,
    HOPELESS,
    AMOUNT,
    NOT_AMOUNT,
) | frozenset(
    "taking making baking talking walking snoring smoking working turning burning learning "
    "breaking heroic heroine heron".split()
)


@functools.lru_cache(maxsize=4096)
def _fix(word: str) -> str:
    """A word within one edit (two from eight letters) of a cue word, as that cue word."""
    if len(word) < 5 or word in CUE_WORDS or word in KNOWN:
        return word
    limit = 1 if len(word) < 8 else 2
    best = min(CUE_WORDS, key=lambda c: (edit_distance(word, c, limit), c))
    return best if edit_distance(word, best, limit) <= limit else word


SELF = frozenset(("i", "me", "my", "myself"))
#: The writer as the one acting ("my husband" names someone else; "i", "me" do not).
SUBJECT = frozenset(("i", "me", "myself"))
_OTHERS = frozenset(_SOMEONE.split("|"))
#: A plan made: with hopelessness, a suicide cue ("i am a burden and i am ready").
PLAN = _pats("plan|plans|ready|decided|date|sunday|weekend|means", 0)
#: A way to die at hand or planned: with hopelessness, a suicide cue.
MEANS = _pats(
    "have|got|bought|saved|holding plan|bottle|pills|rope|gun|means|stash|script|enough; "
    "bottle|handful|stash of pill*|percs|oxy*|xanax|morphine|methadone|fentanyl|heroin|dope",
    3,
)

#: The fallback: words of danger, each with its weight for overdose and for suicide. A personal
#: message (about the writer or someone named, not a general question) whose words weigh
#: FALLBACK_AT or more in total is a crisis even when no phrase above matched: people in danger
#: say it in ways no list of phrases holds. The weights and the bar were set on the dev split.
DANGER_WORDS: dict[str, tuple[float, float]] = {
    **dict.fromkeys(("breath*", "breathing"), (2.0, 0.0)),
    **dict.fromkeys(("wake*", "waking", "woke", "respond*"), (1.5, 0.5)),
    **dict.fromkeys(("blue", "grey", "gray", "purple", "pale"), (1.5, 0.0)),
    **dict.fromkeys(("unresponsive", "gurgl*", "limp", "collapsed"), (3.0, 0.0)),
    **dict.fromkeys(("overdos*",), (2.0, 1.0)),
    **dict.fromkeys(("narcan", "naloxone", "911", "ambulance"), (1.5, 0.0)),
    **dict.fromkeys(("passed", "snor*", "choking", "pupils", "seizure*"), (1.5, 0.0)),
    **dict.fromkeys(("too", "lot", "bunch", "whole", "everything"), (0.75, 0.75)),
    **dict.fromkeys(("scared", "help", "now", "hurry", "please", "wrong", "weird"), (0.75, 0.25)),
    **dict.fromkeys(("die", "dead", "death", "dying", "kill*"), (0.5, 2.0)),
    **dict.fromkeys(("suicid*", "hopeless", "goodbye", "purpose"), (0.0, 2.5)),
    **dict.fromkeys(("end", "ending", "over", "forever", "anymore", "point", "tonight"), (0, 1.0)),
    **dict.fromkeys(("nobody", "noone", "alone", "worthless", "burden", "plan*"), (0.0, 1.0)),
    **dict.fromkeys(("worth", "trapped", "unbearable", "pointless", "disappear"), (0.0, 1.0)),
    **dict.fromkeys(("life", "living", "exist", "gone", "done"), (0.0, 0.75)),
}
FALLBACK_AT = 2.5
#: The bar for suicide, lower: a false alarm costs a box, a miss can cost a life (one more false
#: alarm on the dev split, "will withdrawal kill me", which 988 does not hurt).
SUICIDE_FALLBACK_AT = 2.0


#: Signs of a body in trouble, each with its weight: a named person or the writer with signs
#: weighing STATE_AT or more, and a use, an urgent word or more signs up to COMBINED_AT, is an
#: overdose in whatever order and words the message puts them.
STATE_WORDS: dict[str, float] = {
    **dict.fromkeys(("pulse", "heartbeat", "unresponsive", "unconscious", "collapsed"), 2.5),
    **dict.fromkeys(("limp", "floppy", "slumped", "foam*", "gurgl*", "seizure*"), 2.0),
    **dict.fromkeys(("blue", "grey", "gray", "purple", "choking", "snor*", "convuls*"), 2.0),
    **dict.fromkeys(("cold", "clammy", "breathing", "breathe", "breath"), 1.5),
    **dict.fromkeys(("sweaty", "noises", "noise", "sounds", "dark", "pale", "sleepy"), 1.0),
    **dict.fromkeys(("barely", "out", "fell", "weird", "wrong", "throwing", "vomit*"), 1.0),
    **dict.fromkeys(("puking", "asleep", "nodding", "moving", "tight", "lips"), 1.0),
}
USE_WORDS = frozenset(
    "shot used using took did smoked snorted drank mixed high after fix hit bump".split()
)
STATE_AT = 2.5
COMBINED_AT = 3.0


def _state(ws: Sequence[str]) -> float:
    """The combined score of signs, a use and urgency (0 when the signs alone are too weak)."""
    seen = dict.fromkeys(ws)
    state = 0.0
    for w in seen:
        for cue, weight in STATE_WORDS.items():
            if w == cue or (cue.endswith("*") and w.startswith(cue[:-1])):
                state += weight
                break
    if state < STATE_AT:
        return 0.0
    use = bool(USE_WORDS.intersection(seen) or DOWNERS.intersection(seen))
    return state + use + bool(_URGENT.intersection(seen))


def _weigh(ws: Sequence[str]) -> tuple[float, float]:
    od = sd = 0.0
    for w in dict.fromkeys(ws):
        for cue, (a, b) in DANGER_WORDS.items():
            if _match_word(w, frozenset((cue,))):
                od, sd = od + a, sd + b
                break
    return od, sd


def first_person(message: str) -> bool:
    """Whether the message speaks of the writer ("i", "me", "my")."""
    return bool(SELF.intersection(words(message)))


def general(ws: Sequence[str]) -> bool:
    """Whether a message asks in general, about nobody in particular and nothing urgent."""
    if _PERSONAL.intersection(ws) or _URGENT.intersection(ws):
        return False
    return bool(ws) and (ws[0] in _QUESTION_START or bool(_GENERAL.intersection(ws)))


def detect(message: str) -> Crisis:
    """Which crisis a message may be about (see the module's notes); never raises."""
    if not isinstance(message, str) or not message.strip():
        return Crisis(None, False, False)
    ws = Words(words(message))
    framed_ok = not general(ws)
    # a dose or a lethal amount always counts; "how much" or a way of use, unless it asks
    # for harms or is no dose at all ("how many people")
    amount = _any(ws, AMOUNT_ALWAYS) or (_any(ws, AMOUNT[1:]) and not _any(ws, NOT_AMOUNT))
    mixed = len(DOWNERS.intersection(ws)) >= 2 and _any(ws, FEELS_WRONG)
    overdose = _any(ws, STRONG_OVERDOSE) or (
        framed_ok
        and (
            mixed
            or _any(ws, FRAMED_OVERDOSE)
            or (bool(_PERSONAL.intersection(ws)) and _state(ws) >= COMBINED_AT)
        )
    )
    self_ = bool(SELF.intersection(ws))
    # the writer acts: "i", "me", or "my" with nobody else named ("gonna take my whole script")
    subject = bool(SUBJECT.intersection(ws)) or (self_ and not _OTHERS.intersection(ws))
    means = _any(ws, MEANS)
    plan = _any(ws, PLAN)
    big = _BIG.search(" ".join(ws))
    if big is not None and big.group(1) not in _ABOUT_TO and framed_ok:
        overdose = True
    deadly = _any(ws, _DEATH)
    lot = _any(ws, _LOT_TAKEN)
    suicide = (
        _any(ws, STRONG_SUICIDE)
        or (framed_ok and _any(ws, FRAMED_SUICIDE))
        or (amount and deadly)  # "how much would it take to die", "a lethal dose"
        or (subject and _any(ws, HOPELESS) and (deadly or lot or overdose or means or plan))
        or (subject and means and deadly)  # "i feel like dying and i have pills"
        or (subject and big is not None and big.group(1) in _ABOUT_TO)
    )
    if not (suicide or overdose) and framed_ok and _PERSONAL.intersection(ws):
        od, sd = _weigh(ws)
        suicide = sd >= SUICIDE_FALLBACK_AT and sd >= od
        overdose = od >= FALLBACK_AT and not suicide
    wish = suicide and _any(ws, STRONG_SUICIDE) and bool(SUBJECT.intersection(ws))
    if (suicide or overdose) and not wish and not _URGENT.intersection(ws):
        calm = _any(ws, NOT_NOW) or bool(_YEAR.search(message))
        now = not general(ws) and (_any(ws, ACUTE) or _state(ws) >= COMBINED_AT)
        if calm and not now:
            suicide = overdose = False
    concern = SUICIDE if suicide else OVERDOSE if overdose else None
    return Crisis(concern, overdose, amount)
