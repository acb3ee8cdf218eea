"""20 synthetic cities of 200k walking-graph nodes (4M in all) on a Dask
LocalCluster, against the same cities one by one in this process.

    target/py-venv/bin/python tools/python/bench_dask.py [--cities 20] [--nodes 200000]
        [--workers 2] [--settings "--skip-isochrones"] [--dir target/bench-dask]

Writes the cities once (fitcircle synth, cached in --dir), then runs
`fitcircle.dask.run_cities` with the Dask engine (--workers processes, one
thread each, each city's analysis on --threads worker threads) and with the
local engine, and prints the wall times, the speed-up and each worker
process's peak resident memory (the largest over the cities it ran, from
getrusage in the worker).
"""

import argparse
import shutil
import time
from collections import defaultdict
from pathlib import Path

import fitcircle.dask as fd
from fitcircle import _fitcircle


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", type=int, default=20)
    ap.add_argument("--nodes", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--settings", default="--skip-isochrones")
    ap.add_argument("--dir", default="target/bench-dask")
    a = ap.parse_args()
    d = Path(a.dir)
    d.mkdir(parents=True, exist_ok=True)
    cities = []
    for i in range(a.cities):
        pbf = d / f"city{i}-{a.nodes}.osm.pbf"
        if not pbf.exists():
            code = _fitcircle.main(["fitcircle", "synth", "--nodes", str(a.nodes), "--seed",
                                    str(i + 1), "--lon", str(100 + i % 10), "--lat",
                                    str(25 + i // 10), "--out", str(pbf)])
            assert code == 0
        args = ["--network", str(pbf), "--facilities", str(pbf), "--communities", str(pbf)]
        cities.append((f"city{i}", args + a.settings.split()))

    from dask.distributed import Client, LocalCluster

    out = d / "out-dask"
    shutil.rmtree(out, ignore_errors=True)
    with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        t = time.perf_counter()
        res = fd.run_cities(cities, out, fd.DaskEngine(client), threads=a.threads)
        dask_s = time.perf_counter() - t
    peaks = defaultdict(int)
    for r in res:
        assert r["status"] == "done", r
        peaks[r["pid"]] = max(peaks[r["pid"]], r["peak_rss"] or 0)

    out = d / "out-local"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    fd.run_cities(cities, out, fd.LocalEngine(), threads=a.threads)
    local_s = time.perf_counter() - t

    print(f"{a.cities} cities of {a.nodes} nodes ({a.settings}), {a.workers} workers x "
          f"{a.threads} thread(s) per city")
    print(f"dask: {dask_s:.1f} s; one by one: {local_s:.1f} s; speed-up {local_s / dask_s:.2f}x")
    for pid, peak in sorted(peaks.items()):
        print(f"worker pid {pid}: peak {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
