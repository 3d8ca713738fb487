"""Pure text helpers shared by grounding and the output filter.

Sentences end at . ! ? and their CJK, Arabic and Devanagari forms; a
citation written after the full stop ("… a week. [1]") stays with the
sentence before it. Numbers are compared in ASCII digits whatever digits
the text used (Arabic-Indic, Devanagari, full-width).
"""

from __future__ import annotations

import re
import unicodedata

_SENTENCE = re.compile(
    r"(?:[^.!?。！？؟।\n]|(?<=\d)\.(?=\d))*"  # a decimal point ends no sentence
    r"(?:[.!?。！？؟।]+|\n|$)(?:\s*\[\d+(?:\s*,\s*\d+)*\])*", re.UNICODE)
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Python's \w leaves out combining marks, which would cut Hindi words at every
# vowel sign ("मलेरिया" -> "मल", "र", "य"); the marks of our scripts are added.
WORD = re.compile("[\\w\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670"
                  "\u06d6-\u06ed\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962-\u0963]+")


def split_sentences(text: str) -> list[str]:
    """Sentences with their trailing citations, stripped, empty ones dropped.

    Example:
        >>> split_sentences("Walk daily. [1] Eat less salt [2]. 少吃盐。")
        ['Walk daily. [1]', 'Eat less salt [2].', '少吃盐。']
        >>> split_sentences("About 2.6 million died. Sad.")
        ['About 2.6 million died.', 'Sad.']
    """
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" \n-*")]


def unbold(text: str) -> str:
    """The text without Markdown's bold markers, which a sentence quoted from a
    list item would otherwise carry half of.

    Example:
        >>> unbold("- **Type 1 diabetes**: the body makes too little insulin.")
        '- Type 1 diabetes: the body makes too little insulin.'
    """
    return text.replace("**", "")


def citations(sentence: str) -> list[int]:
    """Passage numbers cited in a sentence, in order, without repeats.

    Example:
        >>> citations("Adults need 150 minutes [1, 2][2].")
        [1, 2]
    """
    found = [int(n) for group in _CITATION.findall(sentence) for n in group.split(",")]
    return list(dict.fromkeys(found))


def strip_citations(sentence: str) -> str:
    """The sentence without its [n] markers."""
    return " ".join(_CITATION.sub(" ", sentence).split())


def renumber_citations(sentence: str, mapping: dict[int, int]) -> str:
    """Rewrite [n] markers through `mapping`; markers not in it are removed."""
    def swap(match: re.Match[str]) -> str:
        kept = [str(mapping[int(n)]) for n in match.group(1).split(",") if int(n) in mapping]
        return f"[{', '.join(dict.fromkeys(kept))}]" if kept else ""
    return _CITATION.sub(swap, sentence).replace(" .", ".")


def ascii_digits(text: str) -> str:
    """Map every Unicode decimal digit to its ASCII form.

    Example:
        >>> ascii_digits("١٥٠ और १५०")
        '150 और 150'
    """
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def numbers(text: str) -> list[str]:
    """Figures in the text (citations excluded), digits in ASCII, thousands marks kept.

    Example:
        >>> numbers("150–300 minutes, 7,5 % [2]")
        ['150', '300', '7,5']
    """
    return _NUMBER.findall(ascii_digits(strip_citations(text)))


def number_in(number: str, text: str) -> bool:
    """True if `number` stands in `text` as a whole figure (not inside a longer one)."""
    plain = ascii_digits(text)
    return any(re.search(rf"(?<![\d.,]){re.escape(v)}(?![\d]|[.,]\d)", plain)
               for v in figure_forms(number))


def figure_forms(number: str) -> set[str]:
    """The ways one figure is written: either decimal mark, thousands marks dropped
    or spaced.

    Example:
        >>> sorted(figure_forms("1,5"))
        ['1 5', '1,5', '1.5', '15']
    """
    return {number, number.replace(",", "."), number.replace(".", ","),
            number.replace(",", ""), number.replace(",", " ")}


def content_tokens(text: str) -> set[str]:
    """Lowercase words, or character bigrams for text without spaces (Chinese).

    Example:
        >>> sorted(content_tokens("少吃盐"))
        ['吃盐', '少吃']
        >>> sorted(content_tokens("मलेरिया कैसे फैलता है"))
        ['कैसे', 'फैलता', 'मलेरिया']
    """
    tokens: set[str] = set()
    for word in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if any("\u3400" <= ch <= "\u9fff" for ch in word):
            tokens.update(word[i:i + 2] for i in range(max(1, len(word) - 1)))
        elif len(word) > 2 and not word.isdigit():
            tokens.add(word)
    return tokens


# Units written after a figure, in our languages, by the unit they name. A figure
# must keep its unit: "10 g" in an answer is not the passage's "10 %".
UNIT_FORMS: dict[str, tuple[str, ...]] = {
    "%": ("%", "٪", "percent", "per cent", "pour cent", "por ciento", "por cento", "процент",
          "प्रतिशत", "في المئة", "بالمئة", "بالمائة"),
    "mg": ("mg", "milligram", "milligramme", "miligramo", "miligrama", "мг", "миллиграмм",
           "मिलीग्राम", "ملغ", "مغ", "ملليغرام", "مليغرام", "毫克"),
    "g": ("g", "gram", "gramme", "gramo", "grama", "г", "грамм", "ग्राम", "غرام", "جرام", "غ",
          "克", "公克"),
    "kg": ("kg", "kilogram", "kilogramme", "kilogramo", "quilo", "кг", "килограмм", "किलो",
           "كغ", "كيلوغرام", "كيلو", "公斤", "千克"),
    "ml": ("ml", "millilitre", "milliliter", "mililitro", "мл", "миллилитр", "मिलीलीटर", "मिली",
           "مل", "ملليلتر", "毫升"),
    "minute": ("minute", "min", "minuto", "минут", "मिनट", "دقيقة", "دقائق", "分钟"),
    "hour": ("hour", "heure", "hora", "час", "घंटे", "घंटा", "ساعة", "ساعات", "小时"),
    "day": ("day", "jour", "día", "dia", "дней", "дня", "день", "दिन", "يوم", "أيام", "天"),
    "week": ("week", "semaine", "semana", "недел", "सप्ताह", "हफ़्ते", "हफ्ते", "أسبوع", "أسابيع",
             "周", "星期"),
    "month": ("month", "mois", "mes", "meses", "mês", "месяц", "महीने", "महीना", "شهر", "أشهر",
              "个月"),
    "year": ("year", "ans", "an", "année", "año", "ano", "год", "лет", "साल", "वर्ष", "سنة",
             "سنوات", "عام", "岁", "年"),
    "teaspoon": ("teaspoon", "cuillère", "cucharadita", "colher", "чайн", "चम्मच", "ملعقة",
                 "ملاعق", "茶匙", "勺"),
    "kcal": ("kcal", "calorie", "caloría", "caloria", "ккал", "калори", "कैलोरी", "سعرة", "千卡"),
    "million": ("million", "millón", "millones", "milhão", "milhões", "миллион", "млн",
                "मिलियन", "مليون", "ملايين", "百万"),
    "billion": ("billion", "milliard", "mil millones", "bilhão", "bilhões", "миллиард", "млрд",
                "बिलियन", "مليار", "亿"),
}
_UNIT_INDEX = sorted(((form.casefold(), unit) for unit, forms in UNIT_FORMS.items()
                      for form in forms), key=lambda fu: -len(fu[0]))
# After a figure: a range ("150–300", "150 to 300") before the unit is skipped.
_RANGE = re.compile(r"\s*(?:[–\-~至到]|to|à|a|até|до|से|إلى|و)\s*\d+(?:[.,]\d+)*",
                    re.UNICODE)
_FIGURE = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*")


def unit_after(text: str) -> str | None:
    """The unit a figure's following text starts with, or None.

    Example:
        >>> unit_after(" grams of salt"), unit_after("–300 minutes"), unit_after(" adults")
        ('g', 'minute', None)
        >>> unit_after("克盐"), unit_after(" %")
        ('g', '%')
    """
    rest = _RANGE.match(text)
    rest_text = (text[rest.end():] if rest else text).lstrip().casefold()
    for form, unit in _UNIT_INDEX:
        if rest_text.startswith(form):
            after = rest_text[len(form):len(form) + 1]
            # Latin, Cyrillic and Arabic forms are word starts ("g" is not "gut");
            # plural and case endings may follow the longer forms.
            if len(form) <= 2 and form.isalpha() and after.isalpha() \
                    and not "\u4e00" <= form[0] <= "\u9fff":
                continue
            return unit
    return None


def figures_with_units(text: str) -> list[tuple[str, str | None]]:
    """Each figure with the unit written after it (None when there is none).

    Example:
        >>> figures_with_units("Under 5 g of salt and 10 % of energy [1].")
        [('5', 'g'), ('10', '%')]
    """
    plain = ascii_digits(strip_citations(text))
    return [(m.group(), unit_after(plain[m.end():m.end() + 40])) for m in _FIGURE.finditer(plain)]


def unit_mismatch(sentence: str, passage: str) -> str | None:
    """The first "figure unit" of the sentence that the passage never writes with
    that unit (None when every unit the sentence gives is backed).

    Example:
        >>> unit_mismatch("Keep sugars under 10 g a day [1].", "Under 10 % of energy.")
        '10 g'
        >>> unit_mismatch("Adults: 150 minutes [1].", "150–300 minutes a week.") is None
        True
    """
    backed = figures_with_units(passage)
    for figure, unit in figures_with_units(sentence):
        if unit is None:
            continue
        forms = figure_forms(figure) | {figure.replace(".", "")}
        if not any(other in forms and other_unit == unit for other, other_unit in backed):
            return f"{figure} {unit}"
    return None


# Words that negate a clause, by language (whole words; Chinese by character, minus
# the common words that only contain one). Used to catch an answer sentence that
# says the opposite of the passage sentence it is nearest to. Portuguese "no" is
# "in the", so it is not here.
NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "no", "never", "none", "nor", "cannot"}),
    "fr": frozenset({"ne", "pas", "jamais", "aucun", "aucune", "ni"}),
    "es": frozenset({"no", "nunca", "ningún", "ninguno", "ninguna", "ni", "tampoco", "jamás"}),
    "pt": frozenset({"não", "nunca", "nenhum", "nenhuma", "nem", "jamais"}),
    "ru": frozenset({"не", "нет", "никогда", "ни", "ничего", "нельзя"}),
    "ar": frozenset({"لا", "ليس", "ليست", "لم", "لن", "غير", "ولا", "ولم", "ولن", "وليس",
                     "وليست"}),
    "hi": frozenset({"नहीं", "न", "मत", "ना"}),
    "zh": frozenset(),
}
# Phrases built on a negation that do not deny anything: "not less than" (at least),
# Russian "пока ... не" (until).
_NOT_DENIALS: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\b(?:no|not) (?:more|less|later|earlier|fewer) than\b"),
    "es": re.compile(r"\bno (?:más|menos) de\b"),
    "pt": re.compile(r"\bnão (?:mais|menos) (?:de|do que)\b"),
    "fr": re.compile(r"\bpas (?:plus|moins) de\b"),
    "ru": re.compile(r"\bне (?:менее|более|меньше|больше|реже|позднее|раньше)\b"
                     r"|\bпока\s+(?:\w+\s+){0,2}не\b"),
}
_ZH_NEGATIONS = ("不", "没", "无", "未", "别", "勿", "非")
_ZH_NOT_NEGATIONS = ("非常", "不同", "不少", "不断", "不仅", "不但", "无论", "不管", "未来",
                     "别人", "特别", "区别", "不久")
_CONTRACTED = re.compile(r"\w(?:n't|n’t)\b|\bn['’]", re.IGNORECASE)


def negated(text: str, language: str) -> bool:
    """Does the text contain a negation, in `language`?

    Example:
        >>> negated("Potatoes do not count.", "en"), negated("Potatoes count.", "en")
        (True, False)
        >>> negated("Don't.", "en"), negated("N'en mangez pas.", "fr")
        (True, True)
        >>> negated("Не менее 150 минут, пока руки не высохнут.", "ru")
        False
        >>> negated("土豆不算在内。", "zh"), negated("非常重要。", "zh")
        (True, False)
    """
    plain = unicodedata.normalize("NFKC", strip_citations(text)).casefold()
    if language == "zh":
        for word in _ZH_NOT_NEGATIONS:
            plain = plain.replace(word, "")
        return any(ch in plain for ch in _ZH_NEGATIONS)
    if language in _NOT_DENIALS:
        plain = _NOT_DENIALS[language].sub(" ", plain)
    if language in ("en", "fr") and _CONTRACTED.search(plain):
        return True
    words = NEGATIONS.get(language, frozenset())
    return any(w in words for w in WORD.findall(plain))


# How a question asks for a figure, by language (lowercase substrings): "how many",
# "what percentage", "at what age". Such a question is better answered by a passage
# sentence that gives a figure.
QUANTITY_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("how many", "how much", "how long", "how often", "how old", "what percentage",
           "what share", "what proportion", "what age", "how far"),
    "fr": ("combien", "quel pourcentage", "quelle part", "quelle proportion", "quel âge"),
    "es": ("cuánt", "qué porcentaje", "qué proporción", "qué edad"),
    "pt": ("quant", "que porcentagem", "qual porcentagem", "qual a porcentagem", "que idade",
           "qual idade"),
    "ru": ("сколько", "какой процент", "какая доля", "какая часть", "каком возрасте",
           "какого возраста"),
    "ar": ("كم ", "ما نسبة", "ما هي نسبة", "أي عمر", "أي سن"),
    "hi": ("कितन", "किस उम्र", "कितने प्रतिशत"),
    "zh": ("多少", "几", "多久", "多长", "比例", "百分之", "多大"),
}


def asks_quantity(question: str, language: str) -> bool:
    """Does the question ask for a figure (how many, how much, what share...)?

    Example:
        >>> asks_quantity("How much salt can I eat a day?", "en")
        True
        >>> asks_quantity("Сколько соли можно съесть?", "ru"), asks_quantity("Why walk?", "en")
        (True, False)
    """
    plain = unicodedata.normalize("NFKC", question).casefold() + " "
    return any(word in plain for word in QUANTITY_WORDS.get(language, ()))


# Words that open a sentence leaning on the one before it ("This is about 5 g of
# salt"), by language. Quoted alone, out of order, their "this" points elsewhere.
ANAPHORA: dict[str, tuple[str, ...]] = {  # first words, or first two
    "en": ("this", "that", "these", "those", "it", "they", "of these", "of them",
           "among them", "among these"),
    "fr": ("cela", "ceci", "ce", "c'est", "c’est", "il", "elle", "ils", "elles", "parmi ces",
           "parmi eux", "parmi elles"),
    "es": ("esto", "eso", "ello", "esta", "este", "estos", "estas", "entre ellos",
           "entre ellas", "de ellos", "de ellas"),
    "pt": ("isso", "isto", "esta", "este", "estes", "estas", "entre eles", "entre elas",
           "dentre eles", "dentre elas", "destes", "destas"),
    "ru": ("это", "они", "он", "она", "оно", "среди них", "из них"),
    "ar": ("هذا", "هذه", "وهذا", "وهذه", "ذلك", "ومن بين", "من بينهم", "منهم"),
    "hi": ("यह", "ये", "इससे", "इसका", "इसकी", "इसके", "इनमें"),
    "zh": ("这", "它", "他们", "其"),
}


def leans_on_previous(sentence: str, language: str) -> bool:
    """Does the sentence open with a word pointing at the sentence before it?

    Example:
        >>> leans_on_previous("Cela correspond à moins de 5 g de sel.", "fr")
        True
        >>> leans_on_previous("Adults should eat less than 5 g of salt.", "en")
        False
        >>> leans_on_previous("这相当于每天不到5克盐。", "zh")
        True
        >>> leans_on_previous("Entre ellas hay 1,3 millones de no fumadores.", "es")
        True
    """
    plain = unicodedata.normalize("NFKC", sentence).strip().casefold()
    if language == "zh":
        return plain.startswith(ANAPHORA["zh"])
    words = plain.split(" ", 2)
    openers = ANAPHORA.get(language, ())
    return any(" ".join(words[:n]).strip(",;:") in openers for n in (1, 2))
