"""Owners: the units, places, posts and people a sentence makes responsible.

Owners are read from the slots a directive sentence gives them — the subject before 要/必须/务必,
"由X负责/牵头", "请X…", "希望X…", "列为X的重点工作" — and a slot is split into its conjuncts
(市工信局、市工商联; 国税、地税和财政部门). A conjunct counts only when it ends with the head of a unit,
place or post name (局, 委, 办, 部门, 县(市、区), 乡镇, 领导, 同志 …), so a slot holding a clause yields
nothing rather than junk. "这两个市、县" is resolved to the places named just before.
"""

from __future__ import annotations

import re

from devzone.intake.speech.deadlines import find_time_expressions
from devzone.intake.speech.lexicon import (
    ANAPHORA,
    GENERIC_OWNER,
    HELPERS,
    LIST_AS_DUTY,
    NAMED_PLACE,
    NOT_OWNERS,
    NOT_UNIT_ENDINGS,
    OWNER_HEAD,
    OWNER_OPENERS,
    OWNER_TRAILERS,
    RESPONSIBLE,
    SCOPED_GROUP,
    VERBISH,
)
from devzone.intake.speech.numbers import MASK
from devzone.intake.speech.segment import protected_mask

_CONJUNCTIONS = ("以及", "、", "和", "及", "与")
_PERSON = re.compile(rf"^(?:{MASK}|[\u4e00-\u9fff]{{2,3}}|[\u4e00-\u9fff]某{{1,2}})(?:同志)?$")


def split_conjuncts(text: str) -> list[str]:
    """Split a coordinated noun phrase at 、 和 及 与 (not inside parentheses or quotes)."""
    mask = protected_mask(text)
    parts: list[str] = []
    start = i = 0
    while i < len(text):
        word = next((c for c in _CONJUNCTIONS if text.startswith(c, i)), None)
        if word and not mask[i]:
            parts.append(text[start:i])
            start = i = i + len(word)
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def clean_slot(slot: str) -> str:
    """A slot without discourse openers, trailing adverbs and time expressions."""
    slot = slot.strip(" ,\uff0c:")
    for expression in reversed(find_time_expressions(slot)):
        slot = slot[: expression.start] + slot[expression.end :]
    previous = None
    while previous != slot:
        previous = slot
        slot = OWNER_OPENERS.sub("", slot)
        slot = OWNER_TRAILERS.sub("", slot).strip(" ,\uff0c")
        slot = re.sub(r"^(?:在|于)[^,,]{0,20}(?:期间|时|中|上|方面|里)", "", slot)
    return re.sub(r"^我们(?=各|有关|相关|的)", "", slot).removeprefix("的")


def _from_scope_word(phrase: str) -> str:
    """观摩活动每个县(市、区) → 每个县(市、区): a scope word starts the owner phrase."""
    match = re.search(r"每个|每一个|所有|其它|其他|市直|县直|省直|各", phrase)
    if not match or match.start() == 0:
        return phrase
    before = phrase[: match.start()]
    if re.fullmatch(r"[市县区省]直|全?[市县区省]|我们", before) or OWNER_HEAD.search(before):
        return phrase.removeprefix("我们")
    return phrase[match.start() :]


def is_owner_phrase(phrase: str) -> bool:
    """A single owner: ends with a unit/place/post head, short, and not a clause or a pronoun."""
    if not phrase or phrase in NOT_OWNERS or len(phrase) > 18 or GENERIC_OWNER.search(phrase):
        return False
    if re.search(r"[,。;:!?]", phrase):
        return False
    if _PERSON.match(phrase) and phrase.endswith("同志"):
        return True
    if not OWNER_HEAD.search(phrase) or NOT_UNIT_ENDINGS.search(phrase):
        return False
    head_part = phrase.rsplit("的", 1)[-1]  # 联系重点项目的市级领导: a relative clause before 的 is fine
    unquoted = re.sub("“[^”]*”|\\([^)]*\\)|\uff08[^\uff09]*\uff09", "", head_part)
    unquoted = re.sub(r"有关|所有|负责|一把手|把关", "", unquoted)  # words inside owner names, not verbs
    return not VERBISH.search(unquoted) and bool(OWNER_HEAD.search(head_part))


def owners_in_slot(slot: str, *, person_slot: bool = False) -> list[str]:
    """The owners a slot names, or [] when it does not name owners."""
    slot = clean_slot(slot)
    if not slot:
        return []
    conjuncts = split_conjuncts(slot)
    conjuncts[0] = _from_scope_word(conjuncts[0])
    last = conjuncts[-1]
    if person_slot and not is_owner_phrase(last) and _PERSON.match(last):
        return [c for c in conjuncts if _PERSON.match(c)]
    if not is_owner_phrase(last):
        scoped = SCOPED_GROUP.search(slot)
        return [scoped[0]] if scoped and is_owner_phrase(scoped[0]) else []
    owners = []
    for conjunct in conjuncts[:-1]:
        if is_owner_phrase(conjunct):
            owners.append(conjunct)
        elif last.endswith("同志") and _PERSON.match(conjunct):
            owners.append(conjunct + "同志")  # 由**、**同志牵头: both are 同志
        elif len(conjunct) <= 4 and not VERBISH.search(conjunct):
            owners.append(conjunct)  # 国税、地税和财政部门: the head is shared
        else:
            return []  # 市发改委牵头,会同市财政局、…: the slot is a clause, not a list of owners
    owners.append(last)
    return [o for o in owners if o not in NOT_OWNERS]


def all_owners(phrase: str) -> list[str]:
    """The owners of `phrase` only when the whole phrase is a list of owners (for a bare subject clause)."""
    phrase = clean_slot(phrase)
    conjuncts = split_conjuncts(phrase) if phrase else []
    if conjuncts and all(is_owner_phrase(c) for c in conjuncts):
        return [c for c in conjuncts if c not in NOT_OWNERS]
    return []


_SUBJECT_END = re.compile(r"在|要|都|也|还|把|对|向|已|正|将|必须|一定|务必|要求|负责|牵头|拟|是|的")
_POSSESSIVE = re.compile(r"(?:(?<=^)|(?<=[,,、:比如是]))(?P<who>[\u4e00-\u9fff]{1,4}(?:区|县|市|乡|镇))的")


def sentence_subject(text: str) -> list[str]:
    """Owners in subject position at the start of a sentence (各县(市、区)在…都下了功夫,要…), carried
    over to later clauses that have no subject of their own."""
    text = re.sub(r"^(?:另外|同时|此外|其中|特别是|尤其是|对此|因此|所以|当前|目前)[,]?", "", text)
    first = re.split(r"[,;:]", text, maxsplit=1)[0]
    for match in _SUBJECT_END.finditer(first):
        if match.start() == 0:
            continue
        found = all_owners(first[: match.start()])
        if found:
            return found
        break
    return []


def possessive_owners(text: str) -> list[str]:
    """示范区的新能源商用车、…,睢阳区的中联玻璃…: in a list of projects the place owns its project. Only
    read when the sentence lists two or more."""
    names = [m["who"] for m in _POSSESSIVE.finditer(text)]
    places = [n for n in names if is_owner_phrase(n) and n not in ("我市", "我县", "我区", "全市", "全县")]
    return list(dict.fromkeys(places)) if len(places) >= 2 else []


def possessor(slot: str) -> list[str]:
    """三区的安置房建设务必…: a subject "<place>的<thing>" makes the place the owner."""
    slot = clean_slot(slot)
    match = re.match(r"(?P<who>[^的,]{2,8})的", slot)
    if match and is_owner_phrase(match["who"]) and re.search(r"(?:区|县|市|乡|镇|街道)$", match["who"]):
        return [match["who"]]
    return []


def resolve_anaphora(slot: str, context: str) -> list[str] | None:
    """ "这两个市、县" → the places named in `context` (the text before), or None when not anaphoric."""
    if not ANAPHORA.match(clean_slot(slot)):
        return None
    return list(dict.fromkeys(m["name"] for m in NAMED_PLACE.finditer(context)))


def helpers(sentence: str) -> list[str]:
    """Units that work with the lead (会同X, X配合): they share the task, after the lead."""
    owners: list[str] = []
    for match in HELPERS.finditer(sentence):
        owners.extend(owners_in_slot(match["with"] or match["help"]))
    return owners


def responsible_parties(sentence: str) -> list[str]:
    """Owners named by 由X负责/牵头 and 列为X的重点工作."""
    owners: list[str] = []
    for match in RESPONSIBLE.finditer(sentence):
        who = match["who"] + ("同志" if match[0][len("由") + len(match["who"]) :].startswith("同志") else "")
        owners.extend(owners_in_slot(who, person_slot=True))
    for match in LIST_AS_DUTY.finditer(sentence):
        owners.extend(owners_in_slot(match["who"]))
    return owners


def addressees(sentence: str) -> list[str]:
    """Owners addressed by 请X… / 希望X… (the longest owner phrase right after the verb)."""
    owners: list[str] = []
    for match in re.finditer(
        r"(?:^|(?<=[,。;:]))(?:这里,?)?(?:请|恳请|希望|(?:会议)?(?:要求|责成|督促)[,:]?)", sentence
    ):
        rest = re.split(r"[,。;:]", sentence[match.end() : match.end() + 24])[0]
        resolved = resolve_anaphora(rest[:8], sentence[: match.start()])
        if resolved:
            owners.extend(resolved)
            continue
        for end in range(len(rest), 1, -1):
            found = owners_in_slot(rest[:end])
            if found and clean_slot(rest[:end]) == rest[:end].strip():
                owners.extend(found)
                break
    return owners


def dedupe(owners: list[str], keep: int = 0) -> list[str]:
    """Drop repeats, keeping order. The first `keep` owners come from one 由…负责 slot, where a repeated
    placeholder (由**、**同志牵头) means two people, so they are kept as they are."""
    out = list(owners[:keep])
    for owner in owners[keep:]:
        if owner not in out:
            out.append(owner)
    return out
