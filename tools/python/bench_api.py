"""Side-by-side timings of the Python package against the CLI.

    target/py-venv/bin/python tools/python/bench_api.py [--rows 500000] [--repeat 5]

1. porto-alegre: `fitcircle.analyze(**fitcircle.bundle("porto-alegre"))`
   plus `.write(dir)` against `fitcircle analyze --bundle porto-alegre`
   (the binary, target/release/fitcircle), alternating, median of
   `--repeat` runs each; prints the ratio.
2. A communities GeoDataFrame of `--rows` polygons in and out: in is
   `fitcircle.check` (columns and WKB across, the records built and
   checked as a file's rows are), out is `.communities` of an analysis of
   them (the layer's columns and WKB across, the GeoDataFrame built).
"""

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import geopandas
import numpy as np
import shapely

import fitcircle

ROOT = Path(__file__).resolve().parents[2]


def porto(repeat: int) -> None:
    exe = ROOT / "target" / "release" / "fitcircle"
    py, cli = [], []
    for i in range(repeat):
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            r = fitcircle.analyze(**fitcircle.bundle("porto-alegre"))
            r.write(Path(d) / "py")
            py.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([exe, "analyze", "--bundle", "porto-alegre", "--quiet", "--out",
                            str(Path(d) / "cli")], check=True)
            cli.append(time.perf_counter() - t)
    p, c = statistics.median(py), statistics.median(cli)
    print(f"porto-alegre: python analyze+write {p:.3f} s, CLI {c:.3f} s (median of {repeat}), "
          f"ratio {p / c:.2f}")


def big(rows: int) -> None:
    rng = np.random.default_rng(1)
    # Squares of 60 m in a 0.5 x 0.5 degree box around Porto Alegre.
    x = -51.4 + rng.random(rows) * 0.5
    y = -30.3 + rng.random(rows) * 0.5
    d = 0.0003
    polys = shapely.box(x, y, x + d, y + d)
    gdf = geopandas.GeoDataFrame(
        {"id": [f"c{i}" for i in range(rows)], "name": [f"home {i}" for i in range(rows)],
         "population": rng.integers(1, 500, rows)},
        geometry=polys, crs=4326)
    fac = geopandas.GeoDataFrame({"id": ["f1"], "category": ["park"]},
                                 geometry=[shapely.Point(-51.15, -30.05)], crs=4326)
    t = time.perf_counter()
    n = fitcircle.check(facilities=fac, communities=gdf)
    t_in = time.perf_counter() - t
    assert n["communities"] == rows
    res = fitcircle.analyze(facilities=fac, communities=gdf, coverage_only=True)
    t = time.perf_counter()
    out = res.communities
    t_out = time.perf_counter() - t
    assert len(out) == rows
    print(f"{rows} communities: in (GeoDataFrame to columns + WKB, records built and checked "
          f"as a file's) {t_in:.2f} s; out (communities layer to a GeoDataFrame) {t_out:.2f} s; "
          f"in + out {t_in + t_out:.2f} s")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    porto(a.repeat)
    big(a.rows)
