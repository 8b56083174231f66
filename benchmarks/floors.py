"""What ``run.py`` measures the engine against, as the scripts a person would write by hand.

Each runs with ``python -c`` in a process of its own (the checking query, longer, is a file of its
own: ``checked_query.py``, as is the hand-written exact script of (b): ``hand_exact.py``).
"""

READ_ONLY = """\
import sys, polars as pl
frame = pl.read_csv(sys.argv[1], separator=";", infer_schema=False)
print(frame.height)
"""

HAND_QUERY = """\
import sys, polars as pl
days = (pl.col("Utskrivningsdatum") - pl.col("Utskrivningsklar datum")).dt.total_days()
result = (
    pl.scan_csv(sys.argv[1], separator=";", infer_schema=False)
    .select(
        pl.col("Kommun"),
        pl.col("Utskrivningsklar datum").str.to_date("%Y-%m-%d"),
        pl.col("Utskrivningsdatum").str.to_date("%Y-%m-%d"),
    )
    .with_columns(days=days, month=pl.col("Utskrivningsdatum").dt.strftime("%Y-%m"))
    .filter(pl.col("days") >= 1)
    .group_by("Kommun", "month")
    .agg(episodes=pl.len(), total_days=pl.col("days").sum())
    .sort("Kommun", "month")
    .collect()
)
result.write_csv(sys.argv[2], separator=";")
print(result.height)
"""

IMPORTS_ONLY = "import yaml, jsonschema, lark, typer"
