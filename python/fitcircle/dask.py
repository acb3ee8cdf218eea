"""Many cities on a cluster: one task per city, outputs as GeoParquet.

    from dask.distributed import Client
    import fitcircle.dask

    client = Client("scheduler:8786")          # or Client(LocalCluster())
    summary = fitcircle.dask.run_many("cities.csv", client, out="provinces")

The manifest is ``fitcircle batch``'s (name, network, facilities,
communities, units, settings; paths relative to it), read by the same code.
Each city runs as ``fitcircle.analyze`` on a worker and writes

* ``OUT/cities/<name>/``: the files ``fitcircle analyze`` writes;
* ``OUT/communities/city=<name>/part.parquet``, and likewise
  ``facilities``, ``units`` and ``gaps``: GeoParquet (geometry as WKB, the
  ``geo`` metadata of GeoParquet 1.x, EPSG:4326), so DuckDB, GeoPandas or
  Apache Sedona read all cities as one table with a ``city`` column
  (hive partitioning; ``union_by_name`` where cities' targets differ);
* ``OUT/summary.csv``: one row per city and coverage target, and one per
  failed city, as ``fitcircle batch`` writes it.

Workers and engines: the cities are handed to an :class:`Engine`, which
runs a function over a list of arguments and yields the results as they
finish. :class:`DaskEngine` is the Dask one (``client.submit`` with
``retries``; a task on a worker that dies is rerun by the scheduler), and
:class:`LocalEngine` runs them one by one in this process. Another engine
(Ray's ``ray.remote``, a ``concurrent.futures`` pool, Spark's
``mapPartitions``) is a class with the same ``map`` method.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from . import FitcircleError, Result, _fitcircle

# The layers written as GeoParquet, each a folder of OUT.
LAYERS = ("communities", "facilities", "units", "gaps")

# Columns of OUT/summary.csv (those of `fitcircle batch`).
SUMMARY_COLUMNS = (
    "city", "status", "target", "facilities", "communities", "population",
    "covered_population", "coverage_share", "unreachable_population",
    "walk_minutes", "limit_m", "error",
)


class Engine:
    """Runs ``func(*args)`` for each ``args`` and yields ``(index, result)``
    as each finishes (any order)."""

    def map(self, func: Callable[..., Any], items: Sequence[tuple]) -> Iterator[Tuple[int, Any]]:
        raise NotImplementedError


class LocalEngine(Engine):
    """One after another, in this process."""

    def map(self, func, items):
        for i, args in enumerate(items):
            yield i, func(*args)


class DaskEngine(Engine):
    """One task per item on a ``dask.distributed`` Client; a task that
    raises is retried ``retries`` times, and a task whose worker dies is
    rescheduled by the scheduler (up to its ``allowed-failures``)."""

    def __init__(self, client: Any, retries: int = 2):
        self.client = client
        self.retries = retries

    def map(self, func, items):
        from dask.distributed import as_completed

        futures = {}
        for i, args in enumerate(items):
            f = self.client.submit(
                func, *args, retries=self.retries, pure=False, key=f"fitcircle-city-{i}-{args[0]}"
            )
            futures[f] = i
        for f in as_completed(futures):
            yield futures[f], f.result()


def read_manifest(path: os.PathLike | str) -> List[Tuple[str, List[str]]]:
    """The manifest's cities as ``(name, analyze flags)``, checked as
    ``fitcircle batch`` checks them."""
    return [(name, list(args)) for name, args in _fitcircle.read_manifest(os.fspath(path))]


def _write_parquet(gdf: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", suffix=".parquet", dir=path.parent)
    os.close(fd)
    try:
        gdf.to_parquet(tmp, index=False, geometry_encoding="WKB", schema_version="1.0.0")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def run_city(name: str, args: List[str], out: str, threads: Optional[int] = None) -> Dict[str, Any]:
    """One city: analyse, write its files and its GeoParquet parts.
    Returns ``{"city", "status", "rows" | "error", "seconds"}``; an input
    error is a result (not retried), anything else raises."""
    t0 = time.perf_counter()
    out_dir = Path(out)
    flags = list(args) + (["--threads", str(threads)] if threads else [])
    try:
        native = _fitcircle.analyze(flags, [])
        res = Result(native)
        res.write(out_dir / "cities" / name)
    except FitcircleError as e:
        return {"city": name, "status": "failed", "error": str(e), "seconds": time.perf_counter() - t0}
    for layer in LAYERS:
        _write_parquet(getattr(res, layer), out_dir / layer / f"city={name}" / "part.parquet")
    summary = res.summary
    whole = summary[summary["area"] == "all"]
    rows = [
        [name, "done"] + [_cell(r[c]) for c in SUMMARY_COLUMNS[2:-1]] + [""]
        for _, r in whole.iterrows()
    ]
    peak = _peak_rss()
    del res, native
    return {"city": name, "status": "done", "rows": rows, "seconds": time.perf_counter() - t0,
            "peak_rss": peak, "pid": os.getpid()}


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _peak_rss() -> Optional[int]:
    """This process's peak resident memory in bytes (Linux, macOS)."""
    try:
        import resource
        import sys

        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == "darwin" else r * 1024
    except Exception:  # pragma: no cover - platforms without resource
        return None


def run_cities(
    cities: Sequence[Tuple[str, List[str]]],
    out: os.PathLike | str,
    engine: Engine,
    threads: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """Run every city on ``engine``; write OUT/summary.csv; returns each
    city's result, in manifest order."""
    out = os.fspath(out)
    Path(out).mkdir(parents=True, exist_ok=True)
    items = [(name, args, out, threads) for name, args in cities]
    results: List[Optional[Dict[str, Any]]] = [None] * len(items)
    for i, r in engine.map(run_city, items):
        results[i] = r
    rows: List[List[str]] = []
    for r in results:
        assert r is not None
        if r["status"] == "done":
            rows.extend(r["rows"])
        else:
            rows.append([r["city"], "failed"] + [""] * (len(SUMMARY_COLUMNS) - 3) + [r["error"]])
    path = Path(out) / "summary.csv"
    tmp = path.with_name(".summary.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SUMMARY_COLUMNS)
        w.writerows(rows)
    os.replace(tmp, path)
    return results  # type: ignore[return-value]


def run_many(
    manifest: os.PathLike | str,
    client: Any,
    out: os.PathLike | str = "out",
    retries: int = 2,
    threads: Optional[int] = None,
):
    """Run every city of ``manifest`` as one task on the Dask ``client``;
    returns OUT/summary.csv as a DataFrame. ``threads``: worker threads of
    each city's analysis (default: all cores of its machine)."""
    import pandas

    cities = read_manifest(manifest)
    results = run_cities(cities, out, DaskEngine(client, retries=retries), threads=threads)
    failed = [r for r in results if r["status"] != "done"]
    for r in failed:
        import warnings

        warnings.warn(f"{r['city']}: {r['error']}", stacklevel=2)
    return pandas.read_csv(Path(os.fspath(out)) / "summary.csv")
