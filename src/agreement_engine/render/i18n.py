"""Words and numbers in the reader's language: English (the source, and the default) or Swedish.

Every word a renderer shows goes through a :class:`Language`, which the command line (or a
notebook) chooses and passes in; nothing holds a current language. The English text is written
in the source, marked for the gettext extractor: ``lang._("month")``,
``lang.ngettext("{count} line", "{count} lines", n)``, ``N_("final")`` for a word chosen at run
time, and :class:`~agreement_engine.diagnostics.Text` for sentences made below the renderers (a
line's reasons, what reading the data did), which :meth:`Language.text` puts into words. The
Swedish catalog is ``locale/sv/LC_MESSAGES/agreement_engine.po`` beside this module, compiled
to the ``.mo`` that is read here (``scripts/catalog.py`` extracts, merges and compiles;
``tests/render/test_catalog.py`` fails while any marked text has no Swedish translation).

English is the source itself: its numbers are written as they always were (``7102000``,
``12.3333…``), so English output is unchanged by this module. Swedish numbers are written by
Babel from CLDR's data (``7 102 000``, decimal comma), from the exact value: a Decimal keeps
every decimal it has, no more, no fewer.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any

from agreement_engine.diagnostics import Text
from agreement_engine.formula import Amount, Value, round_exact, to_decimal
from agreement_engine.formula.types import DAYS, MONEY, NUMBER, PRICE_PER_DAY, unit_symbol
from agreement_engine.formula.values import approximately, decimal_places, plain
from agreement_engine.frozen import frozen

DOMAIN = "agreement_engine"
LANGUAGES = ("en", "sv")
"""The languages outputs can be read in; the first is the default."""
DEFAULT = LANGUAGES[0]
_LOCALES = {"en": "en", "sv": "sv_SE"}


def N_(message: str) -> str:
    """Mark a word for the catalog where it is written, to be translated where it is shown
    (a status, a heading chosen at run time): ``lang._(N_("final"))``."""
    return message


@frozen
class Language:
    """One language's words (a gettext catalog) and its way of writing numbers."""

    code: str
    catalog: gettext.NullTranslations

    @property
    def english(self) -> bool:
        return self.code == "en"

    @property
    def locale(self) -> str:
        """The locale Babel writes numbers by: 'en' or 'sv_SE'."""
        return _LOCALES[self.code]

    # -- words ------------------------------------------------------------------------------------

    def _(self, message: str, /, **arguments: Any) -> str:
        """A message in this language, its named ``{arguments}`` filled in."""
        found = self.catalog.gettext(message)
        return self._filled(found, arguments) if arguments else found

    def ngettext(self, singular: str, plural: str, count: int, /, **arguments: Any) -> str:
        """A message whose words depend on ``count`` (also its argument ``{count}``)."""
        return self._filled(
            self.catalog.ngettext(singular, plural, count), {"count": count, **arguments}
        )

    def text(self, message: str) -> str:
        """A :class:`Text` made below the renderers, in this language; any other string as the
        catalog has it (or as it is)."""
        if self.english:
            return str(message)
        if not isinstance(message, Text):
            return self.catalog.gettext(message)
        if message.plural is not None and message.number is not None:
            found = self.catalog.ngettext(message.template, message.plural, message.number)
        else:
            found = self.catalog.gettext(message.template)
        return self._filled(found, message.arguments) if message.arguments else found

    def _filled(self, template: str, arguments: Mapping[str, Any]) -> str:
        return template.format_map({k: self._argument(v) for k, v in arguments.items()})

    def _argument(self, value: object) -> str:
        if isinstance(value, str):
            return self.text(value) if isinstance(value, Text) else value
        if isinstance(value, Decimal):
            return self.decimal(value)
        if isinstance(value, Amount):
            return self.value(value)
        return str(value)

    # -- numbers ----------------------------------------------------------------------------------

    def decimal(self, number: Decimal) -> str:
        """An exact decimal with every decimal it has: '7102000' in English (as always),
        '7 102 000' and '1 234,50' in Swedish (grouped, decimal comma)."""
        if self.english:
            return plain(number)
        return _written(plain(number), self.locale)

    def grouped(self, number: Decimal) -> str:
        """An exact decimal with thousands grouped in either language: '7,102,000' in English,
        '7 102 000' in Swedish (for tables meant for reading, as the Markdown diff)."""
        if not self.english:
            return self.decimal(number)
        exponent = number.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return f"{number:,.{places}f}"

    def amount(self, number: Decimal) -> str:
        """An amount of money: '7102000 kr', '7 102 000 kr'."""
        return f"{self.decimal(number)} kr"

    def approximately(self, number: Fraction, places: int = 4) -> str:
        """A number that may not terminate, cut to ``places`` and marked '…' when cut, as
        columns of text show it: '12.3333…', '12,3333…'."""
        if self.english:
            return approximately(number, places)
        decimals = decimal_places(number.denominator)
        if decimals is not None:
            exact = to_decimal(number)
            assert exact is not None
            return self.decimal(exact)
        whole = number.numerator * 10**places // number.denominator  # cut, as English does
        return self.decimal(Decimal(f"{whole}E-{places}")) + "…"

    def value(self, value: Value) -> str:
        """A formula value as people read it: '9300 kr', '3.333333… days (10/3 exactly)' in
        English (as ``str`` gives it), '3,333333… dagar (10/3 exakt)' in Swedish."""
        if self.english or not isinstance(value, Amount):
            return str(value)
        unit = self._unit(value)
        exact = to_decimal(value.value)
        if exact is not None:
            return f"{self.decimal(exact)} {unit}".rstrip()
        cut = to_decimal(round_exact(value.value, 6, "half_even"))
        approx = self.decimal(cut) if cut is not None else "?"
        fraction = f"{value.value.numerator}/{value.value.denominator}"
        return self._(
            "{approx}… {unit} ({fraction} exactly)", approx=approx, unit=unit, fraction=fraction
        ).replace("  ", " ")

    def _unit(self, value: Amount) -> str:
        words = {MONEY: "kr", DAYS: self._("days"), PRICE_PER_DAY: self._("kr/day"), NUMBER: ""}
        return words.get(value.unit, unit_symbol(value.unit))


@lru_cache(maxsize=65536)
def _written(digits: str, locale: str) -> str:
    """Plain digits ('-1234.50') as Babel writes them in a locale, every decimal kept: cached by
    the text, since 1.5 and 1.50 are equal Decimals written differently (a run repeats its
    benchmark, price and zeros on every line). Babel rounds to the pattern in the current
    decimal context, whose 28 digits would refuse a larger amount: the context is given every
    digit written, so the number is written exactly, however many it has."""
    from babel.numbers import format_decimal

    places = len(digits.partition(".")[2])
    pattern = "#,##0" + ("." + "0" * places if places else "")
    with localcontext() as context:
        context.prec = max(context.prec, len(digits))
        return str(format_decimal(Decimal(digits), format=pattern, locale=locale))


@cache
def language(code: str = DEFAULT) -> Language:
    """The language of a code ('en', 'sv'), its catalog read once; ValueError for another."""
    if code not in LANGUAGES:
        raise ValueError(f"no language '{code}': choose {' or '.join(LANGUAGES)}")
    if code == "en":
        return Language(code, gettext.NullTranslations())
    from importlib import resources  # for Swedish only

    catalog = resources.files(__package__).joinpath(f"locale/{code}/LC_MESSAGES/{DOMAIN}.mo")
    with catalog.open("rb") as stream:
        return Language(code, gettext.GNUTranslations(stream))


ENGLISH = language("en")
"""The default: the English of the source, every output as it always was."""
