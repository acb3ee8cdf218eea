//! From parsed flags to one validated [`RunConfig`]: the bundle or config
//! file with the command line's overrides, the output formats and how much
//! to print. Everything a user can get wrong on the command line fails
//! here, before any file is read.

use std::path::{Path, PathBuf};

use anyhow::Result;
use fitcircle::config::{Config, InputSpec, NetworkSpec};
use fitcircle::crs::{Crs, InputCrs};
use fitcircle::output::Formats;

use super::args::{Format, InputArgs, OutputArgs, SettingsArgs};
use super::bundles;

/// What one `analyze` or `sites` run reads, writes and prints.
#[derive(Debug)]
pub struct RunConfig {
    /// Inputs and settings, overrides applied and validated.
    pub config: Config,
    /// File formats and companions.
    pub formats: Formats,
    /// Output folder.
    pub out: PathBuf,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Print stage timings.
    pub verbose: bool,
    /// The summary as JSON on stdout.
    pub json: bool,
    /// Warnings found before loading (an unreadable FITCIRCLE_BUNDLE_DIR).
    pub warnings: Vec<String>,
}

impl RunConfig {
    /// Merge the flags into the bundle's or config file's settings.
    pub fn from_args(
        input: &InputArgs,
        settings: &SettingsArgs,
        output: &OutputArgs,
    ) -> Result<RunConfig> {
        let crs = output.output_crs;
        let mut warnings = Vec::new();
        Ok(RunConfig {
            config: make_config(input, settings, &mut warnings)?,
            formats: Formats {
                csv_bom: output.csv_bom,
                fgb: output.format.contains(&Format::Fgb),
                gpkg: output.format.contains(&Format::Gpkg),
                extra_crs: (crs != Crs::Wgs84).then_some(crs),
                csv_formulas: output.csv_formulas,
            },
            out: output.out.clone(),
            threads: settings.threads,
            quiet: output.quiet,
            verbose: output.verbose,
            json: output.json,
            warnings,
        })
    }

    /// The title of outputs: the config's title, else its name.
    pub fn title(&self) -> String {
        if self.config.title.is_empty() {
            self.config.name.clone()
        } else {
            self.config.title.clone()
        }
    }
}

fn spec(path: &Path, crs: Option<InputCrs>) -> InputSpec {
    let mut s = InputSpec::from_path(path.to_path_buf());
    s.crs = crs;
    s
}

/// The config the run starts from: `--config`, `--bundle`, the files given
/// on the command line, or the Helsinki bundle.
fn base_config(a: &InputArgs, warnings: &mut Vec<String>) -> Result<Config> {
    let any_files = a.network.is_some()
        || !a.facilities.is_empty()
        || a.communities.is_some()
        || a.units.is_some();
    Ok(if let Some(p) = &a.config {
        Config::read(p)?
    } else if let Some(b) = &a.bundle {
        Config::read(&bundles::find(b, &a.bundle_dir, warnings)?.config())?
    } else if any_files {
        Config {
            origin: "command line".into(),
            ..Default::default()
        }
    } else {
        Config::read(&bundles::find("helsinki", &a.bundle_dir, warnings)?.config())?
    })
}

/// Build the run's config from a bundle / config file and the flags.
pub fn make_config(a: &InputArgs, s: &SettingsArgs, warnings: &mut Vec<String>) -> Result<Config> {
    let mut cfg = base_config(a, warnings)?;
    if let Some(n) = &a.network {
        cfg.network = Some(NetworkSpec {
            crs: a.network_crs.or(a.crs),
            ..NetworkSpec::from_path(n.clone())
        });
    }
    if a.join_crossings {
        match cfg.network.as_mut() {
            Some(n) => n.join_crossings = true,
            None => {
                return Err(fitcircle::Error::config(
                    "command line",
                    "--join-crossings needs a street network (--network roads.gpkg)",
                )
                .into());
            }
        }
    }
    if !a.facilities.is_empty() {
        let crs = a.facilities_crs.or(a.crs);
        cfg.facilities = a
            .facilities
            .iter()
            .map(|p| {
                let mut s = spec(p, crs);
                s.category = a.facilities_category.clone();
                s
            })
            .collect();
    }
    if let Some(c) = &a.communities {
        let mut s = spec(c, a.communities_crs.or(a.crs));
        s.access = a.access;
        cfg.communities = Some(s);
        cfg.population = None;
    } else if let (Some(acc), Some(c)) = (a.access, cfg.communities.as_mut()) {
        c.access = Some(acc);
    }
    if let Some(u) = &a.units {
        cfg.units = Some(spec(u, a.units_crs.or(a.crs)));
    }
    let places_crs = a.places_crs.or(a.crs);
    if !a.health.is_empty() {
        cfg.health = a.health.iter().map(|p| spec(p, places_crs)).collect();
    }
    if !a.culture.is_empty() {
        cfg.culture = a.culture.iter().map(|p| spec(p, places_crs)).collect();
    }
    let set = &mut cfg.settings;
    if let Some(m) = s.minutes {
        set.minutes = m;
    }
    if let Some(v) = s.speed {
        set.speed_kmh = v;
    }
    if let Some(v) = s.max_snap {
        set.max_snap_m = v;
    }
    if let Some(m) = s.method {
        set.method = m;
    }
    if let Some(d) = s.detour {
        set.detour_factor = d;
    }
    if let Some(b) = s.bands {
        set.isochrone_bands = b;
    }
    if let Some(c) = s.cell {
        set.isochrone_cell_m = c;
    }
    if let Some(t) = &s.targets {
        cfg.targets = Some(t.clone());
    }
    cfg.settings.validate("command line")?;
    Ok(cfg)
}
