"""The figures of an aggregates file as billing takes them: grouped by the reader, with the
exact ratios of days it worked out, they are what grouping and working out each row gives."""

from decimal import Decimal
from pathlib import Path

from agreement_engine.billing.inputs import AggregateData
from agreement_engine.data import read_aggregates

ROWS = """\
Kommun;Månad;Vårdtillfällen;Totalt antal dagar
Alfa;2024-01;2;52,5
Beta;2024-01;2;"7,25"
Alfa;2024-2;3;007
Beta;2024-02;1;4,0
Gamma;2024-02;1;4
"""


def test_a_files_figures_are_billed_as_grouping_them_row_by_row_gives(tmp_path: Path) -> None:
    """The reader's groups, and the ratios of days it looked up (a quoted row's are worked
    out), are those of every row taken one by one."""
    path = tmp_path / "aggregates.csv"
    path.write_text(ROWS, encoding="utf-8")
    figures, _, _ = read_aggregates(path)
    data, long_way = AggregateData.of(figures), AggregateData.of(list(figures))
    assert data.months == long_way.months
    assert long_way.day_ratios == {}
    days = [figure.total_days for figure in figures] + [Decimal("1.125")]
    expected = ([105, 29, 7, 4, 4, 9], [2, 4, 1, 1, 1, 8])
    assert data._day_ratios(days) == long_way._day_ratios(days) == expected
    assert Decimal("7.25") not in data.day_ratios  # read the careful way: worked out
