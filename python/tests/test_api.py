"""fitcircle.analyze / sites / settings / bundle against the CLI."""

import filecmp
import math
import os
import threading
import time
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely

import fitcircle


def same_files(a: Path, b: Path):
    names = sorted(os.listdir(a))
    assert names == sorted(os.listdir(b))
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)


def test_write_is_byte_identical_to_the_cli(tmp_path, run_cli):
    res = fitcircle.analyze(**fitcircle.bundle("porto-alegre"))
    res.write(tmp_path / "py")
    r = run_cli("analyze", "--bundle", "porto-alegre", "--quiet", "--out", str(tmp_path / "cli"))
    assert r.returncode == 0, r.stderr
    same_files(tmp_path / "py", tmp_path / "cli")
    assert len(os.listdir(tmp_path / "py")) > 10


def test_layers_are_the_files(tmp_path):
    res = fitcircle.analyze(**fitcircle.bundle("porto-alegre"))
    res.write(tmp_path)
    for name in ["communities", "facilities", "gaps", "isochrones"]:
        ours = getattr(res, name)
        theirs = geopandas.read_file(tmp_path / f"{name}.geojson")
        assert len(ours) == len(theirs), name
        assert ours.crs.to_epsg() == 4326
        assert list(ours.columns) == list(theirs.columns), name
        if len(ours):
            # Null geometries (gaps of the whole area) on the same rows; the
            # others equal.
            a, b = ours.geometry.values, theirs.geometry.values
            assert (a.isna() == b.isna()).all(), name
            assert (a.isna() | shapely.equals_exact(a, b, 1e-9)).all(), name
    c = res.communities
    t = geopandas.read_file(tmp_path / "communities.geojson")
    assert np.allclose(c["population"], t["population"])
    assert (c["any_covered"] == t["any_covered"]).all()
    summary = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    s = res.summary
    assert list(s.columns) == list(summary.columns)
    any_all = s[(s.area == "all") & (s.target == "any")].iloc[0]
    assert any_all.covered_population == summary[(summary.area == "all") & (summary.target == "any")].covered_population.iloc[0]
    # Covered population from the communities layer, counted by hand.
    assert round(c.loc[c.any_covered, "population"].sum(), 1) == any_all.covered_population
    assert len(res.scorecard) == len(pd.read_csv(tmp_path / "scorecard.csv", encoding="utf-8-sig"))


def _toy(crs_to=None):
    """A facility at the origin of a local metric grid and three homes
    500 m, 700 m and 900 m east of it (no network: straight line x 1.3,
    so 15 min at 4 km/h = 1000 m reaches 769 m)."""
    from pyproj import Transformer

    to_ll = Transformer.from_crs(32633, 4326, always_xy=True)
    x0, y0 = 500000.0, 6650000.0
    fac = geopandas.GeoDataFrame(
        {"id": ["f1"], "category": ["fitness_station"]},
        geometry=[shapely.Point(x0, y0)],
        crs=32633,
    )
    homes = geopandas.GeoDataFrame(
        {"id": ["a", "b", "c"], "population": [100, 50, 25]},
        geometry=[shapely.Point(x0 + d, y0) for d in (500, 700, 900)],
        crs=32633,
    )
    return fac, homes, to_ll


def test_geodataframes_in_any_crs_by_hand():
    fac, homes, _ = _toy()
    res = fitcircle.analyze(facilities=fac, communities=homes)
    c = res.communities.set_index("id")
    # The distances, straight line x 1.3, within 0.5 % (UTM grid metres
    # against the library's local projection at 60 N).
    assert math.isclose(c.loc["a", "any_m"], 650, rel_tol=0.005)
    assert math.isclose(c.loc["b", "any_m"], 910, rel_tol=0.005)
    assert list(c.any_covered) == [True, True, False]
    s = res.summary
    assert s[(s.area == "all") & (s.target == "any")].covered_population.iloc[0] == 150
    assert any("APPROXIMATE" in n for n in res.notes)
    # The same data in another CRS give the same figures.
    res2 = fitcircle.analyze(facilities=fac.to_crs(3857), communities=homes.to_crs(4326))
    assert np.allclose(res2.communities.any_m, res.communities.any_m, atol=0.2)


def test_geodataframes_equal_the_same_data_as_files(tmp_path, run_cli):
    fac, homes, _ = _toy()
    fac.to_crs(4326).to_file(tmp_path / "fac.geojson")
    homes.to_crs(4326).to_file(tmp_path / "homes.geojson")
    res = fitcircle.analyze(facilities=fac, communities=homes, minutes=12)
    r = run_cli("analyze", "--facilities", str(tmp_path / "fac.geojson"), "--communities",
                str(tmp_path / "homes.geojson"), "--minutes", "12", "--quiet", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    cli = geopandas.read_file(tmp_path / "o" / "communities.geojson")
    assert np.allclose(res.communities.any_m, cli.any_m, atol=0.11)
    assert list(res.communities.any_covered) == list(cli.any_covered)


def test_errors_carry_the_cli_message(tmp_path, run_cli):
    with pytest.raises(fitcircle.FitcircleError) as e:
        fitcircle.analyze(**fitcircle.bundle("porto-alegre"), minutes=-5)
    r = run_cli("analyze", "--bundle", "porto-alegre", "--minutes", "-5", "--out", str(tmp_path))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[0] == "error: " + str(e.value).splitlines()[0]
    # A bad row of a GeoDataFrame is named.
    fac, homes, _ = _toy()
    bad = homes.to_crs(4326)
    bad["population"] = bad["population"].astype(object)
    bad.loc[1, "population"] = "many"
    with pytest.raises(fitcircle.FitcircleError, match=r"<communities>.*row 1"):
        fitcircle.analyze(facilities=fac, communities=bad)
    # A missing geometry (an empty slice of the WKB buffer) is named too.
    hole = homes.to_crs(4326)
    hole.loc[2, "geometry"] = None
    with pytest.raises(fitcircle.FitcircleError, match=r"<communities>.*row 2: missing geometry"):
        fitcircle.analyze(facilities=fac, communities=hole)
    with pytest.raises(TypeError, match="unexpected setting 'minutez'"):
        fitcircle.analyze(**fitcircle.bundle("porto-alegre"), minutez=10)
    with pytest.raises(ValueError, match="no CRS"):
        fitcircle.analyze(facilities=fac, communities=homes.set_crs(None, allow_override=True))


def test_settings_are_the_clis():
    names = {s["name"]: s for s in fitcircle.settings()}
    for n in ["minutes", "speed", "max_snap", "method", "bands", "cell", "threads", "format",
              "output_crs", "csv_bom", "coverage_only", "lang", "bundle", "config"]:
        assert n in names, n
    assert names["output_crs"]["default"] == "wgs84"
    assert names["csv_bom"]["default"] == "true"
    assert "out" not in names and "quiet" not in names
    assert "walking time limit" in names["minutes"]["help"].lower()
    # Settings change the result as the flags do.
    a = fitcircle.analyze(**fitcircle.bundle("porto-alegre"), minutes=5, coverage_only=True)
    s = a.summary
    assert (s.walk_minutes == 5).all()


def test_the_gil_is_released():
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    t0 = time.perf_counter()
    fitcircle.analyze(**fitcircle.bundle("porto-alegre"), isochrones=True)
    took = time.perf_counter() - t0
    stop.set()
    t.join()
    # The counter thread ran throughout (about one tick per ms if free).
    assert len(ticks) > 0.3 * took * 1000 * 0.5, (len(ticks), took)


def test_sites_match_the_cli(tmp_path, run_cli):
    res = fitcircle.sites(bundle="porto-alegre", category="fitness_station", count=3)
    res.write(tmp_path / "py")
    r = run_cli("sites", "--bundle", "porto-alegre", "--category", "fitness_station", "--count", "3",
                "--quiet", "--out", str(tmp_path / "cli"))
    assert r.returncode == 0, r.stderr
    same_files(tmp_path / "py", tmp_path / "cli")
    s = res.sites
    assert (s.kind == "site").sum() == 3


def test_bundle_names_its_files():
    b = fitcircle.bundle("helsinki")
    assert b == {"bundle": "helsinki"}
    assert any(p.startswith("bundle:helsinki/") for p in b.files["network"])


def test_layers_without_pyarrow_are_the_same(monkeypatch):
    # Text and WKB come back as buffers with offsets; without pyarrow they
    # are split in Python: the same frames (missing text and null
    # geometries included: gaps of the whole area have neither).
    from fitcircle import _convert

    res = fitcircle.analyze(**fitcircle.bundle("porto-alegre"), coverage_only=True)
    for name in ["communities", "gaps"]:
        fast = getattr(res, name)
        monkeypatch.setattr(_convert, "_pyarrow", lambda: None)
        slow = _convert.geoframe(res._native.layer(name))
        monkeypatch.undo()
        assert list(fast.columns) == list(slow.columns)
        a, b = fast.geometry.values, slow.geometry.values
        assert (a.isna() == b.isna()).all()
        assert (a.isna() | shapely.equals_exact(a, b, 0)).all()
        for col in fast.columns.drop("geometry"):
            x, y = fast[col], slow[col]
            assert (x.isna() == y.isna()).all(), (name, col)
            assert (x[x.notna()].astype(object) == y[y.notna()].astype(object)).all(), (name, col)
