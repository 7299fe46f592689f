"""fixtext.dask on a real dask.distributed LocalCluster (one process, two threads)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dask.bag", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
pd = pytest.importorskip("pandas", reason="dask DataFrames need pandas")
dd = pytest.importorskip("dask.dataframe", reason="the dask dataframe extra is not installed")

import dask.bag as db  # noqa: E402

import fixtext  # noqa: E402
from fixtext import ConfigError, RepairLog  # noqa: E402
from fixtext.dask import RESULT_FIELDS, repair_bag, repair_column, repair_series  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SMALL = ["å†…å®¹\n", "x &amp; y\n", "今天天气很好。\n", "cafÃ©\n"]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    # ":0": the scheduler's HTTP server on a free port (None still means 8787,
    # which parallel test workers would fight over)
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_bag_matches_repair(client) -> None:  # type: ignore[no-untyped-def]
    data = [p.read_bytes() for p in SEEDS] + [s.encode() for s in SMALL]
    out = client.compute(repair_bag(db.from_sequence(data, npartitions=3))).result()
    assert len(out) == len(data)
    for raw, rec in zip(data, out, strict=True):
        assert set(rec) == set(RESULT_FIELDS)
        ref = fixtext.repair(raw)
        assert rec["text"] == ref.text and rec["changed"] == ref.changed
        log = RepairLog.from_jsonl(rec["log"])
        assert log.replay(ref.original) == rec["text"]
        assert rec["edits"] == len(ref.log.applied)


def test_dataframe_column(client) -> None:  # type: ignore[no-untyped-def]
    pdf = pd.DataFrame({"id": range(6), "body": [*SMALL, None, "ＡＢＣ。"]})
    ddf = dd.from_pandas(pdf, npartitions=2)
    res = client.compute(repair_series(ddf["body"], skip=["punctuation"])).result()
    assert list(res.columns) == list(RESULT_FIELDS)
    assert res.loc[0, "text"] == "内容\n" and bool(res.loc[0, "changed"])
    assert res.loc[2, "changed"] == False  # noqa: E712 - numpy bool
    assert pd.isna(res.loc[4, "text"]) and pd.isna(res.loc[4, "log"])  # missing stays missing
    full = client.compute(repair_column(ddf, "body")).result()
    assert list(full.columns) == ["id", "body", "body_fixed", "body_log"]
    assert full.loc[3, "body_fixed"] == "café\n"
    assert RepairLog.from_jsonl(full.loc[3, "body_log"]).revert("café\n") == "cafÃ©\n"


def test_bad_settings_fail_in_the_client() -> None:
    with pytest.raises(ConfigError):
        repair_bag(db.from_sequence(["x"]), passes=["nope"])
    ddf = dd.from_pandas(pd.DataFrame({"a": ["x"]}), npartitions=1)
    with pytest.raises(ConfigError, match="no column"):
        repair_column(ddf, "b")
