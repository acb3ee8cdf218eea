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


def _shapes(kinds):
    """Homes of the given kinds around the toy facility (UTM 33N), one
    row per kind: a point, a square, a square with a hole, two squares as
    one multipolygon."""
    fac, _, _ = _toy()
    x0, y0 = 500000.0, 6650000.0

    def square(x, y, d=40.0):
        return shapely.box(x, y, x + d, y + d)

    make = {
        "point": lambda i: shapely.Point(x0 + 100 * i, y0 + 50),
        "square": lambda i: square(x0 + 100 * i, y0),
        "hole": lambda i: shapely.Polygon(
            square(x0 + 100 * i, y0).exterior.coords,
            [square(x0 + 100 * i + 10, y0 + 10, 10).exterior.coords[::-1]],
        ),
        "multi": lambda i: shapely.MultiPolygon(
            [square(x0 + 100 * i, y0), square(x0 + 100 * i, y0 + 200)]
        ),
    }
    homes = geopandas.GeoDataFrame(
        {
            "id": [f"h{i}" for i in range(len(kinds))],
            "name": [None if i == 1 else f"home {i}" for i in range(len(kinds))],
            "population": [10 + i for i in range(len(kinds))],
        },
        geometry=[make[k](i) for i, k in enumerate(kinds)],
        crs=32633,
    )
    return fac, homes


def _same_frames(a, b):
    assert list(a.columns) == list(b.columns)
    assert list(a.dtypes) == list(b.dtypes)
    assert a.crs == b.crs
    ga, gb = a.geometry.values, b.geometry.values
    assert (ga.isna() == gb.isna()).all()
    assert (ga.isna() | shapely.equals_exact(ga, gb, 0)).all()
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
    )


@pytest.mark.parametrize(
    "kinds,sent",
    [
        (["point", "point", "point"], "xy"),
        (["square", "square"], "xy"),
        (["point", "square", "point"], "xy"),
        (["square", "hole"], "wkb"),
        (["multi", "square"], "wkb"),
        (["point", "multi", "hole"], "wkb"),
    ],
)
def test_coordinates_and_wkb_give_the_same_frames(monkeypatch, kinds, sent):
    # Points and polygons without holes go in as coordinates, anything else
    # as WKB (both converted to WGS-84 first); either way, and with text
    # sent as a list rather than through pyarrow, the same analysis.
    from fitcircle import _convert

    fac, homes = _shapes(kinds)
    assert _convert._geometry(np.asarray(homes.to_crs(4326).geometry.array))[0] == sent
    ours = fitcircle.analyze(facilities=fac, communities=homes, coverage_only=True).communities
    monkeypatch.setattr(_convert, "_geometry", lambda g: ("wkb",) + _convert._wkb_buffer(g))
    monkeypatch.setattr(_convert, "_pyarrow", lambda: None)
    res = fitcircle.analyze(facilities=fac, communities=homes, coverage_only=True)
    monkeypatch.undo()
    # The layer made after (lazily): only its input went the other way.
    theirs = res.communities
    _same_frames(ours, theirs)
    # A missing name is an empty one, as an empty cell of a file.
    assert list(ours["name"]) == [("" if i == 1 else f"home {i}") for i in range(len(kinds))]
    assert (ours.geometry.geom_type == homes.geometry.geom_type).all()


def test_a_missing_or_empty_geometry_is_named_either_way(monkeypatch):
    from fitcircle import _convert

    fac, homes = _shapes(["square", "point", "square"])
    homes.loc[1, "geometry"] = None
    assert _convert._geometry(np.asarray(homes.to_crs(4326).geometry.array))[0] == "xy"
    with pytest.raises(fitcircle.FitcircleError, match=r"<communities>, row 1: missing geometry"):
        fitcircle.check(facilities=fac, communities=homes)
    monkeypatch.setattr(_convert, "_geometry", lambda g: ("wkb",) + _convert._wkb_buffer(g))
    with pytest.raises(fitcircle.FitcircleError, match=r"<communities>, row 1: missing geometry"):
        fitcircle.check(facilities=fac, communities=homes)
    monkeypatch.undo()
    # An empty polygon is not sent as coordinates: WKB, checked as before.
    homes.loc[1, "geometry"] = shapely.Polygon()
    assert _convert._geometry(np.asarray(homes.geometry.array))[0] == "wkb"


def test_text_columns_through_pyarrow_or_as_lists():
    from fitcircle import _convert

    s = pd.Series(["a", None, "ç中", ""], dtype="str")
    kind, data, offsets, missing = _convert._column(s)
    assert kind == "str"
    assert data.decode("utf-8") == "aç中"
    assert list(np.frombuffer(offsets, dtype="<i8")) == [0, 1, 1, 6, 6]
    assert list(np.frombuffer(missing, dtype=np.uint8)) == [0, 1, 0, 0]
    # A slice (an offset into pyarrow's buffers) and an object column of
    # text.
    kind, data, offsets, _ = _convert._column(s.iloc[2:])
    assert list(np.frombuffer(offsets, dtype="<i8")) == [1, 6, 6]
    assert _convert._column(pd.Series(["x", float("nan")], dtype=object))[0] == "str"
    # Not all text: a list, each value through str() by the module.
    assert _convert._column(pd.Series([1, "many"], dtype=object)) == [1, "many"]
