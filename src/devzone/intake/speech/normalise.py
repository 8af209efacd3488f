"""Text normalisation for pasted speeches: script, conversion debris, punctuation width, web boilerplate.

Every step works line by line and is exposed on its own so it can be tested on its own; ``normalise``
chains them. The output keeps one paragraph per line; sentence offsets computed later refer to it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK characters and the Chinese punctuation that sits between them.
CJK = HAN + r"\u3000-\u303f\uff00-\uffef“”‘’「」『』《》…—·"

# --- script ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    try:
        return opencc.OpenCC("t2s")
    except Exception:  # older bindings want the file name
        return opencc.OpenCC("t2s.json")


def traditional_share(line: str) -> tuple[int, int]:
    """(Han characters that OpenCC would change, Han characters) in a line."""
    han = re.findall(f"[{HAN}]", line)
    if not han:
        return 0, 0
    converted = _t2s().convert(line)
    if len(converted) != len(line):
        changed = sum(1 for ch in han if _t2s().convert(ch) != ch)
    else:
        changed = sum(1 for a, b in zip(line, converted, strict=True) if a != b)
    return changed, len(han)


def is_traditional(line: str, *, document_traditional: bool = False) -> bool:
    """Whether a line is written in Traditional characters.

    In a document that is Traditional as a whole, any character that OpenCC's t2s changes makes the line
    Traditional (a short heading like (一)招商引資方面 has only one). Otherwise a line needs at least two
    changed characters making up 5% of it: Traditional prose changes a fifth or more of its characters,
    while a Simplified line may hold a few that t2s would rewrite although they are legitimate,
    mostly in names (洪昇 would become 洪升).
    """
    changed, total = traditional_share(line)
    if document_traditional:
        return changed >= 1
    return (changed >= 2 and changed >= total * 0.05) or (changed == 1 and total <= 4)


def to_simplified(line: str, *, document_traditional: bool = False) -> str:
    """The line in Simplified characters when it is Traditional (see is_traditional), else unchanged."""
    return _t2s().convert(line) if is_traditional(line, document_traditional=document_traditional) else line


def document_is_traditional(text: str) -> bool:
    """At least 5% of the Han characters of the whole text change under t2s."""
    changed, total = traditional_share(text)
    return total > 0 and changed >= max(2, total * 0.05)


# --- conversion debris -------------------------------------------------------------------------------------

_TONE_MARKS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ",
    "aaaaeeeeiiiioooouuuuvvvvvnnnm",
)
_PINYIN_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|"
    r"ua|uo|ui|un|ve|vn|ue|a|o|e|i|u|v|n|m|ng)[1-5]?"
)
_PAREN_AFTER_HAN = re.compile(f"(?P<han>[{HAN}]+)[((](?P<inner>[^()()\n]{{1,40}})[))]")


def is_pinyin(text: str) -> bool:
    """True when `text` is one or more lower-case pinyin syllables (tone marks or digits allowed)."""
    if not text or text != text.lower():
        return False
    plain = text.translate(_TONE_MARKS)
    syllables = [s for s in re.split(r"[\s'’\-]+", plain) if s]
    return bool(syllables) and all(_PINYIN_SYLLABLE.fullmatch(s) for s in syllables)


def _is_debris(han_run: str, inner: str) -> bool:
    inner = inner.strip()
    if is_pinyin(inner):
        syllables = len([s for s in re.split(r"[\s'’\-]+", inner) if s])
        return syllables <= len(han_run)
    if re.fullmatch(f"[{HAN}]+", inner) and len(inner) <= len(han_run):
        tail = han_run[-len(inner) :]
        return _t2s().convert(tail) == _t2s().convert(inner)
    return False


def repair_debris(line: str) -> str:
    """Drop what a broken converter left behind: a parenthesised reading or simplified form of the
    character(s) just before it — 開發(fā)區(qū) → 開發區, 發(发)展 → 發展. Real parentheses stay:
    各县(市、区), 中兴(商丘), 合作(PPP), 各县(区)."""

    def fix(match: re.Match[str]) -> str:
        if _is_debris(match["han"], match["inner"]):
            return match["han"]
        return match[0]

    previous = None
    while previous != line:  # adjacent debris overlaps a match boundary; repeat until stable
        previous = line
        line = _PAREN_AFTER_HAN.sub(fix, line)
    # A character missing from the target code page comes out as "?": 三·五 → 三?五.
    line = re.sub(r"(?<=[一二三四五六七八九十〇零\d])[??](?=[一二三四五六七八九十〇零\d])", "·", line)
    return line


# --- width and punctuation -----------------------------------------------------------------------------
#
# One canonical form for punctuation, so that every rule matches one form: the full-width variants of
# ASCII characters (U+FF01-FF5E: ，；：？！（）％＊０-９Ａ-Ｚ …) become ASCII, as in most web copy of
# speeches; Chinese-only punctuation (。、“”‘’《》【】「」…—·) has no half-width form and stays.


def unify_width(line: str) -> str:
    """Full-width ASCII variants become ASCII (，；：（）１２ＡＢ → ,;:()12AB); the ideographic space and
    no-break space become a space; 。、“”《》 and other Chinese punctuation stay as they are."""
    out = []
    for ch in line:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif ch in "\u3000\xa0":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _pair_straight_quotes(text: str) -> str:
    """Straight double quotes around Chinese text become “…” (left alone when unbalanced)."""
    if '"' not in text or not re.search(f"[{HAN}]", text):
        return text
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return text
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append("\u201c" if i % 2 == 0 else "\u201d")
        out.append(part)
    return "".join(out)


def normalise_punctuation(line: str) -> str:
    """Width (see unify_width), straight quotes paired into “…”, and 。 for a full stop written as a
    half-width or full-width period between Chinese characters (开工.下一步 → 开工。下一步)."""
    line = _pair_straight_quotes(unify_width(line))
    return re.sub(f"(?<=[{HAN}])\\.(?=[{HAN}]|$)", "\u3002", line)


# --- boilerplate ---------------------------------------------------------------------------------------------

_LABELS = (
    "来源|来自|出处|文章来源|信息来源|稿件来源|新闻来源|作者|编辑|责任编辑|责编|编审|审核|审校|校对|初审|终审|摄影|"
    "摄像|记者|通讯员|供稿|发布时间|发布日期|发布者|发布人|发布机构|发布单位|发稿时间|更新时间|时间|日期|浏览次数|"
    "浏览量|阅读量|阅读次数|阅读|点击数|点击量|点击率|访问量|字号|字体|分享到|分享|扫一扫|扫描二维码|关键词|关键字|"
    "标签|所属栏目|栏目|当前位置|您的位置|您当前的位置|当前所在位置|上一篇|下一篇|上一条|下一条|相关阅读|相关文章|"
    "相关链接|相关新闻|推荐阅读|热门文章|版权所有|版权声明|主办单位|承办单位|技术支持|网站标识码|备案号|联系电话|"
    "联系我们|免责声明|索引号|文号|附件下载"
)
_LABEL_LINE = re.compile(rf"^[【\[]?(?:{_LABELS})[】\]]?\s*[::]")
_UI_TOKENS = (
    "打印本页|打印此页|打印|关闭本页|关闭窗口|关闭|收藏本页|加入收藏|收藏|设为首页|返回顶部|回到顶部|返回首页|返回|"
    "展开阅读全文|展开全文|阅读全文|点击展开全文|查看全文|全文阅读|资源描述|文档介绍|下载文档|分享到|分享|"
    "微信|微博|新浪微博|腾讯微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|复制链接|字号|大|中|小|默认|繁体|简体|"
    "上一篇|下一篇|点赞|评论|举报|TOP|top"
)
_UI_LINE = re.compile(rf"^(?:[\s【】\[\]()()|/·•>::,,]*(?:{_UI_TOKENS}))+[\s【】\[\]()()|/·•>::,,]*$")
_CN_DIGITS = "〇零一二三四五六七八九十"
_DATE = (
    rf"(?:\d{{4}}|[{_CN_DIGITS}]{{4}})\s*[年\-/.]\s*(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*[月\-/.]\s*"
    rf"(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*日?"
)
_DATE_LINE = re.compile(
    rf"^[((\[【]?\s*{_DATE}\s*(?:(?:星期|周)[一二三四五六日天])?\s*"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*[))\]】]?$"
)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_PAGE_LINE = re.compile(r"^(?:第\s*\d+\s*页.*|[-—\s]*\d+[-—\s]*|\d+\s*/\s*\d+|共\s*\d+\s*页.*)$")
_BREADCRUMB = re.compile(r"^[^。,;!?]{0,60}(?:>|»|›|>)[^。,;!?]{0,60}(?:>|»|›|>)[^。,;!?]*$")


def is_boilerplate(line: str) -> bool:
    """A line that is web-page furniture rather than speech: source and editor lines, print/close/share
    links, dates or URLs on their own, page numbers, breadcrumbs."""
    text = line.strip()
    if not text:
        return False
    return bool(
        _LABEL_LINE.match(text)
        or _UI_LINE.match(text)
        or _DATE_LINE.match(text)
        or _URL_LINE.match(text)
        or _PAGE_LINE.match(text)
        or _BREADCRUMB.match(text)
    )


# --- lines -----------------------------------------------------------------------------------------------------

_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])[ \t]+(?=[{CJK}])")
_ENUMERATION_START = re.compile(
    rf"^(?:第[{_CN_DIGITS}\d]+[篇章节条部分句点]?|[{_CN_DIGITS}]+[、是要]|[((][{_CN_DIGITS}\d]+[))]|\d+[、.]|"
    r"【|同志们|[一二三四五六七八九十]+、)"
)
_NON_TERMINAL_END = re.compile(r"[,、;:—“(《]$")
_TERMINAL_END = re.compile(r"[。!?…”’」』)】\]]$")


def split_cjk_spaces(line: str) -> list[str]:
    """A run of spaces between two Chinese characters is a lost line break (a heading glued to its
    paragraph, or share links in a row); Chinese prose does not put spaces inside a sentence."""
    return [part.strip() for part in _SPACE_BETWEEN_CJK.split(line)]


def _continues(previous: str, line: str) -> bool:
    """Whether `line` continues the sentence `previous` broke off (a hard wrap in copied text)."""
    tail = re.split(r"[。!?;]", previous)[-1]
    if (previous.endswith(":") and len(previous) < 10) or (
        tail != previous and _ENUMERATION_START.match(tail) and len(tail) <= 25
    ):
        return False  # a salutation (同志们:) or a heading left at the end of a paragraph
    if _NON_TERMINAL_END.search(previous):
        return not _ENUMERATION_START.match(line)
    if _TERMINAL_END.search(previous) or _ENUMERATION_START.match(line):
        return False
    # a heading or title line does not continue into the next one
    return not (_ENUMERATION_START.match(previous) or len(previous) < 40)


def join_wrapped_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and _continues(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
    return out


def normalise_line(line: str, *, document_traditional: bool = False) -> str:
    """Script, debris, width and punctuation for one line (no boilerplate or joining)."""
    line = "".join(ch for ch in line if ch not in "\ufeff\u200b\u200c\u200d\u2060")
    line = normalise_punctuation(line)
    line = to_simplified(line, document_traditional=document_traditional)
    return repair_debris(line).strip()


def normalise(text: str) -> str:
    """Normalise a pasted speech: Simplified script, repaired conversion debris, one width for punctuation
    (ASCII , ; : ? ! ( ) and Chinese 。、“”), web boilerplate dropped, hard-wrapped lines joined.
    One paragraph per output line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    traditional = document_is_traditional(text)
    lines: list[str] = []
    for raw in text.split("\n"):
        if is_boilerplate(raw):
            continue
        for part in split_cjk_spaces(normalise_line(raw, document_traditional=traditional)):
            if part and not is_boilerplate(part):
                lines.append(re.sub(r"[ \t]{2,}", " ", part))
    return "\n".join(join_wrapped_lines(lines))
