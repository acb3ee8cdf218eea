"""fitcircle.dask.run_many on a LocalCluster of 2 workers: 6 synthetic
cities of 50k nodes, read back with DuckDB (plain Parquet)."""

import csv
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import fitcircle
import fitcircle.dask
from fitcircle import _fitcircle

CITIES = 6


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    d = tmp_path_factory.mktemp("cities")
    rows = ["name,network,facilities,communities,units,settings"]
    for i in range(CITIES):
        pbf = d / f"city{i}.osm.pbf"
        code = _fitcircle.main(["fitcircle", "synth", "--nodes", "50000", "--seed", str(i + 1),
                                "--lon", str(100 + i), "--lat", "30", "--out", str(pbf)])
        assert code == 0
        minutes = "--minutes 10 " if i % 2 else ""
        rows.append(f"city{i},{pbf.name},{pbf.name},{pbf.name},,{minutes}--skip-isochrones")
    rows.append("broken,missing.osm.pbf,missing.osm.pbf,missing.osm.pbf,,")
    m = d / "cities.csv"
    m.write_text("\n".join(rows) + "\n")
    return m


def test_run_many_on_a_local_cluster(manifest, tmp_path):
    from dask.distributed import Client, LocalCluster

    out = tmp_path / "out"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        with pytest.warns(UserWarning, match="broken"):
            summary = fitcircle.dask.run_many(manifest, client, out=out, threads=1)
    assert set(summary.city) == {f"city{i}" for i in range(CITIES)} | {"broken"}
    assert (summary[summary.city == "broken"].status == "failed").all()
    got = duckdb.sql(
        f"""select city, sum(population) filter (where any_covered) as covered, count(*) as n
            from read_parquet('{out}/communities/*/part.parquet', hive_partitioning=true,
                              union_by_name=true)
            group by city order by city"""
    ).fetchall()
    assert [g[0] for g in got] == [f"city{i}" for i in range(CITIES)]
    for city, covered, n in got:
        # The city's own summary.csv, as the CLI writes it.
        with open(out / "cities" / city / "summary.csv", encoding="utf-8-sig") as f:
            row = next(r for r in csv.DictReader(f) if r["area"] == "all" and r["target"] == "any")
        assert round(covered, 1) == float(row["covered_population"]), city
        assert n == int(row["communities"]), city
        # And OUT/summary.csv.
        s = summary[(summary.city == city) & (summary.target == "any")].iloc[0]
        assert s.covered_population == float(row["covered_population"])
    # GeoParquet metadata on every part, WKB geometry.
    for layer in fitcircle.dask.LAYERS:
        parts = sorted((out / layer).glob("city=*/part.parquet"))
        assert len(parts) == CITIES, layer
        geo = json.loads(pq.read_schema(parts[0]).metadata[b"geo"])
        assert geo["columns"][geo["primary_column"]]["encoding"] == "WKB", layer
