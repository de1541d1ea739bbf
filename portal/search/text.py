"""One way of turning text into search tokens, for what is indexed and for what people type.

Chinese is written without spaces, and neither SQLite's FTS5 tokenizer nor PostgreSQL's
parser can find words inside it. So, before anything reaches the database:

* text is folded: NFKC (full-width letters, digits and punctuation become ASCII), case-folded,
  Latin accents dropped, traditional characters mapped to simplified ones (OpenCC ``t2s``);
* every run of CJK characters is written as its overlapping character **bigrams** followed by
  its last character (南宁市 → ``南宁 宁市 市``), so any part of two or more characters of a
  name or place is a phrase of adjacent tokens, and every single character starts a token;
* every other run of letters or digits is one token (``450100``, ``2026``); English words are
  stemmed with the Snowball English stemmer (``stations`` → ``station``).

The database only ever sees tokens of letters, digits or CJK characters separated by spaces,
which both SQLite's ``unicode61`` tokenizer and PostgreSQL's ``simple`` configuration keep
exactly as they are.

What people type is folded the same way. Each CJK run of three characters or more is cut into
words with jieba (``rjieba``: jieba-rs with its dictionary built in, loaded once per process,
nothing downloaded), because people do not type spaces either: 南宁流浪乞讨 means 南宁 + 流浪 +
乞讨, not that exact string. Every word becomes a phrase of bigrams (a single character: a
prefix), and a document must contain every phrase. Letters and digits joined by punctuation
(``450100-2026-0001``, ``6·19``) stay one phrase. See docs/search.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# People type a few words; anything longer is cut (and the page says so). Keeps the work per
# query small and bounded, whatever arrives in ?q=.
MAX_QUERY_LENGTH = 100
# At most this many phrases are matched; the rest of a (long) query is ignored.
MAX_QUERY_PHRASES = 12
# A run of letters or digits longer than this is cut (PostgreSQL refuses words over 2 kB).
MAX_WORD_LENGTH = 60
# Tokens kept per indexed column: PostgreSQL positions stop at 16,383, and beyond them phrase
# matching would differ between the databases.
MAX_COLUMN_TOKENS = 16_000

# Scripts written without spaces: CJK ideographs (with extensions and compatibility forms),
# 〇, kana and hangul.
_CJK = (
    "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>(?:(?![{_CJK}])[^\W_])+)")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Control and format characters (C0, C1, zero-width, bidi controls): never part of a search.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English words are stemmed (stations → station, notices → notic) the same way when
    indexed and when searched; other tokens are left alone."""
    if len(word) > 3 and word.isascii() and word.isalpha():
        return _stemmer().stemWord(word)
    return word


@lru_cache(maxsize=1)
def _jieba():
    import rjieba

    return rjieba


def load() -> None:
    """Load the converter and the dictionary now (once per process) rather than on the first
    search; ``PortalConfig.ready`` calls it."""
    _t2s()
    _stemmer()
    _jieba().cut("救助管理站")


def _fold_latin(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _simplify(run: str) -> str:
    converted = _t2s().convert(run)
    if len(converted) == len(run):
        return converted
    # Keep one character per character (highlighting maps positions back to the original).
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in run)


def fold(text: str) -> str:
    """The normalised form in which text is indexed and queried."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _CONTROL.sub(" ", text)
    if _CJK_CHAR.search(text):
        text = _RUN.sub(
            lambda m: _simplify(m.group("cjk")) if m.group("cjk") else _fold_latin(m.group()),
            text,
        )
    else:
        text = _fold_latin(text)
    return text


def _cjk_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _RUN.finditer(fold(text)):
        if match.group("cjk"):
            tokens.extend(_cjk_tokens(match.group("cjk")))
        else:
            tokens.append(stem(match.group()[:MAX_WORD_LENGTH]))
        if len(tokens) >= MAX_COLUMN_TOKENS:
            return tokens[:MAX_COLUMN_TOKENS]
    return tokens


def index_text(text: str) -> str:
    """What the database stores for ``text``: its tokens separated by spaces."""
    return " ".join(index_tokens(text))


# --- Queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """Tokens that must be adjacent in a document; ``prefix``: the last one may be longer
    (a single CJK character matches every token that starts with it)."""

    tokens: tuple[str, ...]
    prefix: bool = False
    # The folded text this phrase came from, for highlighting.
    text: str = ""
    # Phrases that, all together, also satisfy this one: the shorter dictionary words of a
    # longer word, so that 救助站 also finds 救助管理站 (救助 + 站).
    alternative: tuple[Phrase, ...] = ()


def clean_query(raw: str) -> tuple[str, bool]:
    """The query as it will be searched: control characters removed, spaces collapsed, at
    most MAX_QUERY_LENGTH characters. Returns it with whether it was cut."""
    text = _CONTROL.sub(" ", raw or "")
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def _cjk_phrases(run: str, split: bool) -> list[Phrase]:
    if not split or len(run) <= 2:
        pieces = [run]
    else:
        # Consecutive single characters stay together: an unknown name or place the dictionary
        # breaks into characters is still matched as written.
        pieces, single = [], ""
        for word in _jieba().cut(run, True):
            if len(word) == 1:
                single += word
                continue
            if single:
                pieces.append(single)
                single = ""
            pieces.append(word)
        if single:
            pieces.append(single)
    phrases = []
    for piece in pieces:
        if len(piece) == 1:
            phrases.append(Phrase((piece,), prefix=True, text=piece))
        else:
            alternative = _alternative(piece) if split else ()
            phrases.append(
                Phrase(tuple(_cjk_tokens(piece)[:-1]), text=piece, alternative=alternative)
            )
    return phrases


def _alternative(word: str) -> tuple[Phrase, ...]:
    """For a word of three characters or more, its shorter dictionary words (jieba's search
    mode) and the characters between them, left to right: 救助站 → 救助 + 站."""
    if len(word) < 3:
        return ()
    shorter = sorted(
        {w for w in _jieba().cut_for_search(word, True) if 2 <= len(w) < len(word)},
        key=len,
        reverse=True,
    )
    if not shorter:
        return ()
    pieces, position = [], 0
    while position < len(word):
        found = next((w for w in shorter if word.startswith(w, position)), word[position])
        if len(found) == 1 and pieces and len(pieces[-1]) == 1:
            pieces[-1] += found
        else:
            pieces.append(found)
        position += len(found)
    if len(pieces) < 2:
        return ()
    return tuple(
        Phrase((p,), prefix=True, text=p)
        if len(p) == 1
        else Phrase(tuple(_cjk_tokens(p)[:-1]), text=p)
        for p in pieces
    )


def query_phrases(text: str, *, split: bool = True) -> list[Phrase]:
    """The phrases a document must all contain to match ``text``.

    ``split=False`` (a quoted phrase) keeps every CJK run whole instead of cutting it into
    words. Duplicates are dropped and at most MAX_QUERY_PHRASES are returned.
    """
    phrases: list[Phrase] = []
    for chunk in fold(text[: MAX_QUERY_LENGTH * 2]).split():
        # Letters and digits separated only by punctuation form one phrase (450100-2026-0001);
        # a CJK run ends such a phrase.
        words: list[str] = []
        start = end = 0
        for match in _RUN.finditer(chunk):
            if match.group("cjk"):
                if words:
                    phrases.append(Phrase(tuple(words), text=chunk[start:end]))
                    words = []
                phrases.extend(_cjk_phrases(match.group("cjk"), split))
                continue
            if not words:
                start = match.start()
            words.append(stem(match.group()[:MAX_WORD_LENGTH]))
            end = match.end()
        if words:
            phrases.append(Phrase(tuple(words), text=chunk[start:end]))
    unique: list[Phrase] = []
    for phrase in phrases:
        if phrase not in unique:
            unique.append(phrase)
    return unique[:MAX_QUERY_PHRASES]


def highlight_terms(text: str) -> list[str]:
    """The folded strings to mark in a snippet for the query ``text``, longest first."""
    terms = set()
    for phrase in query_phrases(text):
        terms.add(phrase.text)
        terms.update(part.text for part in phrase.alternative)
    return sorted(filter(None, terms), key=len, reverse=True)
