"""The streaming check of episode extracts agrees with the in-memory reader, row for row."""

import threading
from datetime import date, time
from pathlib import Path
from typing import TypeVar

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreement_engine import api
from agreement_engine.billing.inputs import Billing, count, read_episode_data
from agreement_engine.billing.ruleset import type_rules
from agreement_engine.billing.timeline import governance
from agreement_engine.cli import commands
from agreement_engine.data import (
    Episodes,
    Reading,
    episode_scan,
    episodes,
    field_texts,
    read_episodes,
    read_episodes_frame,
    read_episodes_then,
    repeats,
    sniff,
)
from agreement_engine.data.csv_file import PlainLines, open_csv
from agreement_engine.diagnostics import EngineError, render_text
from agreement_engine.months import YearMonth

ROOT = Path(__file__).resolve().parents[2]
HALLAND = ("Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg")
HEADER = (
    "Vårdtillfälle-ID;Kommun;Utskrivningsklar datum;Underrättelse klockslag;Utskrivningsdatum;"
    "Inskrivningsmeddelande;Underrättelse;SIP krävs;Kallelse SIP;Vårdtyp"
)

Outcome = tuple[str, object, object, object]


def outcome(path: Path, municipalities: tuple[str, ...] | None) -> Outcome:
    """What reading a file gives: the frame's rows, the report and warnings; or the errors."""
    try:
        frame, report, warnings = read_episodes_frame(path, municipalities=municipalities)
    except EngineError as exc:
        return ("errors", "\n".join(render_text(d) for d in exc.diagnostics), None, None)
    shown = [render_text(w) for w in warnings]
    return ("read", (dict(frame.schema), frame.rows()), report.lines(), shown)


def in_memory(
    path: Path, municipalities: tuple[str, ...] | None, monkeypatch: pytest.MonkeyPatch
) -> Outcome:
    """The same, with the streaming check turned off."""
    with monkeypatch.context() as patch:
        patch.setattr(episodes, "check", lambda *args: None)
        return outcome(path, municipalities)


def streamed(path: Path, municipalities: tuple[str, ...] | None = HALLAND) -> bool:
    """Whether the file was checked streaming (not read in memory)."""
    found, _, _ = read_episodes(path, municipalities=municipalities)
    return not isinstance(found.source, pl.DataFrame)


def write(folder: Path, lines: list[str], name: str = "extract.csv", **options: str) -> Path:
    path = folder / name
    newline = options.get("newline", "\n")
    text = newline.join(lines) + options.get("end", newline)
    path.write_bytes(text.encode(options.get("encoding", "utf-8")))
    return path


CLEAN = [
    HEADER,
    "VT-1;Varberg;2026-03-02;11:40;2026-03-06;ja;ja;nej;;Somatisk",
    "VT-2;Halmstads kommun;2026-03-03;12:00:30;2026-03-03;JA;Ja;ja;ja;psykiatrisk",
    "VT-3;Göteborg;2026-03-04;09:15;2026-03-09;ja;ja;nej;nej;somatisk",
    "VT-4;Laholm;2026-3-5;13.05;;nej;ja;;;somatisk",
    "VT-5;Hylte;2026-03-06;;2026-03-10;yes;no;true;false;",
]

VARIANTS = {
    "clean": (CLEAN, {}),
    "CRLF line ends": (CLEAN, {"newline": "\r\n"}),
    "no line end at the end": (CLEAN, {"newline": "\r\n", "end": ""}),
    "Windows-1252": (CLEAN, {"encoding": "cp1252"}),
    "UTF-8 with BOM": (CLEAN, {"encoding": "utf-8-sig"}),
    "UTF-16": (CLEAN, {"encoding": "utf-16"}),
    "blank rows between and after": (
        [*CLEAN[:2], "", ";;;;;;;;;", *CLEAN[2:], "", ";;;"],
        {},
    ),
    "spaces around values": (
        [
            HEADER,
            " VT-1 ;  Varberg ; 2026-03-02 ;11:40 ;2026-03-06\u00a0; ja;ja ;nej;; Somatisk ",
            "VT-2;Varberg;2026-03-03; 12:00;2026-03-04;nej;ja;nej;;somatisk",
        ],
        {},
    ),
    "trailing separators": ([f"{line};;" for line in CLEAN], {}),
    "trailing separators on the first row only": ([HEADER, f"{CLEAN[1]};;", *CLEAN[2:]], {}),
    "quoted fields on one line": (
        [HEADER, '"VT-1";"Varberg";"2026-03-02";"11:40";"2026-03-06";"ja";"ja";"nej";"";"a;b"'],
        {},
    ),
    "a title above the header": (["Utdrag 2026-04-01", "", *CLEAN], {}),
    "a column not used and one without a name": (
        [f"{HEADER};Kommentar;", *(f"{line};x;" for line in CLEAN[1:])],
        {},
    ),
    "English names and commas, columns left out": (
        [
            "episode_id,municipality,ready_date,discharge_date",
            "E1,Kungsbacka,2026-03-01,2026-03-02",
            "E2,Kungsbacka,2026-03-01,",
        ],
        {},
    ),
    "many other municipalities, interleaved": (
        [
            HEADER,
            *(
                f"X{n};{'Varberg' if n % 7 == 0 else f'Kommun {n % 30}'};2026-03-01;;;;;;;"
                for n in range(60)
            ),
        ],
        {},
    ),
    "only the header": ([HEADER], {}),
    # Each of these is a problem, or may be one: the in-memory reader has the last word.
    "a bad date": ([*CLEAN, "VT-6;Varberg;2026-02-30;;;;;;;"], {}),
    "a bad date in a municipality left out": ([*CLEAN, "VT-6;Göteborg;2026-02-30;;;;;;;"], {}),
    "a repeated id": ([*CLEAN, "VT-1;Hylte;2026-03-01;;;;;;;"], {}),
    "an id repeated only in a municipality left out": (
        [*CLEAN, "VT-3;Malmö;2026-03-01;;;;;;;"],
        {},
    ),
    "an id that repeats once spaces are stripped": ([*CLEAN, "VT-1 ;Hylte;2026-03-01;;;;;;;"], {}),
    "discharged before ready": ([*CLEAN, "VT-6;Varberg;2026-03-05;;2026-03-01;;;;;"], {}),
    "discharged before ready, with spaces": (
        [*CLEAN, "VT-6;Varberg;2026-03-05 ;;2026-03-01;;;;;"],
        {},
    ),
    "a misspelt municipality": ([*CLEAN, "VT-6;Varbreg;2026-03-01;;;;;;;"], {}),
    "no municipality": ([*CLEAN, "VT-6;;2026-03-01;;;;;;;"], {}),
    "no id": ([*CLEAN, " ;Varberg;2026-03-01;;;;;;;"], {}),
    "a row of spaces only": ([*CLEAN[:3], " ; ;;;;;;;;", *CLEAN[3:]], {}),
    "too few fields": ([*CLEAN, "VT-6;Varberg;2026-03-01"], {}),
    "one field too few": ([*CLEAN[:3], "VT-6;Varberg;2026-03-01;;;;;;", *CLEAN[3:]], {}),
    "one field too few, CRLF": ([*CLEAN, "VT-6;Varberg;2026-03-01;;;;;;"], {"newline": "\r\n"}),
    "one field too few, and one more at the very end": (
        [*CLEAN[:2], "VT-6;Varberg;2026-03-01;;;;;;", f"{CLEAN[2]};"],
        {"end": ""},
    ),
    "one field too few, no line end at the end": (
        [*CLEAN, "VT-6;Varberg;2026-03-01;;;;;;"],
        {"end": ""},
    ),
    "one field too few, and a blank row": ([*CLEAN, "", "VT-6;Varberg;2026-03-01;;;;;;"], {}),
    "one field too few, and a line in CRLF": (
        [*CLEAN[:2], f"{CLEAN[2]}\r", "VT-6;Varberg;2026-03-01;;;;;;"],
        {},
    ),
    "too many fields": ([*CLEAN, "VT-6;Varberg;2026-03-01;;;;;;;;x"], {}),
    "a value under a column without a name": (
        [f"{HEADER};", *CLEAN[1:], "VT-6;Hylte;2026-03-01;;;;;;;;x"],
        {},
    ),
    "a record over two lines": ([*CLEAN, 'VT-6;Varberg;2026-03-01;;;;;;;"somatisk', 'vård"'], {}),
    "an unpaired quote": ([*CLEAN, 'VT-6;Var"berg;2026-03-01;;;;;;;'], {}),
    "a bad time and yes/no": ([*CLEAN, "VT-6;Varberg;2026-03-01;25:00;;kanske;;;;"], {}),
    "a date of the year 0": ([*CLEAN, "VT-6;Varberg;2026-03-01;;0000-03-04;;;;;"], {}),
    # polars drops a byte-order mark that begins the first row, and only there
    "a byte-order mark beginning the first row": ([HEADER, "\ufeff" + CLEAN[1], *CLEAN[2:]], {}),
    "a marked first row and a row 3 fields short": (
        [HEADER, "\ufeff" + CLEAN[1], "VT-2;Varberg;2026-03-03;11:40;2026-03-07;ja;ja"],
        {},
    ),
    "a marked first row whose id repeats": (
        [HEADER, "\ufeff" + CLEAN[1], "VT-1;Hylte;2026-03-03;;;;;;;"],
        {},
    ),
    "a lone CR in a title line": (["Utdrag\r2026-04-01", *CLEAN], {}),
    "quotes inside fields and a field too many": (
        [HEADER, 'VT"1;Var"berg;2026-03-02;11:40;2026-03-06;ja;ja;nej;;somatisk;EXTRA'],
        {},
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("asked", [HALLAND, None], ids=["Halland asked for", "all"])
@pytest.mark.parametrize("head", [20_000, 1], ids=["texts met in the first rows", "met later"])
def test_the_streaming_check_gives_what_the_in_memory_reader_gives(
    name: str,
    asked: tuple[str, ...] | None,
    head: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same frame, same report, same warnings, same errors, word for word, whichever path; also
    when some texts are neither usual ('2026-03-02', '11:40') nor met in the first rows."""
    monkeypatch.setattr(field_texts, "_HEAD_ROWS", head)
    lines, options = VARIANTS[name]
    path = write(tmp_path, lines, **options)
    assert outcome(path, asked) == in_memory(path, asked, monkeypatch)


SOUND = [
    "clean",
    "CRLF line ends",
    "no line end at the end",
    "Windows-1252",
    "UTF-8 with BOM",
    "UTF-16",
    "blank rows between and after",
    "spaces around values",
    "trailing separators",
    "trailing separators on the first row only",
    "quoted fields on one line",
    "a title above the header",
    "English names and commas, columns left out",
    "many other municipalities, interleaved",
    "only the header",
]


def test_a_text_first_met_past_the_first_rows_is_checked_in_a_second_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clean extract's 'JA', 'yes', 'true', 'psykiatrisk', '2026-3-5' and '13.05' first come
    after its first row, and are not the usual forms of dates and times: the file is scanned
    again with those fields' texts gathered, and is still not held in memory. Its other dates
    ('2026-03-06', …) and the empty text of an optional field are known before the pass."""
    monkeypatch.setattr(field_texts, "_HEAD_ROWS", 1)
    gathered = []
    scan = episode_scan._Scan

    def recorded(*args: object, **options: object) -> episode_scan._Scan:
        made = scan(*args, **options)  # type: ignore[arg-type]
        gathered.append(made.gathered)
        return made

    monkeypatch.setattr(episode_scan, "_Scan", recorded)
    assert streamed(write(tmp_path, CLEAN))
    assert gathered == [
        frozenset(),
        {
            "ready_date",
            "notice_time",
            "admission_notice_sent",
            "ready_notice_sent",
            "sip_required",
            "sip_invitation_sent",
            "care_type",
        },
    ]


@pytest.mark.parametrize("name", SOUND)
def test_a_sound_extract_is_checked_streaming_not_held_in_memory(name: str, tmp_path: Path) -> None:
    """The usual ways of writing a good extract need no second, in-memory reading."""
    lines, options = VARIANTS[name]
    assert streamed(write(tmp_path, lines, **options))


@pytest.mark.parametrize(
    ("name", "scans"),
    [
        ("clean", [True]),
        ("CRLF line ends", [True]),
        ("no line end at the end", [True]),
        ("Windows-1252", [True]),
        ("UTF-16", [True]),
        ("a title above the header", [True]),
        ("only the header", [True]),
        ("spaces around values", [True, True]),  # the dates' spaces stripped
        ("blank rows between and after", [True, False]),
        ("trailing separators", [True]),
        ("trailing separators on the first row only", [True, False]),
        ("quoted fields on one line", [False]),
        # Not vouched for by the bytes: split line by line, which finds the short record.
        ("one field too few", [True, False]),
        ("one field too few, CRLF", [True, False]),
        ("one field too few, no line end at the end", [False]),  # its last line: too few
        # polars does not count an empty field after a separator that ends the file
        ("one field too few, and one more at the very end", [False]),
        ("one field too few, and a blank row", [True, False]),
        ("one field too few, and a line in CRLF", [False]),  # a CR in LF lines: not plain
    ],
)
def test_a_plain_extract_is_split_by_polars_csv_reader_in_one_pass(
    name: str, scans: list[bool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fields are split by polars' CSV reader when the file's size can vouch that no record has
    fewer fields (else line by line, split on the separator): which scans ran, by fields or not."""
    ran: list[bool] = []
    run = episode_scan._Scan.run

    def recorded(scan: episode_scan._Scan, municipalities: tuple[str, ...]) -> object:
        ran.append(scan.by_fields)
        return run(scan, municipalities)

    monkeypatch.setattr(episode_scan._Scan, "run", recorded)
    lines, options = VARIANTS[name]
    path = write(tmp_path, lines, **options)
    if "too few" in name:
        with pytest.raises(EngineError, match="has 9 fields, but the header has 10 columns"):
            read_episodes(path, municipalities=HALLAND)
    else:
        assert streamed(path)
    assert ran == scans


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b"a;b\n1;2\n", PlainLines(4, 1)),
        (b"a;b\r\n1;2\r\n", PlainLines(5, 2)),
        (b"title\n\na;b\n1;2\n", PlainLines(4, 1)),
        (b"a;b\n", PlainLines(0, 1)),
        (b'a;b\n"1";2\n', None),  # quotes
        (b"a;b\n1;2", PlainLines(3, 1, ended=False)),
        (b"a;b\r\n1;2", PlainLines(3, 2, ended=False)),
        (b"a;b\r\n1;2\r", None),  # a CR at the very end
        (b"a;b\n1;", PlainLines(2, 1, ended=False)),  # the last field empty
        (b"a;b\n1;2;", None),  # a separator past the header's columns, which polars drops
        (b"a;b\n1;2\n\n", None),  # a blank line at the end
        (b"a;b\r\n1;2\r\n\r\n", None),
        (b"a;b\n1;2\r\n", None),  # LF and CRLF
        (b"a;b\n1\r;2\n", None),
    ],
)
def test_a_count_of_bytes_vouches_only_for_plain_lines(
    text: bytes, plain: PlainLines | None, tmp_path: Path
) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes(text)
    csv = open_csv(str(path), ["a"], Reading())
    assert csv.plain == plain


@pytest.mark.parametrize(
    ("text", "records", "text_bytes", "whole"),
    [
        (b"a;b;c\n1;22;3\n4;5;6\n", 2, 7, True),
        (b"a;b;c\r\n1;22;3\r\n4;5;6\r\n", 2, 7, True),
        (b"a;b;c\n1;22\n4;5;6\n", 2, 6, False),  # a record one field short
        (b"a;b;c\n1;22;\n4;5;6\n", 2, 6, True),  # … and one with that field empty
        (b"a;b;c\r\n1;22;3\r\n4;5;6", 2, 7, True),  # no line end at the end
        (b"a;b;c\r\n1;22;3\r\n4;5", 2, 6, False),
    ],
)
def test_the_bytes_not_in_fields_are_those_of_whole_records(
    text: bytes, records: int, text_bytes: int, whole: bool, tmp_path: Path
) -> None:
    path = tmp_path / "extract.csv"
    path.write_bytes(text)
    csv = open_csv(str(path), ["a"], Reading())
    found = (
        csv.fields(whole=True)
        .select(
            pl.len(),
            pl.sum_horizontal(pl.col("c0", "c1", "c2").str.len_bytes().cast(pl.UInt64)).sum(),
        )
        .collect()
    )
    assert found.row(0) == (records, text_bytes)
    assert csv.whole_records(records, text_bytes) is whole


@pytest.mark.parametrize("name", SOUND)
def test_counting_taken_in_the_checking_pass_is_counting_the_checked_file_again(
    name: str, tmp_path: Path
) -> None:
    """Every Halland document's counting (the statute's, with its notice times and yes/no facts,
    among them), taken while the file is checked, gives exactly what counting it again gives."""
    library = api.load_library([str(ROOT / "agreements")])
    lines, options = VARIANTS[name]
    path = write(tmp_path, lines, **options)
    months = YearMonth.range(YearMonth(2022, 11), YearMonth(2027, 12))
    billing = Billing(library, months, HALLAND, True)
    reading = Reading()  # open while the extract is counted again, below
    [data], _, _ = read_episode_data(sniff(str(path)), [billing], HALLAND, lambda x: x, reading)
    rulesets = {
        ruleset.base.id: ruleset
        for month in months
        for ruleset in [governance(library, "Varberg", month).ruleset(True)]
        if ruleset is not None and ruleset.counting is not None
    }
    assert len(rulesets) == 3  # the 2022 and 2025 agreements, and the statute
    assert set(data.counted) == set(rulesets)
    for document, ruleset in rulesets.items():
        again = count(data.extract, ruleset, type_rules(ruleset, library.parameters))
        assert data.counted[document] == again, document
    if name == "clean":
        assert any(sums for counted in data.counted.values() for sums in counted.values())


def test_a_streamed_extract_knows_its_span_and_municipalities_as_written(tmp_path: Path) -> None:
    """Counting needs the months covered and which names in the file stand for whom."""
    found, report, _ = read_episodes(write(tmp_path, CLEAN), municipalities=HALLAND)
    assert found.span == (date(2026, 3, 3), date(2026, 3, 10))  # the first and last discharge
    assert found.names == {
        "Varberg": "Varberg",
        "Halmstads kommun": "Halmstad",
        "Laholm": "Laholm",
        "Hylte": "Hylte",
    }
    assert report.rows_used == 4


def test_evaluate_bills_the_same_from_a_streamed_extract_as_from_one_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting by re-reading the file gives each line the same inputs, amount and status."""
    arguments = (
        [
            str(ROOT / "agreements"),
            str(ROOT / "examples" / "halland" / "illustrative-figures.yaml"),
        ],
        str(ROOT / "examples" / "halland" / "episodes.csv"),
        "2022-11",
        "2026-12",
        True,
    )

    def lines() -> list[tuple[object, ...]]:
        run = commands.evaluate(*arguments)
        assert run.report.rows_used == 11772
        return [
            (line.municipality, line.month, line.inputs, line.amount, line.status, line.reasons)
            for line in run.basis.lines
        ]

    streamed_lines = lines()
    with monkeypatch.context() as patch:
        patch.setattr(episodes, "check", lambda *args: None)
        assert streamed_lines == lines()
    assert sum(1 for line in streamed_lines if line[3]) > 100  # most lines have an amount


# --- the law, over made-up extracts ------------------------------------------------------------


T = TypeVar("T")


def written(good: list[T], odd: list[T]) -> st.SearchStrategy[T]:
    """Mostly a good spelling, now and then (one time in 40) an odd one: spaces, a mistake."""
    choice = st.tuples(st.integers(0, 39), st.sampled_from(good), st.sampled_from(odd))
    return choice.map(lambda drawn: drawn[2] if drawn[0] == 0 else drawn[1])


NAMES = written(
    ["Varberg", "Hylte", "Varbergs kommun", "Göteborg", "Malmö"], ["Varbreg", "", " ", " Laholm"]
)
READY = written(["2026-03-01", "2026-3-1"], ["2026-02-30", "", " 2026-03-02", "2026-03-07"])
DISCHARGED = written(["2026-03-01", "2026-3-5", "2026-03-09", ""], ["1/3/2026", "2026-03-04 "])
TIMES = written(["", "11:40", "9.05", "12:00:30"], ["25:00", " 08:00"])
YES_NO = written(["", "ja", "NEJ", "yes", "0"], ["kanske", " ja"])
CARE = written(["", "somatisk", "Psykiatrisk"], [" somatisk "])
BLANK = st.sampled_from(["", ";;;;;;;;;", ";;;;;;;;;;;", " ; "])


@st.composite
def extracts(draw: st.DrawFn) -> list[str]:
    """A small extract, mostly sound, with now and then a blank row, odd spacing or a mistake."""
    rows = []
    for number in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 9)) == 0:
            rows.append(draw(BLANK))
            continue
        episode = draw(written([f"E{number}"], ["E1", "", f" E{number}", "E1 "]))
        fields = [
            episode,
            draw(NAMES),
            draw(READY),
            draw(TIMES),
            draw(DISCHARGED),
            *(draw(YES_NO) for _ in range(4)),
            draw(CARE),
        ]
        fields = fields[: draw(written([len(fields)], [len(fields) - 1, 3]))]  # a short row
        quoted = [draw(written([field], [f'"{field}"'])) for field in fields]
        rows.append(";".join(quoted) + draw(written(["", ";"], [";;x", ";; "])))
    return [HEADER, *rows]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    extract=extracts(),
    asked=st.sampled_from([HALLAND, None]),
    newline=st.sampled_from(["\n", "\r\n"]),
    ended=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    head=st.sampled_from([20_000, 2, 1]),
)
def test_the_streaming_check_and_the_in_memory_reader_agree_on_any_extract(
    extract: list[str],
    asked: tuple[str, ...] | None,
    newline: str,
    ended: bool,
    encoding: str,
    head: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the extract holds, both ways of reading it come to the same, word for word."""
    monkeypatch.setattr(field_texts, "_HEAD_ROWS", head)
    end = newline if ended else ""
    path = write(tmp_path, extract, newline=newline, end=end, encoding=encoding)
    assert outcome(path, asked) == in_memory(path, asked, monkeypatch)


def test_what_is_made_of_the_episodes_goes_on_while_the_ids_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Billing need not wait for the sort of the id hashes: the check of repeated ids waits
    here until ``then`` has started, and the read still ends, with what ``then`` made."""
    started = threading.Event()
    sort = repeats._repeats

    def after_then(ids: Path) -> bool:
        assert started.wait(timeout=10), "then was not called while the ids were checked"
        return sort(ids)

    monkeypatch.setattr(repeats, "_repeats", after_then)
    path = write(tmp_path, CLEAN)

    def then(found: Episodes) -> Episodes:
        started.set()
        return found

    made, report, _ = read_episodes_then(path, then)
    assert not isinstance(made.source, pl.DataFrame)
    assert report.rows_used == 5


def test_ids_that_share_a_hash_have_the_extract_read_in_memory_and_made_of_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ids with one hash (pretended here) may not be a repeat: the in-memory reader decides,
    and what was made of the streamed episodes is made again of those it reads."""
    monkeypatch.setattr(repeats, "_repeats", lambda ids: True)
    path = write(tmp_path, CLEAN)
    given: list[object] = []

    def then(found: Episodes) -> str:
        given.append(found.source)
        return "made"

    made, _, _ = read_episodes_then(path, then)
    assert made == "made"
    assert [isinstance(source, pl.DataFrame) for source in given] == [False, True]


def test_a_repeated_id_found_after_billing_began_is_still_an_error(tmp_path: Path) -> None:
    """evaluate bills while the ids are checked, but a repeated id stops it with the error."""
    path = write(tmp_path, [*CLEAN, "VT-1;Hylte;2026-03-01;;;;;;;"])
    agreements = [
        str(ROOT / "agreements"),
        str(ROOT / "examples/halland/illustrative-figures.yaml"),
    ]
    with pytest.raises(EngineError) as raised:
        commands.evaluate(agreements, str(path), "2026-03", None, True)
    assert "episode 'VT-1' appears on rows 2 and 7" in render_text(raised.value.diagnostics[0])


def test_the_usual_dates_and_times_known_before_a_long_file_is_read_all_pass() -> None:
    """The usual forms known before the pass all pass the in-memory reader's check (none is
    dropped as not understood), and each time has its typed value for counting."""
    for field in ("ready_date", "discharge_date"):
        texts = field_texts.usual_texts(field)
        assert (texts.len(), texts[0], texts[-1]) == (36_525, "2000-01-01", "2099-12-31")
    times = field_texts.usual_values("notice_time")
    assert field_texts.usual_texts("notice_time").len() == len(times) == 1440
    assert times["12:00"] == time(12, 0)


def test_the_id_hashes_still_being_sorted_when_a_run_stops_are_removed_as_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that stops with an error while the ids are sorted ends without waiting for the
    thread (the CLI exits at once): the file of hashes must not be left behind."""
    release = threading.Event()
    folders: list[Path] = []

    def slow(ids: Path) -> bool:
        folders.append(ids.parent)
        release.wait(timeout=10)
        return False

    def stop(found: object) -> object:
        raise EngineError([])

    monkeypatch.setattr(repeats, "_repeats", slow)
    with Reading() as reading:
        with pytest.raises(EngineError):
            read_episodes_then(write(tmp_path, CLEAN), stop, reading=reading)
        [folder] = folders
        assert (folder / "ids.ipc").exists()
    assert not folder.exists()
    release.set()


def test_a_date_of_the_year_0_is_a_bad_date_not_a_crash(tmp_path: Path) -> None:
    """polars reads '0000-03-04' as a date, which Python's calendar has no room for: it is
    reported like any other date that is not one."""
    path = write(tmp_path, [*CLEAN, "VT-6;Varberg;2026-03-01;;0000-03-04;;;;;"])
    kind, errors, _, _ = outcome(path, HALLAND)
    assert kind == "errors"
    expected = "7:26: error: 'Utskrivningsdatum' must be a date like 2026-03-15, not '0000-03-04'"
    assert f"{path}:{expected}" in str(errors)


def test_a_lone_cr_in_a_title_line_ends_no_line_so_no_row_is_lost(tmp_path: Path) -> None:
    """polars ends lines at LF only: counting the lone CR as a line end too put the header a
    line late, and the first row was skipped, on both paths."""
    path = write(tmp_path, ["Utdrag\r2026-04-01", *CLEAN])
    found, report, _ = read_episodes(path, municipalities=None)
    assert (report.header_row, report.rows_read, report.rows_used) == (2, 5, 5)
    assert found.frame()["episode_id"].to_list() == ["VT-1", "VT-2", "VT-3", "VT-4", "VT-5"]


def test_a_field_too_many_after_quotes_inside_fields_is_an_error_not_cut_off(
    tmp_path: Path,
) -> None:
    """A quote inside a field is a character to polars: the separator after it counts, and the
    eleventh field was cut off unseen when the two quotes were taken for a quoted field."""
    line = 'VT"1;Var"berg;2026-03-02;11:40;2026-03-06;ja;ja;nej;;somatisk;EXTRA'
    kind, errors, _, _ = outcome(write(tmp_path, [HEADER, line]), HALLAND)
    assert kind == "errors"
    assert "2:63: error: this row has 11 fields, but the header has 10 columns" in str(errors)
