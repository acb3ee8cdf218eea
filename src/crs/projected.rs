//! EPSG coordinate systems and `.prj` files: projected inputs (CGCS2000
//! Gauss-Kruger zones, UTM, Web Mercator, ...) and other geographic datums
//! (CGCS2000 EPSG:4490) converted to WGS-84 longitude/latitude at load.
//!
//! The conversions are [`proj4rs`] (a pure-Rust port of PROJ.4) with the
//! PROJ.4 definitions of the EPSG registry (`crs-definitions`); a `.prj` or
//! WKT definition without an EPSG code is turned into a PROJ string by
//! `proj4wkt`. ESRI's names for two methods that PROJ knows under others are
//! mapped first: `Gauss_Kruger` is the Transverse Mercator, and
//! `Mercator_Auxiliary_Sphere` is Web Mercator (what GDAL writes into a
//! Shapefile's `.prj` for EPSG:4527 and EPSG:3857).
//!
//! CGCS2000 and WGS-84 differ by a few centimetres, far below what a walk
//! of 1000 m notices; like PROJ without a datum grid, no shift is applied
//! between them. A datum whose definition carries `+towgs84` parameters
//! (e.g. Beijing 1954, EPSG:4214) is shifted by them.

use std::fmt;
use std::str::FromStr;

use proj4rs::Proj;

use super::Crs;

/// The CRS of an input's coordinates, as a config (`crs = "EPSG:4527"`) or
/// `--crs` names it: longitude/latitude in one of the [`Crs`] systems, or
/// any EPSG code the bundled definitions have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum InputCrs {
    /// Longitude/latitude degrees in WGS-84, GCJ-02 or BD-09.
    LonLat(Crs),
    /// An EPSG code other than 4326, e.g. 4527 (CGCS2000 / 3-degree
    /// Gauss-Kruger zone 39), 32650 (WGS 84 / UTM zone 50N), 3857 (Web
    /// Mercator) or 4490 (CGCS2000 longitude/latitude).
    Epsg(u16),
}

impl Default for InputCrs {
    fn default() -> Self {
        InputCrs::LonLat(Crs::Wgs84)
    }
}

impl From<Crs> for InputCrs {
    fn from(c: Crs) -> Self {
        InputCrs::LonLat(c)
    }
}

impl fmt::Display for InputCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputCrs::LonLat(c) => write!(f, "{c}"),
            InputCrs::Epsg(code) => write!(f, "EPSG:{code}"),
        }
    }
}

impl TryFrom<String> for InputCrs {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// The EPSG code in `s`: `EPSG:4527`, `epsg:4527`, `4527`,
/// `urn:ogc:def:crs:EPSG::4527` (GeoJSON's old `crs` member) or
/// `http://www.opengis.net/def/crs/EPSG/0/4527`; `None` when `s` names no
/// EPSG code. OGC's CRS84 is EPSG:4326.
pub fn epsg_code_of(s: &str) -> Option<u32> {
    let lower = s.trim().to_ascii_lowercase();
    if lower.ends_with("crs84") {
        return Some(4326);
    }
    let code = if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:epsg:") {
        // urn:ogc:def:crs:EPSG:<version>:<code>, the version often empty.
        rest.rsplit(':').next()?
    } else if let Some(i) = lower.find("/def/crs/epsg/") {
        lower[i..].rsplit('/').next()?
    } else if let Some(rest) = lower.strip_prefix("epsg:") {
        rest
    } else {
        &lower
    };
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    code.parse().ok()
}

impl FromStr for InputCrs {
    type Err = String;

    /// A [`Crs`] name (`wgs84`, `gcj02`, `bd09` and their aliases) or an
    /// EPSG code in any form [`epsg_code_of`] reads; an EPSG code the
    /// bundled definitions lack, or whose definition cannot be inverted, is
    /// refused with what to do instead.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(c) = s.parse::<Crs>() {
            return Ok(InputCrs::LonLat(c));
        }
        let Some(code) = epsg_code_of(s) else {
            return Err(format!(
                "unknown CRS \"{}\"; use wgs84, gcj02, bd09 (longitude/latitude) or an EPSG \
                 code such as EPSG:4490 (CGCS2000), EPSG:4527 (CGCS2000 3-degree Gauss-Kruger \
                 zone 39), EPSG:32650 (UTM 50N) or EPSG:3857 (Web Mercator)",
                s.trim()
            ));
        };
        if code == 4326 {
            return Ok(InputCrs::LonLat(Crs::Wgs84));
        }
        let epsg = u16::try_from(code).map_err(|_| unknown_epsg(code))?;
        proj_of_epsg(epsg)?;
        Ok(InputCrs::Epsg(epsg))
    }
}

fn unknown_epsg(code: u32) -> String {
    format!(
        "EPSG:{code} is not in the EPSG definitions fitcircle carries (PROJ.4 definitions of \
         the EPSG registry); check the code, or convert the file to WGS-84 first (e.g. \
         `ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg`)"
    )
}

/// The PROJ definition of an EPSG code, checked to convert back to
/// longitude/latitude.
fn proj_of_epsg(code: u16) -> Result<Proj, String> {
    let proj = Proj::from_epsg_code(code).map_err(|_| unknown_epsg(code.into()))?;
    usable(proj, &format!("EPSG:{code}"))
}

fn usable(proj: Proj, what: &str) -> Result<Proj, String> {
    if proj.is_geocent() || !(proj.is_latlong() || proj.has_inverse()) {
        return Err(format!(
            "{what} ({}) is not a map projection or longitude/latitude system fitcircle can \
             convert from; convert the file to WGS-84 first (e.g. `ogr2ogr -t_srs EPSG:4326`)",
            proj.projname()
        ));
    }
    Ok(proj)
}

/// How a file states its own CRS: an EPSG code (a GeoPackage's
/// `gpkg_spatial_ref_sys`, a FlatGeobuf header, a GeoJSON `crs` member) or
/// a WKT definition (a Shapefile's `.prj`).
#[derive(Debug, Clone, PartialEq)]
pub enum DeclaredCrs {
    /// An EPSG code.
    Epsg(u32),
    /// A WKT (1 or 2, OGC or ESRI) definition.
    Wkt(String),
    /// A Chinese web-map CRS, which has no EPSG code: fitcircle's own
    /// `<name>.gcj02.fgb` names GCJ-02 in its header.
    LonLat(Crs),
}

impl DeclaredCrs {
    /// The EPSG code the declaration names (a WKT's own top-level `AUTHORITY`
    /// or `ID`), if any.
    pub fn epsg(&self) -> Option<u32> {
        match self {
            DeclaredCrs::Epsg(c) => Some(*c),
            DeclaredCrs::Wkt(w) => wkt_epsg(w),
            DeclaredCrs::LonLat(Crs::Wgs84) => Some(4326),
            DeclaredCrs::LonLat(_) => None,
        }
    }

    /// True when the declaration is WGS-84 longitude/latitude, or another
    /// geographic system whose coordinates a GCJ-02 or BD-09 source would
    /// also be stored as (CGCS2000 EPSG:4490).
    pub fn is_lonlat(&self) -> bool {
        match self.epsg() {
            Some(4326 | 4490) => true,
            Some(_) => false,
            None => match self {
                DeclaredCrs::Wkt(w) => w.trim_start().to_ascii_uppercase().starts_with("GEOGCS"),
                DeclaredCrs::LonLat(_) => true,
                DeclaredCrs::Epsg(_) => false,
            },
        }
    }
}

/// Conversion of one input's coordinates to WGS-84 longitude/latitude.
pub struct ToWgs84 {
    kind: Kind,
    label: String,
}

enum Kind {
    LonLat(Crs),
    Proj {
        src: Box<Proj>,
        dst: Box<Proj>,
        latlong: bool,
    },
}

impl fmt::Debug for ToWgs84 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ToWgs84({})", self.label)
    }
}

impl ToWgs84 {
    /// The conversion from `crs`; an error says why an EPSG code cannot be
    /// used.
    pub fn new(crs: InputCrs) -> Result<Self, String> {
        match crs {
            InputCrs::LonLat(c) => Ok(ToWgs84 {
                kind: Kind::LonLat(c),
                label: c.to_string(),
            }),
            InputCrs::Epsg(code) => Self::from_proj(proj_of_epsg(code)?, format!("EPSG:{code}")),
        }
    }

    /// The conversion a file's declaration asks for.
    pub fn declared(d: &DeclaredCrs) -> Result<Self, String> {
        if let Some(code) = d.epsg() {
            if code == 4326 {
                return Self::new(InputCrs::LonLat(Crs::Wgs84));
            }
            if let Ok(code16) = u16::try_from(code) {
                if let Ok(proj) = proj_of_epsg(code16) {
                    return Self::from_proj(proj, format!("EPSG:{code}"));
                }
            }
        }
        match d {
            DeclaredCrs::Epsg(code) => Err(unknown_epsg(*code)),
            DeclaredCrs::Wkt(w) => Self::from_wkt(w),
            DeclaredCrs::LonLat(c) => Self::new(InputCrs::LonLat(*c)),
        }
    }

    /// The conversion from a WKT definition without a known EPSG code.
    fn from_wkt(wkt: &str) -> Result<Self, String> {
        let name = wkt_name(wkt).unwrap_or_default();
        let esri = wkt
            .replace("\"Gauss_Kruger\"", "\"Transverse_Mercator\"")
            .replace(
                "\"Mercator_Auxiliary_Sphere\"",
                "\"Popular_Visualisation_Pseudo_Mercator\"",
            );
        let what = format!("the CRS {name:?}");
        let proj_string = proj4wkt::wkt_to_projstring(&esri).map_err(|e| {
            format!(
                "{what} cannot be read ({e}); give its EPSG code (`--crs EPSG:xxxx` or \
                 `crs = \"EPSG:xxxx\"`) or convert the file to WGS-84 first"
            )
        })?;
        let proj = Proj::from_proj_string(&proj_string)
            .map_err(|e| format!("{what} ({proj_string}) is not supported: {e}"))?;
        Self::from_proj(usable(proj, &what)?, name)
    }

    fn from_proj(src: Proj, label: String) -> Result<Self, String> {
        let dst = Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .map_err(|e| format!("WGS-84: {e}"))?;
        let latlong = src.is_latlong();
        Ok(ToWgs84 {
            kind: Kind::Proj {
                src: Box::new(src),
                dst: Box::new(dst),
                latlong,
            },
            label,
        })
    }

    /// The CRS's name for messages: `wgs84`, `gcj02`, `EPSG:4527`, or a
    /// `.prj`'s own name.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// True when the input's coordinates are longitude/latitude degrees
    /// (checked for range before conversion); false for projected metres.
    pub fn is_lonlat(&self) -> bool {
        match &self.kind {
            Kind::LonLat(_) => true,
            Kind::Proj { latlong, .. } => *latlong,
        }
    }

    /// True when coordinates pass through unchanged (WGS-84).
    pub fn is_identity(&self) -> bool {
        matches!(self.kind, Kind::LonLat(Crs::Wgs84))
    }

    /// `(x, y)` in the input's CRS as WGS-84 `(lon, lat)` degrees; `None`
    /// when the point lies outside the projection's domain.
    pub fn convert(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        match &self.kind {
            Kind::LonLat(c) => Some(c.to_wgs84(x, y)),
            Kind::Proj { src, dst, latlong } => {
                let mut p = if *latlong {
                    (x.to_radians(), y.to_radians(), 0.0)
                } else {
                    (x, y, 0.0)
                };
                proj4rs::transform::transform(src, dst, &mut p).ok()?;
                let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
                (lon.is_finite() && lat.is_finite()).then_some((lon, lat))
            }
        }
    }
}

/// The first quoted string of a WKT definition: the CRS's name.
fn wkt_name(wkt: &str) -> Option<String> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(wkt[start..start + len].to_string())
}

/// The EPSG code of a WKT definition's root: its `AUTHORITY["EPSG","n"]`
/// (WKT 1) or `ID["EPSG",n]` (WKT 2) directly inside the outermost
/// brackets; the codes of nested datums, units and base systems do not
/// count.
pub fn wkt_epsg(wkt: &str) -> Option<u32> {
    let bytes = wkt.as_bytes();
    let mut depth = 0usize;
    let mut in_quotes = false;
    let mut found = None;
    let mut word_start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            b'[' | b'(' => {
                let word = wkt[word_start..i].trim().to_ascii_uppercase();
                if depth == 1 && (word == "AUTHORITY" || word == "ID") {
                    found = authority_code(&wkt[i + 1..]);
                }
                depth += 1;
                word_start = i + 1;
            }
            b']' | b')' => {
                depth = depth.saturating_sub(1);
                word_start = i + 1;
            }
            b',' => word_start = i + 1,
            _ => {}
        }
    }
    found
}

/// `"EPSG","4527"]` or `"EPSG",4527]` -> 4527.
fn authority_code(rest: &str) -> Option<u32> {
    let mut parts = rest.splitn(3, ',');
    let org = parts.next()?.trim().trim_matches('"');
    if !org.eq_ignore_ascii_case("EPSG") {
        return None;
    }
    let code = parts.next()?;
    let code = code.split([']', ')']).next()?.trim().trim_matches('"');
    code.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with pyproj 3.7.2 (PROJ
    // 9.5.1), installed by pip in a scratch venv:
    //   Transformer.from_crs(4326, code, always_xy=True).transform(lon, lat)
    // for the points below; printed with Python's repr (17 digits).
    /// (EPSG code, WGS-84 (lon, lat), projected (x, y)).
    type Known = (u16, (f64, f64), (f64, f64));
    const KNOWN: &[Known] = &[
        // CGCS2000 / 3-degree Gauss-Kruger zone 39 (zone prefix in x).
        (
            4527,
            (116.37, 39.91),
            (39446131.11289772, 4419726.006484228),
        ),
        // CGCS2000 / 3-degree Gauss-Kruger CM 117E (no prefix).
        (
            4548,
            (116.37, 39.91),
            (446131.11289771623, 4419726.006484228),
        ),
        // CGCS2000 / 3-degree Gauss-Kruger CM 120E.
        (
            4549,
            (116.37, 39.91),
            (189576.64327593887, 4425849.638280895),
        ),
        // CGCS2000 / 3-degree Gauss-Kruger zone 25 (75E), the first zone.
        (4513, (75.5, 39.47), (25543025.298100226, 4370802.709746554)),
        // WGS 84 / UTM zone 50N.
        (
            32650,
            (116.37, 39.91),
            (446152.6604529212, 4417958.116195388),
        ),
        // WGS 84 / UTM zone 23S (Rio de Janeiro).
        (
            32723,
            (-43.2, -22.9),
            (684623.6732645986, 7466421.400670482),
        ),
        // Web Mercator.
        (
            3857,
            (116.37, 39.91),
            (12954249.143613247, 4852872.33096687),
        ),
        // CGCS2000 longitude/latitude: the same degrees.
        (4490, (116.37, 39.91), (116.37, 39.91)),
    ];

    #[test]
    fn epsg_codes_convert_to_the_pyproj_coordinates() {
        for &(code, (lon, lat), (x, y)) in KNOWN {
            let t = ToWgs84::new(InputCrs::Epsg(code)).unwrap();
            let (glon, glat) = t.convert(x, y).unwrap();
            // 1e-8 degrees is about 1 mm.
            assert!(
                (glon - lon).abs() < 1e-8 && (glat - lat).abs() < 1e-8,
                "EPSG:{code}: ({x}, {y}) -> ({glon}, {glat}), want ({lon}, {lat})"
            );
            assert_eq!(t.label(), format!("EPSG:{code}"));
            assert_eq!(t.is_lonlat(), code == 4490);
        }
    }

    // The .prj files GDAL 3.6 writes (ESRI WKT, no EPSG code) for
    // `ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4527` and `EPSG:3857`.
    const PRJ_4527: &str = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const PRJ_3857: &str = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]"#;

    #[test]
    fn esri_prj_files_convert_like_their_epsg_codes() {
        for (prj, code) in [(PRJ_4527, 4527u16), (PRJ_3857, 3857)] {
            let d = DeclaredCrs::Wkt(prj.to_string());
            assert_eq!(d.epsg(), None);
            assert!(!d.is_lonlat());
            let t = ToWgs84::declared(&d).unwrap();
            let &(_, (lon, lat), (x, y)) = KNOWN.iter().find(|k| k.0 == code).unwrap();
            let (glon, glat) = t.convert(x, y).unwrap();
            assert!(
                (glon - lon).abs() < 1e-8 && (glat - lat).abs() < 1e-8,
                "{prj}"
            );
        }
        let t = ToWgs84::declared(&DeclaredCrs::Wkt(PRJ_4527.into())).unwrap();
        assert_eq!(t.label(), "CGCS2000_3_Degree_GK_Zone_39");
    }

    #[test]
    fn wkt_root_authority_is_found() {
        let wkt = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger zone 39",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","4527"]]"#;
        assert_eq!(wkt_epsg(wkt), Some(4527));
        assert_eq!(wkt_epsg(r#"GEOGCRS["WGS 84",ID["EPSG",4326]]"#), Some(4326));
        assert_eq!(wkt_epsg(PRJ_4527), None);
    }

    #[test]
    fn names_and_codes_parse() {
        for s in [
            "EPSG:4527",
            "epsg:4527",
            "4527",
            "urn:ogc:def:crs:EPSG::4527",
        ] {
            assert_eq!(s.parse::<InputCrs>(), Ok(InputCrs::Epsg(4527)), "{s}");
        }
        assert_eq!(
            "http://www.opengis.net/def/crs/EPSG/0/32650".parse::<InputCrs>(),
            Ok(InputCrs::Epsg(32650))
        );
        for s in ["EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "wgs84"] {
            assert_eq!(
                s.parse::<InputCrs>(),
                Ok(InputCrs::LonLat(Crs::Wgs84)),
                "{s}"
            );
        }
        assert_eq!(
            "gcj02".parse::<InputCrs>(),
            Ok(InputCrs::LonLat(Crs::Gcj02))
        );
        assert_eq!(InputCrs::Epsg(4527).to_string(), "EPSG:4527");
        let e = "EPSG:99999".parse::<InputCrs>().unwrap_err();
        assert!(
            e.contains("EPSG:99999 is not in the EPSG definitions"),
            "{e}"
        );
        let e = "EPSG:1".parse::<InputCrs>().unwrap_err();
        assert!(e.contains("EPSG:1 "), "{e}");
        let e = "utm50".parse::<InputCrs>().unwrap_err();
        assert!(e.contains("EPSG:4527"), "{e}");
    }

    #[test]
    fn gcj02_passes_through_the_geographic_conversion() {
        let t = ToWgs84::new(InputCrs::LonLat(Crs::Gcj02)).unwrap();
        let (lon, lat) = t.convert(116.41024449916938, 39.91640428150164).unwrap();
        assert!((lon - 116.404).abs() < 1e-8 && (lat - 39.915).abs() < 1e-8);
        assert!(t.is_lonlat() && !t.is_identity());
    }
}
