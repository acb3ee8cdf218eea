"""Tables across the boundary: GeoDataFrames to columns and WKB for the
native module, its columns and WKB back to (Geo)DataFrames. Numbers cross
as NumPy buffers, text as lists of str, geometry as WKB (shapely); never as
GeoJSON text."""

from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np
import pandas as pd
import shapely

WGS84 = "EPSG:4326"


def table(name: str, gdf: Any) -> Tuple[str, List[str], List[Any], List[Any]]:
    """``(name, column names, columns, WKB per row)`` of a GeoDataFrame,
    its geometry converted to WGS-84 by its ``crs``."""
    if gdf.crs is None:
        raise ValueError(
            f"{name}: the GeoDataFrame has no CRS; set it (e.g. gdf.set_crs(4326)) so "
            "fitcircle can convert it to WGS-84"
        )
    if not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    geom_name = gdf.geometry.name
    wkb = shapely.to_wkb(np.asarray(gdf.geometry.array), output_dimension=2).tolist()
    names: List[str] = []
    columns: List[Any] = []
    for col in gdf.columns:
        if col == geom_name:
            continue
        names.append(str(col))
        columns.append(_column(gdf[col]))
    return name, names, columns, wkb


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
            data[name] = pd.array(buf, dtype=object) if rows else pd.array([], dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(rows))


def geoframe(raw: Tuple[int, list, Any]):
    """A GeoDataFrame (EPSG:4326) from the native module's columns and WKB."""
    import geopandas

    df = frame(raw)
    geometry = shapely.from_wkb(np.array(raw[2], dtype=object))
    return geopandas.GeoDataFrame(df, geometry=geometry, crs=WGS84)
