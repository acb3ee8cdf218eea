"""Tables across the boundary: GeoDataFrames to columns and WKB for the
native module, its columns and WKB back to (Geo)DataFrames. Numbers cross
as NumPy buffers, text as lists of str, geometry as coordinates (points
and polygons without holes, into the module) or WKB (shapely) in one
buffer with offsets each way (a few objects, not one per geometry); never
as GeoJSON text."""

from __future__ import annotations

import contextlib
import gc
from typing import Any, Iterator, List, Tuple

import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"


def table(name: str, gdf: Any) -> Tuple[str, List[str], List[Any], tuple]:
    """``(name, column names, columns, geometry)`` of a GeoDataFrame, its
    geometry converted to WGS-84 by its ``crs`` (see :func:`_geometry`)."""
    if gdf.crs is None:
        raise ValueError(
            f"{name}: the GeoDataFrame has no CRS; set it (e.g. gdf.set_crs(4326)) so "
            "fitcircle can convert it to WGS-84"
        )
    if not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    geom_name = gdf.geometry.name
    geometry = _geometry(np.asarray(gdf.geometry.array))
    names: List[str] = []
    columns: List[Any] = []
    for col in gdf.columns:
        if col == geom_name:
            continue
        names.append(str(col))
        columns.append(_column(gdf[col]))
    return name, names, columns, geometry


# shapely's type ids of the geometries sent as coordinates.
_MISSING, _POINT, _POLYGON = -1, 0, 3


def _geometry(geoms: np.ndarray) -> tuple:
    """The geometries for the native module: ``("xy", kinds, counts,
    coords)`` when every one is a point, a polygon without holes or missing
    (per row a kind as int8, -1 for missing, the number of positions as
    int64, and every x, y as float64 end to end: a few vectorised calls),
    else ``("wkb", data, offsets)`` (see :func:`_wkb_buffer`). Both give
    the same geometries; coordinates skip writing and parsing WKB."""
    kinds = shapely.get_type_id(geoms)
    if np.isin(kinds, (_MISSING, _POINT, _POLYGON)).all():
        polygons = kinds == _POLYGON
        counts = shapely.get_num_coordinates(geoms).astype("<i8")
        simple = (
            not shapely.get_num_interior_rings(geoms[polygons]).any()
            and (counts[kinds == _POINT] == 1).all()
            and (counts[polygons] > 0).all()
        )
        if simple:
            coords = shapely.get_coordinates(geoms)
            return (
                "xy",
                kinds.astype(np.int8).tobytes(),
                counts.tobytes(),
                np.ascontiguousarray(coords, dtype="<f8").tobytes(),
            )
    return ("wkb",) + _wkb_buffer(geoms)


def _wkb_buffer(geoms: np.ndarray) -> Tuple[bytes, bytes]:
    """The WKB of ``geoms`` end to end, and the offsets (int64, one more
    than the rows); missing geometries are empty."""
    wkb = shapely.to_wkb(geoms, output_dimension=2)
    wkb[shapely.is_missing(geoms)] = b""
    lengths = np.fromiter(map(len, wkb), dtype="<i8", count=len(wkb))
    offsets = np.zeros(len(wkb) + 1, dtype="<i8")
    np.cumsum(lengths, out=offsets[1:])
    return b"".join(wkb), offsets.tobytes()


def _from_wkb_buffer(rows: int, data: bytes, offsets: bytes) -> np.ndarray:
    """Shapely geometries from a WKB buffer and its offsets (None where a
    row's slice is empty), parsed in one vectorised call."""
    ends = np.frombuffer(offsets, dtype="<i8")
    pa = _pyarrow()
    if pa is not None:
        arr = pa.Array.from_buffers(
            pa.large_binary(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        wkb = arr.to_numpy(zero_copy_only=False)
    else:
        view = memoryview(data)
        wkb = np.empty(rows, dtype=object)
        wkb[:] = [view[a:b].tobytes() for a, b in zip(ends[:-1].tolist(), ends[1:].tolist())]
    wkb[ends[1:] == ends[:-1]] = None
    with _gc_paused():
        return shapely.from_wkb(wkb)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a vectorised call makes one object
    per row: each geometry made counts towards a collection, and each
    collection walks every object alive (a large GeoDataFrame's geometries
    among them), none of which can be garbage here."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _column(s: pd.Series) -> Any:
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) and not s.isna().any():
        return ("b1", s.to_numpy(dtype=np.uint8).tobytes())
    if pd.api.types.is_integer_dtype(dtype) and not s.isna().any():
        return ("i8", s.to_numpy(dtype="<i8").tobytes())
    if pd.api.types.is_float_dtype(dtype):
        return ("f8", s.to_numpy(dtype="<f8", na_value=np.nan).tobytes())
    text = _arrow_text(s)
    if text is not None:
        return text
    values = s.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()


def _arrow_text(s: pd.Series) -> Any:
    """A column of text through pyarrow when installed, as ``("str",
    UTF-8 end to end, int64 offsets, missing mask)``: no Python object per
    cell on either side. None when pyarrow is missing or the column is not
    all text (then it goes as a list, each value through ``str()``)."""
    if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
        return None
    pa = _pyarrow()
    if pa is None:
        return None
    try:
        arr = pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_string(arr.type):
        arr = arr.cast(pa.large_string())
    elif not pa.types.is_large_string(arr.type):
        return None
    _, offsets, data = arr.buffers()
    ends = np.frombuffer(offsets, dtype="<i8")[arr.offset : arr.offset + len(arr) + 1]
    missing = arr.is_null().to_numpy(zero_copy_only=False)
    body = data.to_pybytes() if data is not None else b""
    return ("str", body, ends.tobytes(), missing.astype(np.uint8).tobytes())


def frame(raw: Tuple[int, list, Any]) -> pd.DataFrame:
    """A DataFrame from the native module's columns."""
    rows, cols, _ = raw
    data = {}
    for name, kind, buf, mask in cols:
        if kind == "f8":
            data[name] = np.frombuffer(buf, dtype="<f8")
        elif kind == "i8":
            values = np.frombuffer(buf, dtype="<i8")
            missing = np.frombuffer(mask, dtype=np.uint8).astype(bool)
            data[name] = pd.arrays.IntegerArray(values.copy(), missing) if missing.any() else values
        elif kind == "b1":
            values = np.frombuffer(buf, dtype=np.uint8).astype(bool)
            missing = np.frombuffer(mask, dtype=np.uint8).astype(bool)
            data[name] = pd.arrays.BooleanArray(values, missing) if missing.any() else values
        else:
            data[name] = _text(rows, buf, mask)
    return pd.DataFrame(data, index=pd.RangeIndex(rows))


def _pyarrow():
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow


def _text(rows: int, buf: Tuple[bytes, bytes], mask: bytes) -> Any:
    """A text column from UTF-8 end to end, its offsets (int64) and the
    missing mask: through pyarrow when installed (no Python object per
    cell; pandas' own text dtype), else decoded cell by cell."""
    data, offsets = buf
    missing = np.frombuffer(mask, dtype=np.uint8).astype(bool)
    pa = _pyarrow()
    if pa is not None:
        valid = None
        if missing.any():
            valid = pa.py_buffer(np.packbits(~missing, bitorder="little").tobytes())
        arr = pa.Array.from_buffers(
            pa.large_string(), rows, [valid, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        return arr.to_pandas().array
    ends = np.frombuffer(offsets, dtype="<i8").tolist()
    values = [data[a:b].decode("utf-8") for a, b in zip(ends[:-1], ends[1:])]
    for i in np.flatnonzero(missing):
        values[i] = None
    return pd.array(values, dtype=object) if rows else pd.array([], dtype=object)


def geoframe(raw: Tuple[int, list, Any]):
    """A GeoDataFrame (EPSG:4326) from the native module's columns and WKB."""
    import geopandas

    df = frame(raw)
    rows, _, (data, offsets) = raw
    geometry = _from_wkb_buffer(rows, data, offsets)
    return geopandas.GeoDataFrame(df, geometry=geometry, crs=WGS84)
