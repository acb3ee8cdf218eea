//! An optional online base map under the report's map (`--basemap`). The
//! report is offline by default: no tile is fetched unless one is asked
//! for. Chinese web maps (AMap) draw their tiles in GCJ-02, so the page's
//! data are then written in GCJ-02 too ([`Basemap::crs`]) and land on the
//! right streets; OpenStreetMap and Tianditu are WGS-84 (CGCS2000, within a
//! metre of it).

use crate::crs::Crs;
use crate::output::i18n::{Lang, tr, trf};
use crate::{Error, Result};

/// Where the tiles come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Osm,
    Tianditu,
    Amap,
    /// A tile URL template given by the user.
    Custom,
}

/// An online base map: tile URL templates for Leaflet and what the page
/// says about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basemap {
    source: Source,
    /// Tile URL template (`{z}`, `{x}`, `{y}`, `{s}` for a subdomain).
    url: String,
    /// A second tile layer drawn over the first (Tianditu's place names).
    labels: Option<String>,
    /// The letters or digits `{s}` takes.
    subdomains: String,
    max_zoom: u8,
    /// The tiles' coordinate system.
    crs: Crs,
    /// The tile server's host, for the attribution of a custom template.
    host: String,
}

/// The environment variable holding a Tianditu key.
pub const TIANDITU_KEY_VAR: &str = "FITCIRCLE_TIANDITU_KEY";

fn invalid(message: String) -> Error {
    Error::Config {
        origin: "--basemap".to_string(),
        message,
    }
}

/// A Tianditu WMTS tile URL of `layer` (`vec`, `cva`) with key `key`.
fn tianditu_url(layer: &str, key: &str) -> String {
    format!(
        "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0\
         &LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}\
         &TILEROW={{y}}&TILECOL={{x}}&tk={key}"
    )
}

impl Basemap {
    /// The base map `spec` names: `osm`, `tianditu` (with `tianditu_key`,
    /// from [`TIANDITU_KEY_VAR`]), `amap`, or a tile URL template
    /// (`https://.../{z}/{x}/{y}.png`; prefixed `gcj02:` when its tiles are
    /// in GCJ-02). Errors say what to give instead.
    pub fn parse(spec: &str, tianditu_key: Option<&str>) -> Result<Basemap> {
        let spec = spec.trim();
        let base = |source, url: String, subdomains: &str, crs| Basemap {
            source,
            url,
            labels: None,
            subdomains: subdomains.to_string(),
            max_zoom: 18,
            crs,
            host: String::new(),
        };
        match spec.to_ascii_lowercase().as_str() {
            "osm" | "openstreetmap" => Ok(Basemap {
                max_zoom: 19,
                ..base(
                    Source::Osm,
                    "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_string(),
                    "",
                    Crs::Wgs84,
                )
            }),
            "tianditu" | "天地图" => {
                let key = tianditu_key
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| {
                        invalid(format!(
                            "tianditu needs a key: set {TIANDITU_KEY_VAR} to a Tianditu browser \
                             key (free from console.tianditu.gov.cn); it is written into \
                             report.html"
                        ))
                    })?;
                if !key.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(invalid(format!(
                        "{TIANDITU_KEY_VAR} is not a Tianditu key (letters and digits only)"
                    )));
                }
                Ok(Basemap {
                    labels: Some(tianditu_url("cva", key)),
                    ..base(
                        Source::Tianditu,
                        tianditu_url("vec", key),
                        "01234567",
                        Crs::Wgs84,
                    )
                })
            }
            "amap" | "gaode" | "高德" => Ok(base(
                Source::Amap,
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1\
                 &style=8&x={x}&y={y}&z={z}"
                    .to_string(),
                "1234",
                Crs::Gcj02,
            )),
            _ => Self::custom(spec),
        }
    }

    /// A tile URL template given by the user.
    fn custom(spec: &str) -> Result<Basemap> {
        let (crs, url) = match spec.strip_prefix("gcj02:") {
            Some(rest) => (Crs::Gcj02, rest.trim()),
            None => (Crs::Wgs84, spec),
        };
        let host = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .and_then(|rest| rest.split('/').next())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| {
                invalid(format!(
                    "{spec:?}: give osm, tianditu, amap or a tile URL template starting with \
                     https:// (e.g. https://tile.example.org/{{z}}/{{x}}/{{y}}.png; prefix \
                     gcj02: for tiles in GCJ-02)"
                ))
            })?;
        let missing: Vec<&str> = ["{z}", "{x}", "{y}"]
            .into_iter()
            .filter(|p| {
                let has = url.contains(p) || (*p == "{y}" && url.contains("{-y}"));
                !has
            })
            .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "{url:?}: the tile URL template lacks {}",
                missing.join(", ")
            )));
        }
        if url
            .chars()
            .any(|c| c.is_whitespace() || "\"'<>`\\".contains(c))
        {
            return Err(invalid(format!(
                "{url:?}: a tile URL has no spaces, quotes, angle brackets or backslashes"
            )));
        }
        Ok(Basemap {
            source: Source::Custom,
            url: url.to_string(),
            labels: None,
            subdomains: "abc".to_string(),
            max_zoom: 19,
            crs,
            host: host.to_string(),
        })
    }

    /// The coordinate system of the tiles (the page's data are written in
    /// it).
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// The base map's name in `lang`.
    pub(super) fn name(&self, lang: Lang) -> String {
        match self.source {
            Source::Osm => tr(lang, "basemap.osm").to_string(),
            Source::Tianditu => tr(lang, "basemap.tianditu").to_string(),
            Source::Amap => tr(lang, "basemap.amap").to_string(),
            Source::Custom => self.host.clone(),
        }
    }

    /// The attribution shown on the map, in `lang`.
    pub(super) fn attribution(&self, lang: Lang) -> String {
        match self.source {
            Source::Osm => tr(lang, "basemap.osm_attr").to_string(),
            Source::Tianditu => tr(lang, "basemap.tianditu_attr").to_string(),
            Source::Amap => tr(lang, "basemap.amap_attr").to_string(),
            Source::Custom => trf(lang, "basemap.custom_attr", &[("host", self.host.clone())]),
        }
    }

    /// What the page's script needs: the tile layers and their options.
    pub(super) fn json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "url": self.url,
            "labels": self.labels,
            "subdomains": self.subdomains,
            "max_zoom": self.max_zoom,
            "attribution": self.attribution(lang),
            "crs": self.crs.as_str(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_sources_and_templates() {
        let osm = Basemap::parse("osm", None).expect("osm");
        assert_eq!(osm.crs(), Crs::Wgs84);
        assert!(osm.url.contains("tile.openstreetmap.org/{z}/{x}/{y}"));
        let amap = Basemap::parse("AMap", None).expect("amap");
        assert_eq!(amap.crs(), Crs::Gcj02);
        assert!(Basemap::parse("tianditu", None).is_err());
        assert!(Basemap::parse("tianditu", Some("bad key!")).is_err());
        let t = Basemap::parse("tianditu", Some("abc123")).expect("tianditu");
        assert!(t.url.contains("tk=abc123") && t.labels.is_some());
        let c = Basemap::parse("https://tiles.example.org/{z}/{x}/{y}.png", None).expect("url");
        assert_eq!(c.host, "tiles.example.org");
        assert_eq!(c.name(Lang::En), "tiles.example.org");
        let g = Basemap::parse("gcj02:https://x.example.cn/{z}/{x}/{y}", None).expect("gcj");
        assert_eq!(g.crs(), Crs::Gcj02);
        for bad in [
            "stamen",
            "https://tiles.example.org/{z}/{x}.png",
            "ftp://x/{z}/{x}/{y}",
            "https://x.org/{z}/{x}/{y}\"onload=",
        ] {
            assert!(Basemap::parse(bad, None).is_err(), "{bad}");
        }
    }
}
