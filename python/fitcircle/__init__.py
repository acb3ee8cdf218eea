"""fitcircle: 15-minute walking coverage of sports facilities, from Python.

    import fitcircle
    res = fitcircle.analyze(**fitcircle.bundle("porto-alegre"), minutes=10)
    res.communities          # GeoDataFrame, the columns of communities.geojson
    res.summary              # DataFrame, summary.csv
    res.write("out/poa")     # exactly the files `fitcircle analyze` writes

Inputs are paths (any format the CLI reads, ``bundle:<name>/<file>`` for
bundled data) or GeoDataFrames in any CRS (converted by their ``.crs``).
Settings are the CLI's flags with ``_`` for ``-`` (``max_snap=200``,
``coverage_only=True``, ``bands=[5, 10]``), parsed by the CLI's own
definitions, so names, defaults and messages are the same;
:func:`settings` lists them. Errors raise :class:`FitcircleError` with the
CLI's message (file, row, what to fix).
"""

from __future__ import annotations

import os
import warnings as _warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _fitcircle
from ._convert import frame, geoframe, table

FitcircleError = _fitcircle.FitcircleError
__version__ = _fitcircle.__version__

__all__ = [
    "FitcircleError",
    "Result",
    "SitesResult",
    "analyze",
    "bundle",
    "check",
    "settings",
    "sites",
]

# Arguments the Python functions set themselves, or that only make sense
# on a terminal.
_NOT_SETTINGS = {
    "out", "quiet", "verbose", "json", "progress", "check_sample",
    "network", "facilities", "communities", "units", "help", "dry_run",
}


def settings(command: str = "analyze") -> List[Dict[str, Any]]:
    """The settings ``analyze`` (or ``sites``) accepts: the CLI's flags, each
    as ``{"name", "takes_value", "default", "help"}``. A default of None
    means the config's (or the bundle's) value, the CLI's ``[default: ...]``.
    """
    out = []
    for name, takes, default, help_ in _fitcircle.settings(command):
        if name in _NOT_SETTINGS:
            continue
        out.append({"name": name, "takes_value": takes, "default": default, "help": help_})
    return out


def _flag_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_flag_value(v) for v in value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _settings_args(command: str, given: Dict[str, Any]) -> List[str]:
    known = {s["name"]: s for s in settings(command)}
    args: List[str] = []
    for name, value in given.items():
        spec = known.get(name)
        if spec is None:
            raise TypeError(
                f"{command}() got an unexpected setting {name!r}; the settings are: "
                + ", ".join(sorted(known))
            )
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if not spec["takes_value"]:
            if not isinstance(value, bool):
                raise TypeError(f"{name} is a switch: give True or False (got {value!r})")
            if value:
                args.append(flag)
            continue
        values = value if (name == "bundle_dir" and isinstance(value, (list, tuple))) else [value]
        for v in values:
            args += [flag, _flag_value(v)]
    return args


def _is_frame(obj: Any) -> bool:
    return hasattr(obj, "geometry") and hasattr(obj, "columns")


InputLike = Union[str, "os.PathLike[str]", Any]


def _inputs(
    network: Optional[InputLike],
    facilities: Union[InputLike, Sequence[InputLike], None],
    communities: Optional[InputLike],
    units: Optional[InputLike],
) -> Tuple[List[str], List[tuple]]:
    """Flags for inputs given as paths; GeoDataFrames as in-memory tables
    under the name their flag carries (``<facilities 1>``, ...)."""
    args: List[str] = []
    tables: List[tuple] = []
    if network is not None:
        if _is_frame(network):
            raise TypeError("network: give the OpenStreetMap file (.osm.pbf or .osm), not a table")
        args += ["--network", os.fspath(network)]
    if facilities is not None:
        many = facilities if isinstance(facilities, (list, tuple)) else [facilities]
        for i, f in enumerate(many):
            if _is_frame(f):
                name = f"<facilities {i + 1}>" if len(many) > 1 else "<facilities>"
                tables.append(table(name, f))
                args += ["--facilities", name]
            else:
                args += ["--facilities", os.fspath(f)]
    for role, value in (("communities", communities), ("units", units)):
        if value is None:
            continue
        if _is_frame(value):
            name = f"<{role}>"
            tables.append(table(name, value))
            args += [f"--{role}", name]
        else:
            args += [f"--{role}", os.fspath(value)]
    return args, tables


class Result:
    """An analysis: layers as (Geo)DataFrames, made on first use; ``write``
    writes the files ``fitcircle analyze --out DIR`` writes, byte for byte."""

    def __init__(self, native: Any):
        self._native = native
        self._cache: Dict[str, Any] = {}

    def _layer(self, name: str, geo: bool = True):
        if name not in self._cache:
            raw = self._native.layer(name)
            self._cache[name] = geoframe(raw) if geo else frame(raw)
        return self._cache[name]

    @property
    def communities(self):
        """communities.geojson as a GeoDataFrame (EPSG:4326)."""
        return self._layer("communities")

    @property
    def facilities(self):
        """facilities.geojson as a GeoDataFrame."""
        return self._layer("facilities")

    @property
    def units(self):
        """units.geojson as a GeoDataFrame (no rows without units)."""
        return self._layer("units")

    @property
    def gaps(self):
        """gaps.geojson as a GeoDataFrame."""
        return self._layer("gaps")

    @property
    def isochrones(self):
        """isochrones.geojson as a GeoDataFrame."""
        return self._layer("isochrones")

    @property
    def summary(self):
        """summary.csv as a DataFrame."""
        return self._layer("summary", geo=False)

    @property
    def scorecard(self):
        """scorecard.csv as a DataFrame."""
        return self._layer("scorecard", geo=False)

    @property
    def warnings(self) -> List[str]:
        return list(self._native.warnings)

    @property
    def notes(self) -> List[str]:
        return list(self._native.notes)

    @property
    def title(self) -> str:
        return self._native.title

    def summary_json(self) -> Dict[str, Any]:
        """The summary ``fitcircle analyze --json`` prints (without files)."""
        import json

        return json.loads(self._native.summary_json())

    def write(self, dir: Union[str, "os.PathLike[str]"]) -> List[str]:
        """Write every output file into ``dir``; returns the paths."""
        return [os.fspath(p) for p in self._native.write(os.fspath(dir))]

    def __repr__(self) -> str:
        return f"<fitcircle.Result {self.title!r}>"


def _warn(messages: Sequence[str]) -> None:
    for w in messages:
        _warnings.warn(w, stacklevel=3)


def analyze(
    network: Optional[InputLike] = None,
    facilities: Union[InputLike, Sequence[InputLike], None] = None,
    communities: Optional[InputLike] = None,
    units: Optional[InputLike] = None,
    **settings: Any,
) -> Result:
    """Walking coverage per community and unit, as ``fitcircle analyze``.

    Each input is a path or a GeoDataFrame (facilities may be a list).
    ``settings`` are the CLI's flags (see :func:`settings`), e.g.
    ``bundle="porto-alegre"``, ``minutes=10``, ``lang="en"``. The analysis
    runs with the GIL released.
    """
    args, tables = _inputs(network, facilities, communities, units)
    args += _settings_args("analyze", settings)
    native = _fitcircle.analyze(args, tables)
    _warn(native.warnings)
    return Result(native)


def check(
    network: Optional[InputLike] = None,
    facilities: Union[InputLike, Sequence[InputLike], None] = None,
    communities: Optional[InputLike] = None,
    units: Optional[InputLike] = None,
    **settings: Any,
) -> Dict[str, Any]:
    """Load the inputs as :func:`analyze` would, without analysing: counts
    and warnings (as ``fitcircle check``); raises on what the analysis
    would refuse."""
    args, tables = _inputs(network, facilities, communities, units)
    args += _settings_args("analyze", settings)
    f, c, u, w = _fitcircle.load_inputs(args, tables)
    return {"facilities": f, "communities": c, "units": u, "warnings": list(w)}


class SitesResult:
    """Suggested sites: ``.sites`` (GeoDataFrame of sites.geojson) and
    ``write(dir)`` (the files ``fitcircle sites --out DIR`` writes)."""

    def __init__(self, native: Any):
        self._native = native
        self._sites = None

    @property
    def sites(self):
        if self._sites is None:
            self._sites = geoframe(self._native.layer())
        return self._sites

    @property
    def warnings(self) -> List[str]:
        return list(self._native.warnings)

    def summary_json(self) -> Dict[str, Any]:
        import json

        return json.loads(self._native.summary_json())

    def write(self, dir: Union[str, "os.PathLike[str]"]) -> List[str]:
        return [os.fspath(p) for p in self._native.write(os.fspath(dir))]


def sites(
    network: Optional[InputLike] = None,
    facilities: Union[InputLike, Sequence[InputLike], None] = None,
    communities: Optional[InputLike] = None,
    units: Optional[InputLike] = None,
    **settings: Any,
) -> SitesResult:
    """Sites for new facilities that newly cover the most residents, as
    ``fitcircle sites`` (``category=`` is required, e.g.
    ``category="fitness_station", count=5``)."""
    args, tables = _inputs(network, facilities, communities, units)
    args += _settings_args("sites", settings)
    native = _fitcircle.sites(args, tables)
    _warn(native.warnings)
    return SitesResult(native)


class Bundle(dict):
    """A bundled data set: ``analyze(**bundle)`` runs it with its config
    (columns, CRSs, settings); ``files`` names its inputs (``bundle:``
    paths any input accepts)."""

    def __init__(self, name: str):
        super().__init__(bundle=name)
        self.name = name
        self.files: Dict[str, List[str]] = {}
        for role, path in _fitcircle.bundle_inputs(name):
            self.files.setdefault(role, []).append(os.fspath(path))

    def extract(self, dir: Union[str, "os.PathLike[str]"]) -> str:
        """Write the bundle's files (data, fitcircle.toml, SOURCES.md) into
        ``dir`` (as ``fitcircle bundles --extract``); returns ``dir``."""
        code = _fitcircle.main(["fitcircle", "bundles", "--extract", self.name, os.fspath(dir)])
        if code != 0:
            raise FitcircleError(f"could not extract bundle {self.name!r} into {dir}")
        return os.fspath(dir)


def bundle(name: str) -> Bundle:
    """A bundled data set by name (``helsinki``, ``porto-alegre``,
    ``xicheng``, or one under ``$FITCIRCLE_BUNDLE_DIR``)."""
    return Bundle(name)
