"""Tables across the boundary: GeoDataFrames to columns and WKB for the
native module, its columns and WKB back to (Geo)DataFrames. Numbers cross
as NumPy buffers, text as lists of str, geometry as WKB (shapely) in one
buffer with offsets each way (two objects, not one per geometry); never as
GeoJSON text."""

from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"


def table(name: str, gdf: Any) -> Tuple[str, List[str], List[Any], bytes, bytes]:
    """``(name, column names, columns, WKB, offsets)`` of a GeoDataFrame,
    its geometry converted to WGS-84 by its ``crs``: every row's WKB end to
    end, and ``rows + 1`` little-endian int64 offsets into it (an empty
    slice for a missing geometry)."""
    if gdf.crs is None:
        raise ValueError(
            f"{name}: the GeoDataFrame has no CRS; set it (e.g. gdf.set_crs(4326)) so "
            "fitcircle can convert it to WGS-84"
        )
    if not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    geom_name = gdf.geometry.name
    wkb, offsets = _wkb_buffer(np.asarray(gdf.geometry.array))
    names: List[str] = []
    columns: List[Any] = []
    for col in gdf.columns:
        if col == geom_name:
            continue
        names.append(str(col))
        columns.append(_column(gdf[col]))
    return name, names, columns, wkb, offsets


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
    return shapely.from_wkb(wkb)


def _column(s: pd.Series) -> Any:
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) and not s.isna().any():
        return ("b1", s.to_numpy(dtype=np.uint8).tobytes())
    if pd.api.types.is_integer_dtype(dtype) and not s.isna().any():
        return ("i8", s.to_numpy(dtype="<i8").tobytes())
    if pd.api.types.is_float_dtype(dtype):
        return ("f8", s.to_numpy(dtype="<f8", na_value=np.nan).tobytes())
    values = s.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()


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
