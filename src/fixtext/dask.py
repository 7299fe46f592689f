"""Run fixtext over a dask bag or a dask DataFrame column (``pip install fixtext[dask]``).

Each record is repaired exactly as :func:`fixtext.repair` would; the result
carries the repaired text and its JSONL repair log as a string, so logs
travel with the data and can be written next to it (``to_textfiles``,
``to_parquet``) and later replayed or reverted with
:meth:`fixtext.RepairLog.from_jsonl`.

>>> import dask.bag as db
>>> from fixtext.dask import repair_bag
>>> out = repair_bag(db.from_sequence(["å†…å®¹", "ok"], npartitions=1)).compute(scheduler="sync")
>>> [(r["text"], r["changed"]) for r in out]
[('内容', True), ('ok', False)]

Workers load the text model once per process (it is cached in the module
that owns it), so a cluster pays the 0.1–0.5 s load once per worker.

This module is ``fixtext.dask``: it imports the real ``dask`` package with
absolute imports only (``import dask.bag``), never relatively.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fixtext import repair
from fixtext.pipeline import DEFAULT_MIN_CONFIDENCE

__all__ = ["RESULT_FIELDS", "repair_bag", "repair_column", "repair_records", "repair_series"]

#: Keys of each record returned for a bag, and columns of the DataFrame.
RESULT_FIELDS = ("text", "log", "changed", "edits", "losses", "encoding")


def _settings(
    passes: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    target: str | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    encoding: str | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    s: dict[str, Any] = {
        "passes": list(passes) if passes is not None else None,
        "skip": list(skip),
        "target": target,
        "min_confidence": min_confidence,
        "encoding": encoding,
        "options": {k: dict(v) for k, v in (options or {}).items()},
    }
    repair("", **{k: v for k, v in s.items() if k != "encoding"})  # fail fast on a typo, in the client
    return s


def _repair_one(data: str | bytes | None, settings: Mapping[str, Any]) -> dict[str, Any]:
    if data is None:
        return {"text": None, "log": None, "changed": False, "edits": 0, "losses": 0, "encoding": None}
    if not isinstance(data, (str, bytes, bytearray)):
        raise TypeError(f"fixtext.dask repairs str or bytes records, not {type(data).__name__}")
    r = repair(data, **settings)
    return {
        "text": r.text,
        "log": r.log.to_jsonl(),
        "changed": r.changed,
        "edits": len(r.log.applied),
        "losses": len(r.log.losses),
        "encoding": r.encoding,
    }


def repair_records(records: Iterable[str | bytes | None], **settings: Any) -> list[dict[str, Any]]:
    """Repair plain Python records (what each partition does)."""
    s = _settings(**settings)
    return [_repair_one(x, s) for x in records]


def repair_bag(bag: Any, **settings: Any) -> Any:
    """A ``dask.bag.Bag`` of str/bytes -> a Bag of dicts with :data:`RESULT_FIELDS`.

    ``settings`` are :func:`fixtext.repair`'s keyword arguments
    (``passes``, ``skip``, ``target``, ``min_confidence``, ``encoding``, ``options``).
    """
    s = _settings(**settings)
    return bag.map(_repair_one, s)


def _repair_frame(series: Any, settings: Mapping[str, Any]) -> Any:
    import pandas as pd

    # pd.isna covers None, NaN and pandas' NA of string[pyarrow] columns
    rows = [_repair_one(None if _isna(x) or pd.isna(x) else x, settings) for x in series.tolist()]
    frame = pd.DataFrame(rows, columns=list(RESULT_FIELDS), index=series.index)
    return frame.astype({"changed": bool, "edits": "int64", "losses": "int64"})


def _isna(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x)


def _meta() -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "text": pd.Series([], dtype=object),
            "log": pd.Series([], dtype=object),
            "changed": pd.Series([], dtype=bool),
            "edits": pd.Series([], dtype="int64"),
            "losses": pd.Series([], dtype="int64"),
            "encoding": pd.Series([], dtype=object),
        }
    )


def repair_series(series: Any, **settings: Any) -> Any:
    """A dask Series of str/bytes -> a dask DataFrame with :data:`RESULT_FIELDS`
    as columns, same index (missing values stay missing)."""
    s = _settings(**settings)
    return series.map_partitions(_repair_frame, s, meta=_meta())


def repair_column(df: Any, column: str, *, suffix: str = "_fixed", **settings: Any) -> Any:
    """``df`` with ``column + suffix`` (repaired text) and ``column + "_log"``
    (JSONL log) added; the original column is kept."""
    if column not in df.columns:
        from fixtext.core import ConfigError

        raise ConfigError(f"no column {column!r} (columns: {', '.join(map(str, df.columns))})")
    res = repair_series(df[column], **settings)
    return df.assign(**{column + suffix: res["text"], column + "_log": res["log"]})
