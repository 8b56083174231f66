"""The bad-input catalogue: each way an input can be wrong gets its exact message and exit code.

One case per kind of mistake, one parametrised test over them. Each runs the real command line
(typer's CliRunner) from ``tests/fixtures/bad``, whose files are the broken inputs, and asserts
the first lines of what the user sees, word for word (the file, the line and column or the row,
the message, the source line and caret, the hint), and the exit code of the contract in the
README. Inputs that cannot be kept in the repository (pipes, links, devices, workbooks, files
of a megabyte, zip bombs) are made in the test's own folder, which the messages show as TMP.

Where a case found the engine doing the wrong thing (money changed silently, a file skipped,
a traceback, a confusing message), the engine was fixed; no expectation was fitted to it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import bad_files
import pytest
from typer.testing import CliRunner

from agreement_engine.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad"
HALLAND = (
    "--agreements",
    "../../../agreements",
    "--agreements",
    "../../../examples/halland/illustrative-figures.yaml",
)
OCTOBER = ("evaluate", "--month", "2025-10", *HALLAND, "--data")
FEBRUARY = ("evaluate", "--month", "2025-02", *HALLAND, "--data")


@dataclass(frozen=True)
class Case:
    """A broken input: the command run, the exit code and the first lines of its output."""

    name: str
    args: tuple[str, ...]
    code: int
    expected: str
    make: Callable[[Path], object] | None = None
    """Makes the input in the test's folder (TMP), when it cannot be a file in the repository."""
    limits: dict[str, int] = field(default_factory=dict)
    """Limits of :mod:`agreement_engine.data.limits` set lower, to reach them quickly."""


def made(function: Callable[..., object], *args: object) -> Callable[[Path], object]:
    return lambda folder: function(folder, *args)


CASES = [
    Case(
        "yaml-unclosed-quote",
        ("check", "agreements/unclosed-quote.yaml"),
        1,
        (
            "agreements/unclosed-quote.yaml:5:8: error: the YAML is malformed: the quoted value "
            "that starts here is not closed on its line (it runs to line 33)\n"
            ' 5 | title: "A small agreement for tests\n'
            "   |        ^\n"
            "hint: add the closing quote where the value ends\n"
        ),
    ),
    Case(
        "yaml-value-after-a-mapping",
        ("check", "agreements/value-after-mapping.yaml"),
        1,
        (
            "agreements/value-after-mapping.yaml:10:7: error: the YAML is malformed: mapping "
            "values are not allowed here\n"
            " 10 |   from: 2024-01-01\n"
            "    |       ^\n"
            "hint: a value that contains ': ' (a formula, a quote) must be put in double quotes, "
            'e.g. quote: "Avgift: 100 kr"; otherwise check the indentation of this line\n'
        ),
    ),
    Case(
        "yaml-python-tag",
        ("check", "agreements/python-tag.yaml"),
        1,
        (
            "agreements/python-tag.yaml:5:8: error: the tag '!!python/object/apply:os.system' is "
            "not allowed\n"
            ' 5 | title: !!python/object/apply:os.system ["echo hi"]\n'
            "   |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: remove the tag: agreement files use plain YAML values only\n"
        ),
    ),
    Case(
        "yaml-merge-key",
        ("check", "agreements/merge-key.yaml"),
        1,
        (
            "agreements/merge-key.yaml:15:3: error: merge keys ('<<') are not allowed\n"
            " 15 |   <<: *defaults\n"
            "    |   ^^\n"
            "hint: write the keys out in full\n"
        ),
    ),
    Case(
        "yaml-alias-refers-to-itself",
        ("check", "agreements/alias-refers-to-itself.yaml"),
        1,
        (
            "agreements/alias-refers-to-itself.yaml:14:19: error: a value refers to itself "
            "through an alias ('*')\n"
            " 14 |   municipalities: &m [Alfa, *m]\n"
            "    |                   ^^^^^^^^^^^^^\n"
        ),
    ),
    Case(
        "yaml-two-documents",
        ("check", "agreements/two-documents.yaml"),
        1,
        (
            "agreements/two-documents.yaml:25:1: error: the YAML is malformed: the file holds "
            "more than one YAML document\n"
            " 25 | ---\n"
            "    | ^\n"
            "hint: an agreement file is one document: remove the '---' line, or split the file "
            "in two\n"
        ),
    ),
    Case(
        "yaml-only-a-comment",
        ("check", "agreements/only-a-comment.yaml"),
        1,
        (
            "agreements/only-a-comment.yaml:1:1: error: the file is empty\n"
            " 1 | # nothing here yet\n"
            "   | ^\n"
            "hint: an agreement file starts with 'format: agreement-engine/1'\n"
        ),
    ),
    Case(
        "yaml-a-list-not-a-mapping",
        ("check", "agreements/a-list-not-a-mapping.yaml"),
        1,
        (
            "agreements/a-list-not-a-mapping.yaml:1:1: error: the file must be a mapping of keys "
            "(format, kind, id, title, ...), not a list\n"
            " 1 | - format: agreement-engine/1\n"
            "   | ^\n"
            "hint: for example: format: agreement-engine/1\n"
        ),
    ),
    Case(
        "yaml-utf-16",
        ("check", "TMP/agreement.yaml"),
        1,
        (
            "TMP/agreement.yaml:1:1: error: the file is UTF-16 text, not UTF-8\n"
            "hint: save the file as UTF-8 (most editors offer this under 'Save as' or "
            "'Encoding')\n"
        ),
        make=made(bad_files.agreement_bytes, "utf-16"),
    ),
    Case(
        "yaml-latin-1",
        ("check", "TMP/agreement.yaml"),
        1,
        (
            "TMP/agreement.yaml:5:1: error: the file is not UTF-8 text\n"
            "hint: save the file as UTF-8 (most editors offer this under 'Save as' or "
            "'Encoding')\n"
        ),
        make=made(bad_files.agreement_bytes, "latin-1"),
    ),
    Case(
        "yaml-nul-byte",
        ("check", "TMP/agreement.yaml"),
        1,
        (
            "TMP/agreement.yaml:5:15: error: the file contains a control character (#x0000) that "
            "is not allowed\n"
            " 5 | title: Ett lit␀et avtal för test\n"
            "   |               ^\n"
            "hint: remove it; it often comes with text copied from a PDF or a word processor\n"
        ),
        make=made(bad_files.agreement_bytes, "nul"),
    ),
    Case(
        "schema-format-missing",
        ("check", "agreements/format-missing.yaml"),
        1,
        (
            "agreements/format-missing.yaml:2:1: error: missing required key 'format' in this "
            "agreement\n"
            " 2 | kind: agreement\n"
            "   | ^^^^\n"
            "hint: for example: format: agreement-engine/1\n"
        ),
    ),
    Case(
        "schema-format-version-unknown",
        ("check", "agreements/format-version-unknown.yaml"),
        1,
        (
            "agreements/format-version-unknown.yaml:2:9: error: 'format' must be "
            "agreement-engine/1, not 'agreement-engine/2'\n"
            " 2 | format: agreement-engine/2\n"
            "   |         ^^^^^^^^^^^^^^^^^^\n"
            "hint: write format: agreement-engine/1\n"
        ),
    ),
    Case(
        "schema-municipalities-not-a-list",
        ("check", "agreements/municipalities-not-a-list.yaml"),
        1,
        (
            "agreements/municipalities-not-a-list.yaml:14:19: error: 'municipalities' must be a "
            "list, not 'Alfa and Beta'\n"
            " 14 |   municipalities: Alfa and Beta\n"
            "    |                   ^^^^^^^^^^^^^\n"
            "hint: write a list: [Kungsbacka, Varberg], or one item per line starting with '- '\n"
        ),
    ),
    Case(
        "schema-rules-misspelt",
        ("check", "agreements/rules-misspelt.yaml"),
        1,
        (
            "agreements/rules-misspelt.yaml:2:1: error: missing required key 'rules' in this "
            "agreement\n"
            " 2 | format: agreement-engine/1\n"
            "   | ^^^^^^\n"
            "hint: for example: rules: {net_amount: gross_amount - discount}\n"
        ),
    ),
    Case(
        "schema-date-that-does-not-exist",
        ("check", "agreements/date-that-does-not-exist.yaml"),
        1,
        (
            "agreements/date-that-does-not-exist.yaml:10:9: error: 'from' must be a real date, "
            "not '2024-02-30'\n"
            " 10 |   from: 2024-02-30\n"
            "    |         ^^^^^^^^^^\n"
            "hint: there is no such day in the calendar; check the month and the day\n"
        ),
    ),
    Case(
        "schema-rule-without-formula",
        ("check", "agreements/rule-without-formula.yaml"),
        1,
        (
            "agreements/rule-without-formula.yaml:30:3: error: missing required key 'formula' in "
            "'gross_amount'\n"
            " 30 |   gross_amount:\n"
            "    |   ^^^^^^^^^^^^\n"
            "hint: for example: formula: total_days / episodes\n"
        ),
    ),
    Case(
        "schema-region-missing",
        ("check", "agreements/region-missing.yaml"),
        1,
        (
            "agreements/region-missing.yaml:12:1: error: missing required key 'region' in "
            "'parties'\n"
            " 12 | parties:\n"
            "    | ^^^^^^^\n"
            "hint: for example: region: Region Halland\n"
        ),
    ),
    Case(
        "formula-operator-twice",
        ("check", "agreements/operator-twice.yaml"),
        1,
        (
            "agreements/operator-twice.yaml:31:23: error: unexpected '*'\n"
            " 31 |     formula: excess * * episodes * day_cost\n"
            "    |                       ^\n"
            "hint: expected a value or a name here\n"
        ),
    ),
    Case(
        "formula-unknown-function",
        ("check", "agreements/unknown-function.yaml"),
        1,
        (
            "agreements/unknown-function.yaml:28:11: error: unknown function 'maximum'\n"
            " 28 |   excess: maximum(0 days, average_days - benchmark)\n"
            "    |           ^^^^^^^\n"
            "hint: did you mean 'max'?\n"
        ),
    ),
    Case(
        "formula-too-many-arguments",
        ("check", "agreements/too-many-arguments.yaml"),
        1,
        (
            "agreements/too-many-arguments.yaml:28:11: error: 'abs' takes 1 argument, not 2: "
            "abs(value)\n"
            " 28 |   excess: abs(0 days, average_days - benchmark)\n"
            "    |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: for example abs(difference)\n"
        ),
    ),
    Case(
        "formula-loose-date",
        ("check", "agreements/loose-date.yaml"),
        1,
        (
            "agreements/loose-date.yaml:26:26: error: '2024-1-01' is not a date as written: "
            "months and days take two digits\n"
            " 26 |   benchmark: if month >= 2024-1-01 then 3 days else 4 days\n"
            "    |                          ^^^^^^^^^\n"
            "hint: write 2024-01-01\n"
        ),
    ),
    Case(
        "formula-if-without-else",
        ("check", "agreements/if-without-else.yaml"),
        1,
        (
            "agreements/if-without-else.yaml:26:44: error: the formula ends too early\n"
            " 26 |   benchmark: if month >= 2024-06 then 3 days\n"
            "    |                                            ^\n"
            "hint: expected 'else'\n"
        ),
    ),
    Case(
        "formula-unclosed-text",
        ("check", "agreements/unclosed-text.yaml"),
        1,
        (
            "agreements/unclosed-text.yaml:26:18: error: unexpected character '\"'\n"
            " 26 |   benchmark: 'if \"Alfa = 1 then 3 days else 4 days'\n"
            "    |                  ^\n"
        ),
    ),
    Case(
        "formula-division-unguarded",
        ("check", "agreements/division-unguarded.yaml"),
        0,
        (
            "agreements/division-unguarded.yaml:27:30: warning: 'episodes' can be 0 in a month, "
            "and dividing by 0 leaves the line not computed\n"
            " 27 |   average_days: total_days / episodes\n"
            "    |                              ^^^^^^^^\n"
            "hint: guard the division: if episodes = 0 then 0 days else total_days / episodes\n"
        ),
    ),
    Case(
        "formula-division-guarded-the-wrong-way",
        ("check", "agreements/division-guarded-wrongly.yaml"),
        0,
        (
            "agreements/division-guarded-wrongly.yaml:27:51: warning: 'episodes' can be 0 in a "
            "month, and dividing by 0 leaves the line not computed\n"
            " 27 |   average_days: if episodes = 0 then total_days / episodes else 0 days\n"
            "    |                                                   ^^^^^^^^\n"
            "hint: guard the division: if episodes = 0 then 0 days else total_days / episodes\n"
        ),
    ),
    Case(
        "formula-window-end-not-written",
        ("check", "agreements/window-end-not-written.yaml"),
        1,
        (
            "agreements/window-end-not-written.yaml:28:52: error: the month must be the month "
            "billed or a month written out, moved by a whole number of months written out\n"
            " 28 |   rolling_mean: mean(average_days over 3 months to month_of(2024-01-15))\n"
            "    |                                                    ^^^^^^^^^^^^^^^^^^^^\n"
            "hint: like month - 1 month, or 2023-12; the engine must know before anything runs "
            "which months a rule reads\n"
        ),
    ),
    Case(
        "formula-rule-reads-itself-last-month",
        ("check", "agreements/rule-reads-itself-last-month.yaml"),
        1,
        (
            "agreements/rule-reads-itself-last-month.yaml:27:3: error: these rules depend on each "
            "other in a circle, across months: average_days → average_days\n"
            " 27 |   average_days: if episodes = 0 then 0 days else "
            "average_days[month - 1 month] + 1 day\n"
            "    |   ^^^^^^^^^^^^\n"
            "hint: a rule cannot read its own value, or a value that needs it, at another month: "
            "that would go back month after month without end; take the months it needs over a "
            "window of the values it depends on, like mean(average_days over 3 months)\n"
        ),
    ),
    Case(
        "formula-division-by-zero-written",
        ("check", "agreements/division-by-zero-written.yaml"),
        1,
        (
            "agreements/division-by-zero-written.yaml:27:30: error: division by zero\n"
            " 27 |   average_days: total_days / 0\n"
            "    |                              ^\n"
            "hint: divide by a number that is not 0, or guard it, like: if episodes = 0 then 0 "
            "days else total_days / episodes\n"
        ),
    ),
    Case(
        "units-price-times-count-declared-kr",
        ("check", "agreements/price-times-count-declared-kr.yaml"),
        1,
        (
            "agreements/price-times-count-declared-kr.yaml:31:14: error: rule 'gross_amount' is "
            "declared in kr but its formula gives money per day (kr/day)\n"
            " 31 |     formula: episodes * day_cost\n"
            "    |              ^^^^^^^^^^^^^^^^^^^\n"
            "hint: change the formula, or declare the unit it gives (money per day (kr/day))\n"
        ),
    ),
    Case(
        "units-days-compared-with-kronor",
        ("check", "agreements/days-compared-with-kronor.yaml"),
        1,
        (
            "agreements/days-compared-with-kronor.yaml:28:14: error: cannot compare days with "
            "money (kr)\n"
            " 28 |   excess: if average_days > 10 kr then average_days - benchmark else 0 days\n"
            "    |              ^^^^^^^^^^^^^^^^^^^^\n"
        ),
    ),
    Case(
        "units-unknown-unit",
        ("check", "agreements/unknown-unit.yaml"),
        1,
        (
            "agreements/unknown-unit.yaml:26:16: error: unexpected name 'dagar'\n"
            " 26 |   benchmark: 3 dagar\n"
            "    |                ^^^^^\n"
            "hint: expected an operator (+ - * / = < > and or) or the end of the formula\n"
        ),
    ),
    Case(
        "units-rounding-to-half-a-decimal",
        ("check", "agreements/rounding-to-half-a-decimal.yaml"),
        1,
        (
            "agreements/rounding-to-half-a-decimal.yaml:36:45: error: the second argument of "
            "'round' must be a whole number of decimals (0 to 12)\n"
            " 36 |     formula: round(gross_amount - discount, 0.5, half_up)\n"
            "    |                                             ^^^\n"
            "hint: for example round(amount, 0, half_up) rounds to whole kronor\n"
        ),
    ),
    Case(
        "units-month-plus-money",
        ("check", "agreements/month-plus-money.yaml"),
        1,
        (
            "agreements/month-plus-money.yaml:26:17: error: cannot add money (kr) to a month\n"
            " 26 |   benchmark: if month + 1 kr > 2024-06 then 3 days else 4 days\n"
            "    |                 ^^^^^^^^^^^^\n"
        ),
    ),
    Case(
        "units-percent-of-days-as-money",
        ("check", "agreements/percent-of-days-as-money.yaml"),
        1,
        (
            "agreements/percent-of-days-as-money.yaml:36:20: error: cannot subtract days from "
            "money (kr)\n"
            " 36 |     formula: round(gross_amount - discount, 0, half_up)\n"
            "    |                    ^^^^^^^^^^^^^^^^^^^^^^^\n"
        ),
    ),
    Case(
        "units-text-compared-with-number",
        ("check", "agreements/text-compared-with-number.yaml"),
        1,
        (
            "agreements/text-compared-with-number.yaml:26:17: error: cannot compare a text with "
            "a number\n"
            ' 26 |   benchmark: if "Alfa" = 1 then 3 days else 4 days\n'
            "    |                 ^^^^^^^^^^\n"
        ),
    ),
    Case(
        "timeline-routine-for-an-unknown-agreement",
        ("check", "timeline/routine-for-unknown-agreement"),
        1,
        (
            "timeline/routine-for-unknown-agreement/routine.yaml:6:14: error: unknown agreement "
            "'test-agreemnt'\n"
            " 6 | applies_to: [test-agreemnt]\n"
            "   |              ^^^^^^^^^^^^^\n"
            "hint: did you mean 'test-agreement'?\n"
        ),
    ),
    Case(
        "timeline-gap-between-agreements",
        ("check", "timeline/gap-between-agreements"),
        0,
        (
            "timeline/gap-between-agreements/first.yaml:11:10: warning: no agreement governs "
            "2025-01 – 2025-02 for Alfa, Beta, so the statute (Lag (2017:612)) governs these "
            "months\n"
            " 11 |   until: 2024-12-31\n"
            "    |          ^^^^^^^^^^\n"
            "hint: if an agreement for these months exists, add it; otherwise the months are "
            "billed by the statute, which needs episode-level data\n"
        ),
    ),
    Case(
        "timeline-extension-pending",
        ("check", "timeline/extension-pending"),
        0,
        (
            "timeline/extension-pending/extension.yaml:15:3: warning: test-extension is not in "
            "force: approval is still pending from Alfa; until every party approves, the statute "
            "governs 2025-01 – 2025-12\n"
            " 15 |   by:\n"
            "    |   ^^\n"
            "hint: record each decision under approval.by as it is taken (status, date, "
            "decision); 'evaluate --assume-approved' shows the provisional result\n"
        ),
    ),
    Case(
        "timeline-extension-overlaps-its-agreement",
        ("check", "timeline/extension-overlaps-its-agreement"),
        1,
        (
            "timeline/extension-overlaps-its-agreement/extension.yaml:11:9: error: "
            "test-agreement and test-extension both govern 2024-07 – 2024-12 for Alfa, Beta\n"
            " 11 |   from: 2024-07-01\n"
            "    |         ^^^^^^^^^^\n"
            "hint: only one agreement can govern a month: adjust the validity dates\n"
        ),
    ),
    Case(
        "timeline-before-any-agreement-or-statute",
        ("evaluate", "--month", "2017-06", *HALLAND, "--data", "data/months-outside-the-range.csv"),
        1,
        (
            "data/months-outside-the-range.csv: CSV (UTF-8, separated by ';'), header on row 1; "
            "8 rows read, 0 used, 8 excluded\n"
            "  excluded 8 rows (month other than 2017-06: 2025-10, 2025-11, 2026-10; rows 2, 3, "
            "4, 5, 6, 7, 8, 9)\n"
            "data/months-outside-the-range.csv:1:1: warning: no figures for 'Kungsbacka' in "
            "2017-06\n"
            "data/months-outside-the-range.csv:1:1: warning: no figures for 'Varberg' in "
            "2017-06\n"
            "data/months-outside-the-range.csv:1:1: warning: no figures for 'Falkenberg' in "
            "2017-06\n"
            "data/months-outside-the-range.csv:1:1: warning: no figures for 'Halmstad' in "
            "2017-06\n"
            "data/months-outside-the-range.csv:1:1: warning: no figures for 'Hylte' in 2017-06\n"
            "data/months-outside-the-range.csv:1:1: warning: no figures for 'Laholm' in 2017-06\n"
            "error: nothing could be billed: none of the 6 lines could be computed\n"
            "note: Kungsbacka 2017-06: no agreement governs this month and no statute is in "
            "force\n"
            "note: Varberg 2017-06: no agreement governs this month and no statute is in force\n"
            "note: Falkenberg 2017-06: no agreement governs this month and no statute is in "
            "force\n"
        ),
    ),
    Case(
        "timeline-statute-month-from-aggregates",
        ("evaluate", "--month", "2025-02", *HALLAND, "--data", "data/header-only.csv"),
        1,
        (
            "data/header-only.csv: CSV (UTF-8, separated by ';'), header on row 1; 0 rows read, "
            "0 used, 0 excluded\n"
            "data/header-only.csv:1:1: warning: no figures for 'Kungsbacka' in 2025-02\n"
            "data/header-only.csv:1:1: warning: no figures for 'Varberg' in 2025-02\n"
            "data/header-only.csv:1:1: warning: no figures for 'Falkenberg' in 2025-02\n"
            "data/header-only.csv:1:1: warning: no figures for 'Halmstad' in 2025-02\n"
            "data/header-only.csv:1:1: warning: no figures for 'Hylte' in 2025-02\n"
            "data/header-only.csv:1:1: warning: no figures for 'Laholm' in 2025-02\n"
            "error: nothing could be billed: none of the 6 lines could be computed\n"
            "note: Kungsbacka 2025-02: the statute (lag-2017-612) governs this month and counts "
            "liable_days_total episode by episode; monthly aggregates cannot show that, so give "
            "an episode-level extract\n"
            "note: Varberg 2025-02: the statute (lag-2017-612) governs this month and counts "
            "liable_days_total episode by episode; monthly aggregates cannot show that, so give "
            "an episode-level extract\n"
            "note: Falkenberg 2025-02: the statute (lag-2017-612) governs this month and counts "
            "liable_days_total episode by episode; monthly aggregates cannot show that, so give "
            "an episode-level extract\n"
            "note: and 3 more lines not computed\n"
        ),
    ),
    Case(
        "data-header-only",
        (*OCTOBER, "data/header-only.csv"),
        1,
        (
            "data/header-only.csv: CSV (UTF-8, separated by ';'), header on row 1; 0 rows read, "
            "0 used, 0 excluded\n"
            "data/header-only.csv:1:1: warning: no figures for 'Kungsbacka' in 2025-10\n"
            "data/header-only.csv:1:1: warning: no figures for 'Varberg' in 2025-10\n"
            "data/header-only.csv:1:1: warning: no figures for 'Falkenberg' in 2025-10\n"
            "data/header-only.csv:1:1: warning: no figures for 'Halmstad' in 2025-10\n"
            "data/header-only.csv:1:1: warning: no figures for 'Hylte' in 2025-10\n"
            "data/header-only.csv:1:1: warning: no figures for 'Laholm' in 2025-10\n"
            "error: nothing could be billed: none of the 6 lines could be computed\n"
            "note: Kungsbacka 2025-10: the data has no row for Kungsbacka 2025-10\n"
            "note: Varberg 2025-10: the data has no row for Varberg 2025-10\n"
            "note: Falkenberg 2025-10: the data has no row for Falkenberg 2025-10\n"
            "note: and 3 more lines not computed\n"
        ),
    ),
    Case(
        "data-only-goteborg",
        (*OCTOBER, "data/only-goteborg.csv"),
        1,
        (
            "data/only-goteborg.csv: CSV (UTF-8, separated by ';'), header on row 1; 1 row read, "
            "0 used, 1 excluded\n"
            "  excluded 1 row (municipality not asked for: Göteborg; row 2)\n"
            "data/only-goteborg.csv:1:1: warning: no figures for 'Kungsbacka' in 2025-10\n"
            "data/only-goteborg.csv:1:1: warning: no figures for 'Varberg' in 2025-10\n"
            "data/only-goteborg.csv:1:1: warning: no figures for 'Falkenberg' in 2025-10\n"
            "data/only-goteborg.csv:1:1: warning: no figures for 'Halmstad' in 2025-10\n"
            "data/only-goteborg.csv:1:1: warning: no figures for 'Hylte' in 2025-10\n"
            "data/only-goteborg.csv:1:1: warning: no figures for 'Laholm' in 2025-10\n"
            "error: nothing could be billed: none of the 6 lines could be computed\n"
            "note: Kungsbacka 2025-10: the data has no row for Kungsbacka 2025-10\n"
            "note: Varberg 2025-10: the data has no row for Varberg 2025-10\n"
            "note: Falkenberg 2025-10: the data has no row for Falkenberg 2025-10\n"
        ),
    ),
    Case(
        "data-one-municipality-missing",
        (*OCTOBER, "data/one-municipality-missing.csv"),
        3,
        (
            "data/one-municipality-missing.csv: CSV (UTF-8, separated by ';'), header on row 1; "
            "5 rows read, 5 used, 0 excluded\n"
            "data/one-municipality-missing.csv:1:1: warning: no figures for 'Laholm' in 2025-10\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  ------------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4210…  0.1210…        57      11500  "
            "79350   27772.5       51578  provisional\n"
            "2025-10  Hylte               5.3           7.5      2.2         2      11500  "
            "50600     17710       32890  provisional\n"
            "2025-10  "
            "Laholm                                                                      "
            "                      not computed\n"
        ),
    ),
    Case(
        "data-row-twice",
        (*OCTOBER, "data/row-twice.csv"),
        1,
        (
            "data/row-twice.csv:8:1: error: 'Halmstad' 2025-10 appears on rows 5 and 8; each "
            "municipality may have one row per month\n"
            " 8 | Halmstad;2025-10;57;309;5,4\n"
            "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: remove one of the rows, or correct its municipality or month\n"
        ),
    ),
    Case(
        "data-row-twice-spelt-otherwise",
        (*OCTOBER, "data/row-twice-spelt-otherwise.csv"),
        1,
        (
            "data/row-twice-spelt-otherwise.csv:8:1: error: 'Halmstad' 2025-10 appears on rows 5 "
            "and 8; each municipality may have one row per month\n"
            " 8 | Halmstads kommun;2025-10;57;309;5,4\n"
            "   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: remove one of the rows, or correct its municipality or month\n"
        ),
    ),
    Case(
        "data-negative-episodes",
        (*OCTOBER, "data/negative-episodes.csv"),
        1,
        (
            "data/negative-episodes.csv:6:15: error: 'Vårdtillfällen' must be 0 or more, not "
            "'-2'\n"
            " 6 | Hylte;2025-10;-2;15;7,5\n"
            "   |               ^^\n"
        ),
    ),
    Case(
        "data-count-with-decimals",
        (*OCTOBER, "data/count-with-decimals.csv"),
        1,
        (
            "data/count-with-decimals.csv:6:15: error: 'Vårdtillfällen' must be a whole number, "
            "not '1,5'\n"
            " 6 | Hylte;2025-10;1,5;15;7,5\n"
            "   |               ^^^\n"
        ),
    ),
    Case(
        "data-fewer-days-than-episodes",
        (*OCTOBER, "data/fewer-days-than-episodes.csv"),
        0,
        (
            "data/fewer-days-than-episodes.csv: CSV (UTF-8, separated by ';'), header on row 1; "
            "6 rows read, 6 used, 0 excluded\n"
            "data/fewer-days-than-episodes.csv:6:18: warning: 'Totalt antal dagar' is 2, fewer "
            "than the 15 'Vårdtillfällen': each of those episodes was discharge-ready 1 day or "
            "more, so together at least as many days\n"
            " 6 | Hylte;2025-10;15;2;0,1\n"
            "   |                  ^\n"
            "hint: check the row against the source: are the two columns swapped?\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  -----------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4210…  0.1210…        57      11500  "
            "79350   27772.5       51578  provisional\n"
            "2025-10  Hylte               5.3       0.1333…        0        15      11500      "
            "0         0           0  provisional\n"
        ),
    ),
    Case(
        "data-average-disagrees",
        (*OCTOBER, "data/average-disagrees.csv"),
        0,
        (
            "data/average-disagrees.csv: CSV (UTF-8, separated by ';'), header on row 1; 6 rows "
            "read, 6 used, 0 excluded\n"
            "data/average-disagrees.csv:5:25: warning: 'Snitt' is 4,5, but 'Totalt antal dagar' "
            "/ 'Vårdtillfällen' is 309 / 57 ≈ 5,421, more than the rounding of 4,5 allows "
            "(±0,05)\n"
            " 5 | Halmstad;2025-10;57;309;4,5\n"
            "   |                         ^^^\n"
            "hint: the engine uses 'Totalt antal dagar' and 'Vårdtillfällen', not 'Snitt'; check "
            "the row against the source\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  -----------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4210…  0.1210…        57      11500  "
            "79350   27772.5       51578  provisional\n"
            "2025-10  Hylte               5.3           7.5      2.2         2      11500  "
            "50600     17710       32890  provisional\n"
        ),
    ),
    Case(
        "data-days-without-episodes",
        (*OCTOBER, "data/days-without-episodes.csv"),
        1,
        (
            "data/days-without-episodes.csv:6:17: error: 'Totalt antal dagar' is 15, but "
            "'Vårdtillfällen' is 0\n"
            " 6 | Hylte;2025-10;0;15;\n"
            "   |                 ^^\n"
            "hint: days can only be counted in episodes; check the row against the source\n"
        ),
    ),
    Case(
        "data-thousands-separated",
        (*OCTOBER, "data/thousands-separated.csv"),
        0,
        (
            "data/thousands-separated.csv: CSV (UTF-8, separated by ';'), header on row 1; 6 "
            "rows read, 6 used, 0 excluded\n"
            "month    municipality  benchmark  average days  excess  episodes  price/day  gross  "
            "discount  net amount  status\n"
            "-------  ------------  ---------  ------------  ------  --------  ---------  -----  "
            "--------  ----------  -----------\n"
            "2025-10  Kungsbacka          5.3       4.59375       0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…       0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…       0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.0227…       0      1057      11500      "
            "0         0           0  provisional\n"
            "2025-10  Hylte               5.3           7.5     2.2         2      11500  "
            "50600     17710       32890  provisional\n"
            "2025-10  Laholm              5.3       4.5555…       0         9      11500      "
            "0         0           0  provisional\n"
        ),
    ),
    Case(
        "data-decimal-point-and-comma",
        (*OCTOBER, "data/decimal-point-and-comma.csv"),
        0,
        (
            "data/decimal-point-and-comma.csv: CSV (UTF-8, separated by ';'), header on row 1; 6 "
            "rows read, 6 used, 0 excluded\n"
            "data/decimal-point-and-comma.csv:6:22: warning: 'Snitt' is 7,5, but 'Totalt antal "
            "dagar' / 'Vårdtillfällen' is 15,5 / 2 = 7,75, more than the rounding of 7,5 allows "
            "(±0,05)\n"
            " 6 | Hylte;2025-10;2;15,5;7,5\n"
            "   |                      ^^^\n"
            "hint: the engine uses 'Totalt antal dagar' and 'Vårdtillfällen', not 'Snitt'; check "
            "the row against the source\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  -----------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4298…  0.1298…        57      11500  "
            "85100     29785       55315  provisional\n"
            "2025-10  Hylte               5.3          7.75     2.45         2      11500  "
            "56350   19722.5       36628  provisional\n"
        ),
    ),
    Case(
        "data-comma-separated-with-decimal-comma",
        (*OCTOBER, "data/comma-separated-with-decimal-comma.csv"),
        1,
        (
            "data/comma-separated-with-decimal-comma.csv:2:29: error: this row has 6 fields, but "
            "the header has 5 columns\n"
            " 2 | Kungsbacka,2025-10,32,147,4,6\n"
            "   |                             ^\n"
            "hint: the columns are separated by ',' and decimals seem to be written with a comma "
            "too (12,5); save the file with ';' as separator, or put such numbers in double "
            "quotes\n"
        ),
    ),
    Case(
        "data-byte-order-mark-in-a-number",
        (*OCTOBER, "data/byte-order-mark-in-a-number.csv"),
        1,
        (
            "data/byte-order-mark-in-a-number.csv:5:21: error: 'Totalt antal dagar' must be a "
            "number like 12 or 12,5, not '3<U+FEFF>09'\n"
            " 5 | Halmstad;2025-10;57;3\ufeff09;5,4\n"
            "   |                     ^^^^\n"
        ),
    ),
    Case(
        "data-byte-order-mark-in-a-name",
        (*OCTOBER, "data/byte-order-mark-in-a-name.csv"),
        1,
        (
            "data/byte-order-mark-in-a-name.csv:5:1: error: unknown municipality "
            "'Halm<U+FEFF>stad'\n"
            " 5 | Halm\ufeffstad;2025-10;57;309;5,4\n"
            "   | ^^^^^^^^^\n"
            "note: the municipalities asked for are Falkenberg, Halmstad, Hylte, Kungsbacka, "
            "Laholm and Varberg\n"
            "hint: 'Halm<U+FEFF>stad' is 'Halmstad' with U+FEFF (a byte-order mark) in it, which "
            "cannot be seen: delete it\n"
        ),
    ),
    Case(
        "data-two-byte-order-marks",
        (*OCTOBER, "data/two-byte-order-marks.csv"),
        1,
        (
            "data/two-byte-order-marks.csv:1:1: error: missing column 'Kommun' (or "
            "'municipality'); the columns found are '<U+FEFF>Kommun', 'Månad', 'Vårdtillfällen', "
            "'Totalt antal dagar', 'Snitt'\n"
            " 1 | \ufeffKommun;Månad;Vårdtillfällen;Totalt antal dagar;Snitt\n"
            "   | ^^^^^^^\n"
            "hint: '<U+FEFF>Kommun' is 'Kommun' with U+FEFF (a byte-order mark) in it, which "
            "cannot be seen: delete it (or save the file as CSV UTF-8)\n"
        ),
    ),
    Case(
        "data-no-break-space-in-a-number",
        (*OCTOBER, "data/no-break-space-in-a-number.csv"),
        1,
        (
            "data/no-break-space-in-a-number.csv:5:21: error: 'Totalt antal dagar' must be a "
            "number like 12 or 12,5, not '3<U+00A0>09'\n"
            " 5 | Halmstad;2025-10;57;3\xa009;5,4\n"
            "   |                     ^^^^\n"
        ),
    ),
    Case(
        "data-tab-in-a-number",
        (*OCTOBER, "data/tab-in-a-number.csv"),
        1,
        (
            "data/tab-in-a-number.csv:5:21: error: 'Totalt antal dagar' must be a number like 12 "
            "or 12,5, not '30<U+0009>9'\n"
            " 5 | Halmstad;2025-10;57;30 9;5,4\n"
            "   |                     ^^^^\n"
        ),
    ),
    Case(
        "data-exponent",
        (*OCTOBER, "data/exponent.csv"),
        1,
        (
            "data/exponent.csv:5:18: error: 'Vårdtillfällen' must be a whole number, not "
            "'5.7e1'\n"
            " 5 | Halmstad;2025-10;5.7e1;309;5,4\n"
            "   |                  ^^^^^\n"
        ),
    ),
    Case(
        "data-too-many-digits",
        (*OCTOBER, "data/too-many-digits.csv"),
        1,
        (
            "data/too-many-digits.csv:5:21: error: 'Totalt antal dagar' has 34 digits, more than "
            "the 30 a number in this file may have\n"
            " 5 | Halmstad;2025-10;57;3090000000000000000000000000000000;5,4\n"
            "   |                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "hint: no count of episodes or days, nor their average, has more than 30 digits; "
            "check the row against the source\n"
        ),
    ),
    Case(
        "data-month-thirteen",
        (*OCTOBER, "data/month-thirteen.csv"),
        1,
        (
            "data/month-thirteen.csv:5:10: error: 'Månad' must be a month like 2026-03, not "
            "'2025-13'\n"
            " 5 | Halmstad;2025-13;57;309;5,4\n"
            "   |          ^^^^^^^\n"
        ),
    ),
    Case(
        "data-months-outside-the-range",
        (*OCTOBER, "data/months-outside-the-range.csv"),
        0,
        (
            "data/months-outside-the-range.csv: CSV (UTF-8, separated by ';'), header on row 1; "
            "8 rows read, 6 used, 2 excluded\n"
            "  excluded 2 rows (month other than 2025-10: 2025-11, 2026-10; rows 8, 9)\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  -----------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4210…  0.1210…        57      11500  "
            "79350   27772.5       51578  provisional\n"
            "2025-10  Hylte               5.3           7.5      2.2         2      11500  "
            "50600     17710       32890  provisional\n"
            "2025-10  Laholm              5.3       4.5555…        0         9      11500      "
            "0         0           0  provisional\n"
        ),
    ),
    Case(
        "data-empty-file",
        (*OCTOBER, "data/empty.csv"),
        1,
        ("error: data/empty.csv is empty: it has no header line\n"),
    ),
    Case(
        "data-windows-1252",
        (*OCTOBER, "data/windows-1252.csv"),
        0,
        (
            "data/windows-1252.csv: CSV (Windows-1252, separated by ';'), header on row 1; 6 "
            "rows read, 6 used, 0 excluded\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  -----------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4210…  0.1210…        57      11500  "
            "79350   27772.5       51578  provisional\n"
            "2025-10  Hylte               5.3           7.5      2.2         2      11500  "
            "50600     17710       32890  provisional\n"
            "2025-10  Laholm              5.3       4.5555…        0         9      11500      "
            "0         0           0  provisional\n"
        ),
    ),
    Case(
        "data-utf-16-without-mark",
        (*OCTOBER, "data/utf16-without-mark.csv"),
        1,
        (
            "error: data/utf16-without-mark.csv looks like UTF-16 text without a byte-order mark "
            "(BOM), so its encoding cannot be told for sure\n"
            "hint: save the file again as CSV with UTF-8 encoding (Excel: 'CSV UTF-8')\n"
        ),
    ),
    Case(
        "data-a-row-too-long",
        (*OCTOBER, "data/a-row-too-long.csv"),
        1,
        (
            "data/a-row-too-long.csv:5:29: error: this row has 6 fields, but the header has 5 "
            "columns\n"
            " 5 | Halmstad;2025-10;57;309;5,4;12\n"
            "   |                             ^^\n"
            "hint: put a value that contains ';' in double quotes\n"
        ),
    ),
    Case(
        "data-a-row-too-short",
        (*OCTOBER, "data/a-row-too-short.csv"),
        1,
        (
            "data/a-row-too-short.csv:5:20: error: this row has 3 fields, but the header has 5 "
            "columns\n"
            " 5 | Halmstad;2025-10;57\n"
            "   |                    ^\n"
            "hint: every row needs a value (perhaps empty) for each column; is a ';' missing?\n"
        ),
    ),
    Case(
        "data-a-formula-for-a-name",
        (*OCTOBER, "data/quoted-formula-in-a-name.csv"),
        3,
        (
            "data/quoted-formula-in-a-name.csv: CSV (UTF-8, separated by ';'), header on row 1; "
            "6 rows read, 5 used, 1 excluded\n"
            '  excluded 1 row (municipality not asked for: =HYPERLINK("x"); row 6)\n'
            "data/quoted-formula-in-a-name.csv:1:1: warning: no figures for 'Hylte' in 2025-10\n"
            "month    municipality  benchmark  average days   excess  episodes  price/day  "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  -------  --------  ---------  "
            "-----  --------  ----------  ------------\n"
            "2025-10  Kungsbacka          5.3       4.59375        0        32      11500      "
            "0         0           0  provisional\n"
            "2025-10  Varberg             5.3       3.8857…        0        35      11500      "
            "0         0           0  provisional\n"
            "2025-10  Falkenberg          5.3       3.6315…        0        19      11500      "
            "0         0           0  provisional\n"
            "2025-10  Halmstad            5.3       5.4210…  0.1210…        57      11500  "
            "79350   27772.5       51578  provisional\n"
            "2025-10  "
            "Hylte                                                                       "
            "                      not computed\n"
            "2025-10  Laholm              5.3       4.5555…        0         9      11500      "
            "0         0           0  provisional\n"
        ),
    ),
    Case(
        "data-episodes",
        (*FEBRUARY, "data/episodes.csv"),
        0,
        (
            "data/episodes.csv: CSV (UTF-8, separated by ';'), header on row 1; 8 rows read, 6 "
            "used, 2 excluded\n"
            "  excluded 1 row (month_of(discharge_date) other than 2025-02: 2025-01)\n"
            "  excluded 1 row (no counting month: month_of(discharge_date) is empty)\n"
            "month    municipality  benchmark  average days  excess  episodes  price/day   "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  ------  --------  ---------  "
            "------  --------  ----------  -----------\n"
            "2025-02  Kungsbacka                                            1      11500   "
            "92000         0       92000  provisional\n"
            "2025-02  Varberg                                               1      11500  "
            "149500         0      149500  provisional\n"
            "2025-02  Falkenberg                                            1      11500   "
            "23000         0       23000  provisional\n"
            "2025-02  Halmstad                                              1      11500  "
            "126500         0      126500  provisional\n"
            "2025-02  Hylte                                                 1      11500   "
            "11500         0       11500  provisional\n"
            "2025-02  Laholm                                                1      11500   "
            "69000         0       69000  provisional\n"
        ),
    ),
    Case(
        "data-episodes-without-notice-time",
        (*FEBRUARY, "data/episodes-without-notice-time.csv"),
        0,
        (
            "data/episodes-without-notice-time.csv: CSV (UTF-8, separated by ';'), header on row "
            "1; 8 rows read, 6 used, 2 excluded\n"
            "  excluded 1 row (month_of(discharge_date) other than 2025-02: 2025-01)\n"
            "  excluded 1 row (no counting month: month_of(discharge_date) is empty)\n"
            "  columns not in the file (values unknown): 'Underrättelse klockslag'\n"
            "month    municipality  benchmark  average days  excess  episodes  price/day   "
            "gross  discount  net amount  status\n"
            "-------  ------------  ---------  ------------  ------  --------  ---------  "
            "------  --------  ----------  -----------\n"
            "2025-02  Kungsbacka                                            1      11500   "
            "80500         0       80500  provisional\n"
            "2025-02  Varberg                                               1      11500  "
            "149500         0      149500  provisional\n"
            "2025-02  Falkenberg                                            1      11500   "
            "11500         0       11500  provisional\n"
            "2025-02  Halmstad                                              1      11500  "
            "115000         0      115000  provisional\n"
            "2025-02  Hylte                                                 0      11500       "
            "0         0           0  provisional\n"
            "2025-02  Laholm                                                1      11500   "
            "69000         0       69000  provisional\n"
        ),
    ),
    Case(
        "data-episodes-without-discharge-date",
        (*FEBRUARY, "data/episodes-without-discharge-date-column.csv"),
        1,
        (
            "data/episodes-without-discharge-date-column.csv:1:1: error: missing column "
            "'Utskrivningsdatum' (or 'discharge_date'); the columns found are "
            "'Vårdtillfälle-ID', 'Kommun', 'Utskrivningsklar datum', 'Underrättelse klockslag', "
            "'Inskrivningsmeddelande', 'Underrättelse', 'SIP krävs', 'Kallelse SIP', 'Vårdtyp'\n"
            " 1 | Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse "
            "klockslag;Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP;Vårdtyp\n"
            "   | "
            "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
            "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        ),
    ),
    Case(
        "data-episode-twice",
        (*FEBRUARY, "data/episode-twice.csv"),
        1,
        (
            "data/episode-twice.csv:10:1: error: episode 'VT4' appears on rows 5 and 10; each "
            "episode must appear once\n"
            " 10 | VT4;Halmstad;2025-02-11;11:59;2025-02-25;ja;ja;nej;;somatisk\n"
            "    | ^^^\n"
            "hint: remove the repeated rows, or correct the episode ids\n"
        ),
    ),
    Case(
        "data-discharged-before-ready",
        (*FEBRUARY, "data/discharged-before-ready.csv"),
        1,
        (
            "data/discharged-before-ready.csv:5:31: error: 'Utskrivningsdatum' is 2025-02-10, "
            "before the 'Utskrivningsklar datum' 2025-02-24\n"
            " 5 | VT4;Halmstad;2025-02-24;11:59;2025-02-10;ja;ja;nej;;somatisk\n"
            "   |                               ^^^^^^^^^^\n"
            "hint: a patient is discharged on or after the day they are ready; check both dates\n"
        ),
    ),
    Case(
        "data-spreadsheet-day-number",
        (*FEBRUARY, "data/spreadsheet-day-number.csv"),
        1,
        (
            "data/spreadsheet-day-number.csv:5:14: error: 'Utskrivningsklar datum' must be a "
            "date like 2026-03-15, not '45698'\n"
            " 5 | VT4;Halmstad;45698;11:59;2025-02-24;ja;ja;nej;;somatisk\n"
            "   |              ^^^^^\n"
            "hint: 45698 looks like a date as a spreadsheet counts days (2025-02-10): format the "
            "column as dates (YYYY-MM-DD) and save the file again\n"
        ),
    ),
    Case(
        "data-notice-at-24",
        (*FEBRUARY, "data/notice-at-24.csv"),
        1,
        (
            "data/notice-at-24.csv:5:25: error: 'Underrättelse klockslag' must be a time of day "
            "like 13:45, not '24:00'\n"
            " 5 | VT4;Halmstad;2025-02-10;24:00;2025-02-24;ja;ja;nej;;somatisk\n"
            "   |                         ^^^^^\n"
        ),
    ),
    Case(
        "data-yes-no-maybe",
        (*FEBRUARY, "data/yes-no-maybe.csv"),
        1,
        (
            "data/yes-no-maybe.csv:5:42: error: 'Inskrivningsmeddelande' must be ja or nej (or "
            "empty when not known), not 'kanske'\n"
            " 5 | VT4;Halmstad;2025-02-10;11:59;2025-02-24;kanske;ja;nej;;somatisk\n"
            "   |                                          ^^^^^^\n"
        ),
    ),
    Case(
        "data-discharged-in-the-future",
        (*FEBRUARY, "data/discharged-in-the-future.csv"),
        1,
        (
            "data/discharged-in-the-future.csv: CSV (UTF-8, separated by ';'), header on row 1; "
            "1 row read, 0 used, 1 excluded\n"
            "  excluded 1 row (month_of(discharge_date) other than 2025-02: 2099-02)\n"
            "data/discharged-in-the-future.csv:1:1: warning: no episodes for 'Kungsbacka' in the "
            "file\n"
            "data/discharged-in-the-future.csv:1:1: warning: no episodes for 'Varberg' in the "
            "file\n"
            "data/discharged-in-the-future.csv:1:1: warning: no episodes for 'Falkenberg' in the "
            "file\n"
            "data/discharged-in-the-future.csv:1:1: warning: no episodes for 'Hylte' in the "
            "file\n"
            "data/discharged-in-the-future.csv:1:1: warning: no episodes for 'Laholm' in the "
            "file\n"
            "error: nothing could be billed: none of the 6 lines could be computed\n"
            "note: Kungsbacka 2025-02: the episode extract covers 2099-02 – 2099-02 (the months "
            "of its first and last discharge dates), not 2025-02\n"
            "note: Varberg 2025-02: the episode extract covers 2099-02 – 2099-02 (the months of "
            "its first and last discharge dates), not 2025-02\n"
            "note: Falkenberg 2025-02: the episode extract covers 2099-02 – 2099-02 (the months "
            "of its first and last discharge dates), not 2025-02\n"
            "note: and 3 more lines not computed\n"
        ),
    ),
    Case(
        "data-date-day-month-year",
        (*FEBRUARY, "data/date-day-month-year.csv"),
        1,
        (
            "data/date-day-month-year.csv:5:14: error: 'Utskrivningsklar datum' must be a date "
            "like 2026-03-15, not '10/02/2025'\n"
            " 5 | VT4;Halmstad;10/02/2025;11:59;2025-02-24;ja;ja;nej;;somatisk\n"
            "   |              ^^^^^^^^^^\n"
        ),
    ),
    Case(
        "data-no-episode-id",
        (*FEBRUARY, "data/no-episode-id.csv"),
        1,
        (
            "data/no-episode-id.csv:5:1: error: 'Vårdtillfälle-ID' is empty; it must be an "
            "episode id\n"
            " 5 | ;Halmstad;2025-02-10;11:59;2025-02-24;ja;ja;nej;;somatisk\n"
            "   | ^\n"
        ),
    ),
    Case(
        "data-february-30",
        (*FEBRUARY, "data/february-30.csv"),
        1,
        (
            "data/february-30.csv:5:14: error: 'Utskrivningsklar datum' must be a date like "
            "2026-03-15, not '2025-02-30'\n"
            " 5 | VT4;Halmstad;2025-02-30;11:59;2025-02-24;ja;ja;nej;;somatisk\n"
            "   |              ^^^^^^^^^^\n"
        ),
    ),
    Case(
        "data-utf-16-mark-on-utf-8-text",
        (*FEBRUARY, "data/utf16-mark-on-utf8-text.csv"),
        1,
        (
            "data/utf16-mark-on-utf8-text.csv:9:51: error: the file is not UTF-16 text: byte "
            "0x0A cannot be read\n"
            " 9 | VT8;Halmstad;2025-02-20;08:00;;ja;ja;nej;;somatisk\n"
            "   |                                                   ^\n"
            "hint: save the file again as CSV with UTF-8 encoding (Excel: 'CSV UTF-8')\n"
        ),
    ),
    Case(
        "data-a-pipe",
        (*OCTOBER, "TMP/pipe.csv"),
        1,
        (
            "error: cannot read TMP/pipe.csv: it is a pipe, not a regular file, so it cannot be "
            "read twice\n"
            "hint: save the data to a file first, and give the path of that file\n"
        ),
        make=lambda folder: os.mkfifo(folder / "pipe.csv"),
    ),
    Case(
        "data-a-folder",
        (*OCTOBER, "TMP"),
        1,
        (
            "error: cannot read TMP: it is a folder, not a file\n"
            "hint: give the path of the data file in the folder\n"
        ),
    ),
    Case(
        "data-missing",
        (*OCTOBER, "TMP/missing.csv"),
        1,
        ("error: cannot read TMP/missing.csv: it does not exist\n"),
    ),
    Case(
        "xlsx-formula-without-saved-value",
        (*OCTOBER, "TMP/formula.xlsx"),
        1,
        (
            "TMP/formula.xlsx:2:3: error: 'Totalt antal dagar' in cell C2 is a formula without a "
            "saved value (=B2*5), so its value is not known\n"
            "hint: the workbook was saved by a program that does not compute formulas: open it "
            "in Excel or LibreOffice and save it again, or replace the formulas by their values "
            "(copy the cells, then Paste Special › Values)\n"
        ),
        make=bad_files.formula_without_value,
    ),
    Case(
        "xlsx-discharge-date-formula",
        (*FEBRUARY, "TMP/today.xlsx"),
        1,
        (
            "TMP/today.xlsx:2:4: error: 'Utskrivningsdatum' in cell D2 is a formula without a "
            "saved value (=TODAY()), so its value is not known\n"
            "hint: the workbook was saved by a program that does not compute formulas: open it "
            "in Excel or LibreOffice and save it again, or replace the formulas by their values "
            "(copy the cells, then Paste Special › Values)\n"
        ),
        make=bad_files.discharged_today,
    ),
    Case(
        "xlsx-first-sheet-empty",
        (*OCTOBER, "TMP/second.xlsx"),
        1,
        (
            "error: TMP/second.xlsx is empty: its first sheet has no rows\n"
            "hint: only the first sheet, 'Sheet', is read, but sheet 'Data' has rows: move that "
            "sheet first (drag its tab to the far left), or delete the sheets before it\n"
        ),
        make=bad_files.data_on_second_sheet,
    ),
    Case(
        "xlsx-not-a-workbook",
        (*OCTOBER, "TMP/renamed.xlsx"),
        1,
        (
            "error: cannot read TMP/renamed.xlsx as an Excel workbook (File is not a zip file)\n"
            "hint: save it from Excel as 'Excel Workbook (.xlsx)', or as CSV\n"
        ),
        make=bad_files.renamed_csv,
    ),
    Case(
        "xlsx-malformed-sheet",
        (*OCTOBER, "TMP/broken.xlsx"),
        1,
        (
            "error: cannot read TMP/broken.xlsx as an Excel workbook (';A' is not a valid column "
            "name. Column names are from A to ZZZ)\n"
            "hint: save it from Excel as 'Excel Workbook (.xlsx)', or as CSV\n"
        ),
        make=bad_files.malformed_sheet,
    ),
    Case(
        "xlsx-day-numbers",
        (*FEBRUARY, "TMP/serial.xlsx"),
        1,
        (
            "TMP/serial.xlsx:2:3: error: 'Utskrivningsklar datum' in cell C2 must be a date like "
            "2026-03-15, not '45698'\n"
            "hint: 45698 looks like a date as a spreadsheet counts days (2025-02-10): format the "
            "column as dates (YYYY-MM-DD) and save the file again\n"
        ),
        make=bad_files.day_numbers,
    ),
    Case(
        "limit-agreement-file-size",
        ("check", "TMP/agreement.yaml"),
        1,
        (
            "TMP/agreement.yaml:1:1: error: the file is larger than 1 MiB, the most it may be\n"
            "hint: an agreement file holds one document; split a larger one into several files\n"
        ),
        make=made(bad_files.agreement_of_size, (1 << 20) + 1),
    ),
    Case(
        "limit-aliases",
        ("check", "agreements/aliases-repeated-a-million-times.yaml"),
        1,
        (
            "agreements/aliases-repeated-a-million-times.yaml:5:1: error: the file holds more "
            "than 100000 values, the most a file may hold (a value repeated by an alias ('*') "
            "counts each time)\n"
            " 5 | e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            "   | ^\n"
            "hint: write the values out instead of repeating them with aliases ('*')\n"
        ),
    ),
    Case(
        "limit-nesting",
        ("check", "agreements/nested-too-deeply.yaml"),
        1,
        (
            "agreements/nested-too-deeply.yaml:2:107: error: the file is nested too deeply to "
            "read (more than 100 levels)\n"
            " 2 | notes: "
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
            "[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
            "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
            "   |                                                                        "
            "                                   ^\n"
            "hint: write the values out instead of nesting them so deeply\n"
        ),
    ),
    Case(
        "limit-formula-nesting",
        ("check", "agreements/formula-nested-too-deeply.yaml"),
        1,
        (
            "agreements/formula-nested-too-deeply.yaml:26:115: error: the formula is nested too "
            "deeply (more than 100 levels)\n"
            " 26 |   benchmark: "
            "(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
            "(((((((((((((((((((((((((3 "
            "days))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"
            ")))))))))))))))))))))))))))))\n"
            "    |                                                                       "
            "                                            ^^^^^^\n"
            "hint: split it into several rules that refer to each other by name\n"
        ),
    ),
    Case(
        "limit-formula-length",
        ("check", "agreements/formula-too-long.yaml"),
        1,
        (
            "agreements/formula-too-long.yaml:26:2014: error: the formula is too long (2256 "
            "characters; at most 2000)\n"
        ),
    ),
    Case(
        "limit-xlsx-unpacked-size",
        (*OCTOBER, "TMP/bomb.xlsx"),
        1,
        (
            "error: TMP/bomb.xlsx unpacks to 520 MiB, more than the 512 MiB a workbook may "
            "unpack to\n"
            "hint: a data file holds one row per episode or per municipality and month; if this "
            "one is real, save it again from Excel or LibreOffice, or save the sheet as CSV, "
            "which is read streaming\n"
        ),
        make=made(bad_files.padded_workbook, "bomb.xlsx", 520, 1),
    ),
    Case(
        "limit-xlsx-packing",
        (*OCTOBER, "TMP/tight.xlsx"),
        1,
        (
            "error: TMP/tight.xlsx is packed too tightly to be a spreadsheet: its part "
            "xl/worksheets/sheet1.xml unpacks from 8.3 KiB to 8 MiB, more than 100 times its "
            "size\n"
            "hint: a data file holds one row per episode or per municipality and month; if this "
            "one is real, save it again from Excel or LibreOffice, or save the sheet as CSV, "
            "which is read streaming\n"
        ),
        make=made(bad_files.padded_workbook, "tight.xlsx", 8, 9),
    ),
    Case(
        "limit-xlsx-rows",
        (*OCTOBER, "TMP/rows.xlsx"),
        1,
        (
            "error: TMP/rows.xlsx has more than 1000 rows, the most a sheet can have\n"
            "hint: a data file holds one row per episode or per municipality and month; if this "
            "one is real, save it again from Excel or LibreOffice, or save the sheet as CSV, "
            "which is read streaming\n"
        ),
        make=made(bad_files.far_row, 1001),
        limits={"MAX_ROWS": 1000},
    ),
    Case(
        "limit-xlsx-columns",
        (*OCTOBER, "TMP/columns.xlsx"),
        1,
        (
            "error: row 2 of TMP/columns.xlsx reaches column 16385, past the 16384 columns a "
            "sheet can have\n"
            "hint: a data file holds one row per episode or per municipality and month; if this "
            "one is real, save it again from Excel or LibreOffice, or save the sheet as CSV, "
            "which is read streaming\n"
        ),
        make=bad_files.far_column,
    ),
    Case(
        "limit-csv-columns",
        (*OCTOBER, "TMP/wide.csv"),
        1,
        (
            "TMP/wide.csv:1:1: error: the header has 16385 columns, more than the 16384 a data "
            "file may have\n"
        ),
        make=made(bad_files.wide_csv, 16_385),
    ),
    Case(
        "files-dangling-link",
        ("check", "TMP/agreements"),
        1,
        (
            "TMP/agreements/moved.yaml:1:1: error: the file is a link to 'TMP/moved-away.yaml', "
            "which does not exist\n"
            "hint: point the link at the agreement file, or remove it\n"
        ),
        make=made(bad_files.agreements_with, "moved.yaml", "dangling"),
    ),
    Case(
        "files-pipe",
        ("check", "TMP/agreements"),
        1,
        (
            "TMP/agreements/pipe.yaml:1:1: error: the file is a pipe (FIFO), not a regular file, "
            "so it cannot be read\n"
            "hint: agreement files are plain text files: put the file itself here, or remove "
            "this\n"
        ),
        make=made(bad_files.agreements_with, "pipe.yaml", "pipe"),
    ),
    Case(
        "files-link-to-dev-zero",
        ("check", "TMP/agreements"),
        1,
        (
            "TMP/agreements/zero.yaml:1:1: error: the file is a link to '/dev/zero', a device, "
            "not a regular file, so it cannot be read\n"
            "hint: agreement files are plain text files: put the file itself here, or remove "
            "this\n"
        ),
        make=made(bad_files.agreements_with, "zero.yaml", "zero"),
    ),
    Case(
        "output-link-into-a-missing-folder",
        (*OCTOBER, "../../../examples/halland/aggregates.csv", "--output", "TMP/out.csv"),
        2,
        (
            "../../../examples/halland/aggregates.csv: CSV (UTF-8 with BOM, separated by ';'), "
            "header on row 1; 300 rows read, 6 used, 294 excluded\n"
            "  excluded 294 rows (month other than 2025-10: 2022-11, 2022-12, 2023-01, 2023-02, "
            "2023-03 and 44 more; rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …)\n"
            "error: cannot write TMP/out.csv: it is a link to TMP/missing/out.csv, and "
            "TMP/missing does not exist\n"
        ),
        make=made(bad_files.link_to, "out.csv", "missing/out.csv"),
    ),
    Case(
        "output-linked-folder-missing",
        (*OCTOBER, "../../../examples/halland/aggregates.csv", "--output", "TMP/gone/out.csv"),
        2,
        (
            "../../../examples/halland/aggregates.csv: CSV (UTF-8 with BOM, separated by ';'), "
            "header on row 1; 300 rows read, 6 used, 294 excluded\n"
            "  excluded 294 rows (month other than 2025-10: 2022-11, 2022-12, 2023-01, 2023-02, "
            "2023-03 and 44 more; rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …)\n"
            "error: cannot write TMP/gone/out.csv: the folder TMP/gone leads to TMP/nowhere, "
            "which does not exist\n"
        ),
        make=made(bad_files.link_to, "gone", "nowhere"),
    ),
    Case(
        "output-a-folder",
        (*OCTOBER, "../../../examples/halland/aggregates.csv", "--output", "TMP/"),
        2,
        (
            "../../../examples/halland/aggregates.csv: CSV (UTF-8 with BOM, separated by ';'), "
            "header on row 1; 300 rows read, 6 used, 294 excluded\n"
            "  excluded 294 rows (month other than 2025-10: 2022-11, 2022-12, 2023-01, 2023-02, "
            "2023-03 and 44 more; rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …)\n"
            "error: cannot write TMP/: that names a folder; give a file name\n"
        ),
    ),
    Case(
        "output-the-data-file",
        (*OCTOBER, "data/windows-1252.csv", "--output", "data/windows-1252.csv"),
        2,
        (
            "data/windows-1252.csv: CSV (Windows-1252, separated by ';'), header on row 1; 6 "
            "rows read, 6 used, 0 excluded\n"
            "error: --output data/windows-1252.csv is data/windows-1252.csv, which this run "
            "reads; give another file name\n"
        ),
    ),
    Case(
        "output-under-a-file",
        (
            *OCTOBER,
            "../../../examples/halland/aggregates.csv",
            "--output",
            "data/empty.csv/out.csv",
        ),
        2,
        (
            "../../../examples/halland/aggregates.csv: CSV (UTF-8 with BOM, separated by ';'), "
            "header on row 1; 300 rows read, 6 used, 294 excluded\n"
            "  excluded 294 rows (month other than 2025-10: 2022-11, 2022-12, 2023-01, 2023-02, "
            "2023-03 and 44 more; rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …)\n"
            "error: cannot write data/empty.csv/out.csv: the folder data/empty.csv is not a "
            "folder\n"
        ),
    ),
    Case(
        "usage-one-digit-month",
        ("evaluate", "--month", "2024-1", *HALLAND, "--data", "data/header-only.csv"),
        2,
        ("error: --month takes a month written YYYY-MM, like 2026-03, not '2024-1'\n"),
    ),
    Case(
        "usage-month-thirteen",
        ("evaluate", "--month", "2024-13", *HALLAND, "--data", "data/header-only.csv"),
        2,
        ("error: --month takes a month written YYYY-MM, like 2026-03, not '2024-13'\n"),
    ),
    Case(
        "usage-to-before-month",
        (
            "evaluate",
            "--month",
            "2024-05",
            "--to",
            "2024-04",
            *HALLAND,
            "--data",
            "data/header-only.csv",
        ),
        2,
        ("error: --to 2024-04 is before --month 2024-05\n"),
    ),
    Case(
        "usage-timeline-one-digit-month",
        ("timeline", "--from", "2024-1", "--agreements", "../../../agreements"),
        2,
        ("error: --from takes a month written YYYY-MM, like 2026-03, not '2024-1'\n"),
    ),
    Case(
        "usage-unknown-municipality",
        (
            "explain",
            "--month",
            "2025-10",
            "--municipality",
            "Göteborg",
            *HALLAND,
            "--data",
            "data/header-only.csv",
        ),
        2,
        (
            "error: unknown municipality 'Göteborg'; the municipalities are: Kungsbacka, "
            "Varberg, Falkenberg, Halmstad, Hylte, Laholm\n"
        ),
    ),
    Case(
        "usage-reading-misspelt",
        (*OCTOBER, "data/header-only.csv", "--reading", "benchmark-2024=2021-averag"),
        2,
        (
            "error: assumption benchmark-2024 has no reading '2021-averag'\n"
            "hint: did you mean '2021-average-from-2024'?\n"
        ),
    ),
    Case(
        "usage-reading-without-rules",
        (
            "timeline",
            "--agreements",
            "../../../agreements",
            "--reading",
            "pooling=two-pools-own-averages",
        ),
        2,
        (
            "error: --reading pooling=two-pools-own-averages cannot be billed: Needs the national "
            "averages of somatic and of psychiatric care apart, which no file gives (they are not "
            "in our sources): a rule would stand on figures not on file.\n"
            "hint: the readings of pooling that can be billed are: one-pool (the rules' own), "
            "two-pools-one-benchmark\n"
        ),
    ),
    Case(
        "usage-reading-not-written-so",
        ("timeline", "--agreements", "../../../agreements", "--reading", "rounding"),
        2,
        (
            "error: --reading takes ASSUMPTION=ALTERNATIVE, like "
            "benchmark-2024=2021-average-from-2024, not 'rounding'\n"
        ),
    ),
    Case(
        "usage-xlsx-without-output",
        (*OCTOBER, "data/windows-1252.csv", "--format", "xlsx"),
        2,
        ("error: --format xlsx needs --output FILE\n"),
    ),
    Case(
        "diff-changed-with-exit-code",
        (
            "diff",
            "--exit-code",
            "../../../agreements/halland/2022-agreement.yaml",
            "../diff/benchmark-reading-a/2022-agreement.yaml",
        ),
        4,
        (
            "../../../agreements/halland/2022-agreement.yaml → "
            "../diff/benchmark-reading-a/2022-agreement.yaml\n"
        ),
    ),
    Case(
        "diff-changed-without-exit-code",
        (
            "diff",
            "../../../agreements/halland/2022-agreement.yaml",
            "../diff/benchmark-reading-a/2022-agreement.yaml",
        ),
        0,
        (
            "../../../agreements/halland/2022-agreement.yaml → "
            "../diff/benchmark-reading-a/2022-agreement.yaml\n"
        ),
    ),
]


FAMILIES = (
    "yaml",
    "schema",
    "formula",
    "units",
    "timeline",
    "data",
    "xlsx",
    "limit",
    "files",
    "output",
    "usage",
    "diff",
)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_bad_input_gets_its_exact_message_and_exit_code(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What people and scripts act on: the words, the place, the hint and the exit code."""
    from agreement_engine.data import limits

    monkeypatch.chdir(BAD)
    for name, value in case.limits.items():
        monkeypatch.setattr(limits, name, value)
    if case.make is not None:
        case.make(tmp_path)
    args = [arg.replace("TMP", str(tmp_path)) for arg in case.args]
    result = CliRunner().invoke(app, args)
    output = result.output.replace(str(tmp_path), "TMP")
    assert case.expected and "Traceback" not in output
    assert output.startswith(case.expected), output
    assert result.exit_code == case.code, output


def test_the_catalogue_covers_every_family_with_sixty_cases_or_more() -> None:
    """Every kind of input the engine takes has its broken forms here, each named once."""
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 60
    assert {name.split("-", 1)[0] for name in names} == set(FAMILIES)


def test_every_broken_fixture_file_is_used_by_a_case() -> None:
    """A fixture no case reads would look tested and test nothing."""
    used = {arg for case in CASES for arg in case.args}
    files = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*") if p.is_file()}
    unused = {f for f in files if f not in used and f.rsplit("/", 1)[0] not in used}
    assert unused == set()


# --- a column the rules read, absent from the extract --------------------------------------------

ABSENT = (
    "the data has no column 'Underrättelse klockslag' (notice_time): liability_start reads it as "
    "not known for any episode, and a condition on it as not met"
)
WITHOUT_NOTICE = (*FEBRUARY, "data/episodes-without-notice-time.csv")


def test_an_absent_column_shows_on_every_line_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the notice time, the statute's liable days move; each line must say why, in
    the table, CSV, JSON, XLSX and explain, never a silent default."""
    from openpyxl import load_workbook

    monkeypatch.chdir(BAD)
    table = CliRunner().invoke(app, [*WITHOUT_NOTICE])
    assert f"provisional: {ABSENT} — all lines" in table.stdout
    written = CliRunner().invoke(app, [*WITHOUT_NOTICE, "--format", "csv"]).stdout
    header, *rows = csv.reader(io.StringIO(written), delimiter=";")
    at = header.index("reasons")
    assert len(rows) == 6 and all(ABSENT in row[at] for row in rows)
    basis = json.loads(CliRunner().invoke(app, [*WITHOUT_NOTICE, "--format", "json"]).stdout)
    assert all(ABSENT in line["reasons"] for line in basis["lines"])
    target = tmp_path / "basis.xlsx"
    assert CliRunner().invoke(app, [*WITHOUT_NOTICE, "--output", str(target)]).exit_code == 0
    sheet = load_workbook(target).worksheets[0]
    at = [cell.value for cell in sheet[1]].index("reasons")
    reasons = [row[at] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(reasons) == 6 and all(ABSENT in str(reason) for reason in reasons)
    explained = CliRunner().invoke(
        app, ["explain", "--month", "2025-02", "--municipality", "Falkenberg", *WITHOUT_NOTICE[3:]]
    )
    assert f"  - {ABSENT}\n" in explained.stdout


def test_the_same_extract_with_its_notice_times_bills_otherwise_and_says_nothing_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reason is no boilerplate: with the column, Falkenberg's notice at 09:00 starts
    liability a day earlier (23 000 kr, not 11 500 kr), and no line names the column."""
    monkeypatch.chdir(BAD)
    whole = CliRunner().invoke(app, [*FEBRUARY, "data/episodes.csv", "--format", "json"])
    absent = CliRunner().invoke(app, [*WITHOUT_NOTICE, "--format", "json"])
    amounts = {
        name: {line["municipality"]: line["net_amount"] for line in json.loads(run.stdout)["lines"]}
        for name, run in (("whole", whole), ("absent", absent))
    }
    assert (amounts["whole"]["Falkenberg"], amounts["absent"]["Falkenberg"]) == ("23000", "11500")
    assert ABSENT not in whole.stdout


# --- signals -------------------------------------------------------------------------------------

CONSOLE_SCRIPT = Path(sys.executable).parent / "agreement-engine"


def _sigint_ignored(pid: int) -> bool:
    """Whether the process ignores SIGINT (Linux: the mask of ignored signals in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:"))
    return bool(int(mask, 16) & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_ctrl_c_during_start_up_ends_with_130_and_no_traceback() -> None:
    """Ctrl-C while the console script still imports: 'interrupted', 130, nothing printed. The
    script starts with SIGINT ignored, as a shell starts a job in the background; once its
    first line has taken SIGINT over (the ignored mask clears), SIGINT is sent, while the slow
    imports run, before any command does."""
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "check", str(ROOT / "agreements")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    deadline = time.monotonic() + 30
    while _sigint_ignored(process.pid) and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (130, "", "interrupted\n")


INTERRUPTED_WHILE_WRITING = """
import os, signal, sys, time
def replace(*args, **kwargs):  # the whole file is written; Ctrl-C comes before it is renamed
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)
os.replace = replace
from agreement_engine.cli.console import main
sys.argv = ["agreement-engine", *sys.argv[1:]]
main()
"""


def test_ctrl_c_while_the_output_is_written_leaves_no_file_and_no_traceback(
    tmp_path: Path,
) -> None:
    """Ctrl-C during a run: 'interrupted', 130, and neither the output file nor its temporary
    copy is left behind, so nothing half-written can be taken for the invoice basis."""
    target = tmp_path / "basis.csv"
    arguments = [*OCTOBER, "data/windows-1252.csv", "--output", str(target)]
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WHILE_WRITING, *arguments],
        cwd=BAD,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.endswith("interrupted\n")
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
