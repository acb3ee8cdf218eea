//! Command-line interface: clap derive arguments, turned into a [`Config`]
//! plus output options, then handed to the library. Only this module knows
//! about clap; it prints the summary and stage timings.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use fitcircle::analysis::gaps;
use fitcircle::analysis::study::{self, RunOptions};
use fitcircle::analysis::windows::{self, Window};
use fitcircle::config::{Config, InputSpec, NetworkSpec};
use fitcircle::crs::Crs;
use fitcircle::input;
use fitcircle::output::report::Lang;
use fitcircle::output::{self, Formats, OutputOptions, map_image};
use fitcircle::targets::{Indicators, Targets};
use fitcircle::timing::{self, StageTime};

/// fitcircle: prove every resident lives within a 15-minute walk of a place
/// to exercise, and find where they do not.
#[derive(Debug, Parser)]
#[command(name = "fitcircle", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Worked examples under `fitcircle analyze --help`.
const ANALYZE_EXAMPLES: &str = "\
Examples:
  # The bundled Helsinki sample; every output in out/
  fitcircle analyze

  # Porto Alegre, also as FlatGeobuf (communities.fgb, ...), into out/poa
  fitcircle analyze --bundle porto-alegre --out out/poa --format fgb

  # Your own data; AMap (GCJ-02) communities, a 10-minute walk
  fitcircle analyze --network city.osm.pbf --facilities gyms.csv \\
      --communities homes.csv --communities-crs gcj02 --minutes 10

  # Xicheng without a street network (APPROXIMATE), Chinese report and map,
  # plus GCJ-02 copies of the GeoJSON files for AMap overlays
  fitcircle analyze --bundle xicheng --facilities venues.csv --facilities-crs gcj02 \\
      --lang zh --output-crs gcj02

  # The summary as JSON for scripts; CSV without the Excel byte-order mark
  fitcircle analyze --quiet --json --csv-bom false > summary.json";

/// Worked examples under `fitcircle sites --help`.
const SITES_EXAMPLES: &str = "\
Examples:
  # Five outdoor fitness stations on the bundled Helsinki sample
  fitcircle sites --category fitness_station --count 5

  # Ten school venues for Porto Alegre, sites also as FlatGeobuf
  fitcircle sites --bundle porto-alegre --category school_venue --count 10 --format fgb

  # Xicheng (no network: straight lines x 1.3), sites also in GCJ-02 for AMap
  fitcircle sites --bundle xicheng --category football_pitch --count 5 --output-crs gcj02

  # Choose among your own plots, within the 10-minute tier; JSON on stdout
  fitcircle sites --category football_pitch --candidates plots.csv --tier 10min --json";

/// Worked examples under `fitcircle synth --help`.
const SYNTH_EXAMPLES: &str = "\
Examples:
  # A city of about 50,000 walking-graph nodes, then its analysis
  fitcircle synth --nodes 50000 --out city.osm.pbf
  fitcircle analyze --network city.osm.pbf --facilities city.osm.pbf \\
      --communities city.osm.pbf

  # Another (but again deterministic) city, south-west corner in Chengdu
  fitcircle synth --nodes 200000 --seed 7 --lon 104.0 --lat 30.6 --out chengdu.osm.pbf";

/// Worked examples under `fitcircle bundles --help`.
const BUNDLES_EXAMPLES: &str = "\
Examples:
  fitcircle bundles
  fitcircle analyze --bundle porto-alegre";

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Walking coverage of sports facilities per community and unit.
    ///
    /// With no options it runs the bundled Helsinki sample. Writes GeoJSON,
    /// CSV, report.html and map.png into --out (see the README for each file).
    #[command(after_help = ANALYZE_EXAMPLES)]
    Analyze(AnalyzeArgs),
    /// Suggest sites for new facilities that newly cover the most residents.
    ///
    /// Lazy greedy maximal covering, within 1 - 1/e of the best possible
    /// choice; writes sites.geojson and sites.csv into --out.
    #[command(after_help = SITES_EXAMPLES)]
    Sites(SitesArgs),
    /// Write a synthetic city as an OSM PBF (for benchmarks and tests).
    ///
    /// Deterministic for a seed; streets, steps, a river with few bridges,
    /// islands, residential compounds with population and entrances, every
    /// kind of sports facility and schools, unevenly spread.
    #[command(after_help = SYNTH_EXAMPLES)]
    Synth(SynthArgs),
    /// List the bundled data sets.
    #[command(after_help = BUNDLES_EXAMPLES)]
    Bundles,
}

/// `--format`: which vector format to write besides CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// GeoJSON only.
    #[default]
    Geojson,
    /// GeoJSON and, next to each, FlatGeobuf (`communities.fgb`, ...).
    Fgb,
}

/// Options of `fitcircle analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Bundled data set under data/ (helsinki, porto-alegre, xicheng).
    #[arg(long, conflicts_with = "config")]
    pub bundle: Option<String>,
    /// A config file (TOML) naming inputs, CRSs and settings.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// OpenStreetMap street network (.osm.pbf or .osm).
    #[arg(long)]
    pub network: Option<PathBuf>,
    /// Facilities: CSV, GeoJSON or OSM (repeatable). Replaces the config's.
    #[arg(long)]
    pub facilities: Vec<PathBuf>,
    /// Residential communities or population cells: CSV, GeoJSON or OSM.
    #[arg(long)]
    pub communities: Option<PathBuf>,
    /// Administrative units (polygons): CSV with WKT or GeoJSON.
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// CRS of every file given on the command line: wgs84, gcj02 or bd09.
    #[arg(long)]
    pub crs: Option<String>,
    /// CRS of --communities (overrides --crs).
    #[arg(long)]
    pub communities_crs: Option<String>,
    /// CRS of --facilities (overrides --crs).
    #[arg(long)]
    pub facilities_crs: Option<String>,
    /// CRS of --units (overrides --crs).
    #[arg(long)]
    pub units_crs: Option<String>,
    /// How communities meet the network: centroid or boundary (entrances).
    #[arg(long)]
    pub access: Option<String>,
    /// Category for every row of --facilities when the file has none.
    #[arg(long)]
    pub facilities_category: Option<String>,
    /// Walking time limit in minutes [default: 15].
    #[arg(long)]
    pub minutes: Option<f64>,
    /// Walking speed in km/h [default: 4.0].
    #[arg(long)]
    pub speed: Option<f64>,
    /// Maximum distance from an item to the street network, metres [default: 300].
    #[arg(long)]
    pub max_snap: Option<f64>,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Also write network.geojson (the walking network's edges).
    #[arg(long)]
    pub network_geojson: bool,
    /// Also write graph_nodes.csv and graph_edges.csv.
    #[arg(long)]
    pub export_graph: bool,
    /// Also write one isochrone polygon per facility into isochrones.geojson
    /// (the union per category is always written).
    #[arg(long, conflicts_with = "skip_isochrones")]
    pub isochrones: bool,
    /// Skip the isochrone polygons (isochrones.geojson then has no features):
    /// for very large networks where only the figures are needed.
    #[arg(long)]
    pub skip_isochrones: bool,
    /// Coverage only, for metropolitan networks: nearest-facility distances
    /// and covered population per category, written to communities.geojson,
    /// facilities.geojson, summary.csv, gaps and map.png. Skips the
    /// per-facility searches and everything built on them (counts within the
    /// walk, tiers, time windows, 2SFCA, per-unit per-capita figures,
    /// isochrones, report.html).
    #[arg(long, conflicts_with = "isochrones")]
    pub coverage_only: bool,
    /// After the run, recompute the nearest-facility distance of N
    /// communities (evenly spread) with a plain Dijkstra and compare; a
    /// mismatch is an error. Used by the scaling benchmark.
    #[arg(long, value_name = "N")]
    pub check_sample: Option<usize>,
    /// Catchment method for per-capita supply: 2sfca, e2sfca or gaussian.
    #[arg(long)]
    pub method: Option<String>,
    /// Policy targets file (default: the bundled seeds/targets.toml).
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// No-network mode: straight-line distance x this factor [default: 1.3].
    #[arg(long)]
    pub detour: Option<f64>,
    /// Indicator list for the scorecard (default: the bundled seeds/indicators.toml).
    #[arg(long)]
    pub indicators: Option<PathBuf>,
    /// Non-spatial indicator figures, CSV with columns id,value (e.g. 29,5.3).
    #[arg(long)]
    pub figures: Option<PathBuf>,
    /// Worker threads (default: all cores). Output is identical for any count.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Language of report.html: zh or en [default: zh for a Chinese data set
    /// (the xicheng bundle or a title in Chinese), else en].
    #[arg(long)]
    pub lang: Option<String>,
    /// Also write FlatGeobuf: `fgb` writes `<name>.fgb` next to each
    /// `<name>.geojson` (same features, same order; for QGIS and GDAL).
    #[arg(long, value_enum, default_value_t = Format::Geojson)]
    pub format: Format,
    /// Also write every GeoJSON (and .fgb) with coordinates in this CRS,
    /// named `<name>.<crs>.geojson`, for overlay on Chinese web maps:
    /// gcj02 (AMap/Gaode, Tencent) or bd09 (Baidu). The WGS-84 files are
    /// always written; wgs84 adds nothing.
    #[arg(long, default_value = "wgs84", value_name = "wgs84|gcj02|bd09")]
    pub output_crs: String,
    /// Start every CSV file with a UTF-8 byte-order mark, so that Excel
    /// shows Chinese text correctly; `--csv-bom false` for scripts.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "true|false")]
    pub csv_bom: bool,
    /// Print the summary as JSON on stdout instead of the text summary
    /// (printed even with --quiet).
    #[arg(long)]
    pub json: bool,
    /// A font with Chinese glyphs (.ttf, .otf or .ttc) for map.png's labels
    /// with --lang zh [default: $FITCIRCLE_FONT, else the first of the
    /// usual system paths, e.g. /usr/share/fonts/truetype/wqy/wqy-microhei.ttc].
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    /// Print stage timings and warnings in full on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// Print nothing but errors (no summary, warnings or progress spinners).
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
}

impl AnalyzeArgs {
    /// The formats and companions asked for.
    pub fn formats(&self) -> Result<Formats> {
        let crs: Crs = self
            .output_crs
            .parse()
            .map_err(|e: String| anyhow::anyhow!("--output-crs: {e}"))?;
        Ok(Formats {
            csv_bom: self.csv_bom,
            fgb: self.format == Format::Fgb,
            extra_crs: (crs != Crs::Wgs84).then_some(crs),
        })
    }
}

/// A spinner on stderr naming a stage, with the time it has taken so far.
/// indicatif hides it when stderr is not a terminal (or `TERM` is unset or
/// `dumb`); `quiet` hides it always. Clear it with `finish_and_clear`.
fn stage(quiet: bool, name: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        pb.set_style(style);
    }
    pb.set_message(name.to_string());
    if !pb.is_hidden() {
        pb.enable_steady_tick(Duration::from_millis(120));
    }
    pb
}

/// A warning when `--output-crs gcj02` is asked for data entirely outside
/// mainland China, where GCJ-02 is WGS-84 unchanged.
fn output_crs_warning(formats: &Formats, inputs: &input::Inputs) -> Option<String> {
    if formats.extra_crs != Some(Crs::Gcj02) {
        return None;
    }
    let outside = inputs
        .communities
        .iter()
        .map(|c| &c.geometry)
        .chain(inputs.facilities.iter().map(|f| &f.geometry))
        .filter_map(fitcircle::spatial::representative_point)
        .all(|p| fitcircle::crs::out_of_china(p.x(), p.y()));
    outside.then(|| {
        "--output-crs gcj02: the data lie outside mainland China, where GCJ-02 is WGS-84 \
         unchanged, so the .gcj02 files repeat the WGS-84 coordinates"
            .to_string()
    })
}

/// Load the CJK font for map.png: `--font` / `FITCIRCLE_FONT` (an error
/// when unusable), else for Chinese labels the first system font found.
/// Returns a warning when Chinese labels were asked for but no font is
/// available (the map then stays English).
fn load_map_font(a: &AnalyzeArgs, lang: Lang) -> Result<Option<String>> {
    let explicit = a.font.clone().or_else(|| {
        std::env::var_os("FITCIRCLE_FONT")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(p) = explicit {
        map_image::load_cjk_font(&p).context("--font / FITCIRCLE_FONT")?;
        return Ok(None);
    }
    if lang != Lang::Zh {
        return Ok(None);
    }
    let found = map_image::find_cjk_font();
    let problem = match &found {
        Some(p) => map_image::load_cjk_font(p).err().map(|e| e.to_string()),
        None => Some(format!(
            "no font with Chinese glyphs found (looked for {})",
            map_image::CJK_FONT_PATHS.join(", ")
        )),
    };
    Ok(problem.map(|why| {
        format!(
            "map.png labels are in English: {why}; install fonts-wqy-microhei or pass \
             --font FILE (or set FITCIRCLE_FONT)"
        )
    }))
}

/// Options of `fitcircle synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Approximate number of walking-graph nodes.
    #[arg(long, default_value_t = 50_000)]
    pub nodes: usize,
    /// Random seed (same seed, same file).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Longitude of the south-west corner.
    #[arg(long, default_value_t = 116.30)]
    pub lon: f64,
    /// Latitude of the south-west corner.
    #[arg(long, default_value_t = 39.85)]
    pub lat: f64,
    /// Output file (.osm.pbf).
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `fitcircle sites`.
#[derive(Debug, Args)]
pub struct SitesArgs {
    /// Facility category to site (e.g. football_pitch, fitness_station).
    #[arg(long)]
    pub category: String,
    /// How many sites to suggest.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// Walk within this life-circle tier (5min, 10min, 15min) instead of --minutes.
    #[arg(long)]
    pub tier: Option<String>,
    /// Spacing of generated candidate sites, metres.
    #[arg(long, default_value_t = 100.0)]
    pub spacing: f64,
    /// Candidate sites (CSV or GeoJSON points, e.g. reusable plots) instead of
    /// generated ones; CRS as --crs.
    #[arg(long)]
    pub candidates: Option<PathBuf>,
    #[command(flatten)]
    pub common: AnalyzeArgs,
}

/// Where bundles live: `./data`, else the source tree's `data/`.
pub fn data_dir() -> PathBuf {
    let local = PathBuf::from("data");
    if local.join("helsinki").is_dir() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
    }
}

fn bundle_config(name: &str) -> Result<PathBuf> {
    let dir = data_dir();
    let path = dir.join(name).join("fitcircle.toml");
    if !path.is_file() {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("fitcircle.toml").is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        bail!(
            "no bundle named {name:?} in {} (available: {})",
            dir.display(),
            names.join(", ")
        );
    }
    Ok(path)
}

fn spec(path: &Path, crs: Option<&String>) -> InputSpec {
    let mut s = InputSpec::from_path(path.to_path_buf());
    s.crs = crs.cloned();
    s
}

/// Build the run's config from a bundle / config file and the flags.
pub fn make_config(a: &AnalyzeArgs) -> Result<Config> {
    let any_files = a.network.is_some()
        || !a.facilities.is_empty()
        || a.communities.is_some()
        || a.units.is_some();
    let mut cfg = if let Some(p) = &a.config {
        Config::read(p)?
    } else if let Some(b) = &a.bundle {
        Config::read(&bundle_config(b)?)?
    } else if any_files {
        Config {
            origin: "command line".into(),
            ..Default::default()
        }
    } else {
        Config::read(&bundle_config("helsinki")?)?
    };
    if let Some(n) = &a.network {
        cfg.network = Some(NetworkSpec { path: n.clone() });
    }
    if !a.facilities.is_empty() {
        let crs = a.facilities_crs.as_ref().or(a.crs.as_ref());
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
        let mut s = spec(c, a.communities_crs.as_ref().or(a.crs.as_ref()));
        s.access = a.access.clone();
        cfg.communities = Some(s);
        cfg.population = None;
    } else if let (Some(acc), Some(c)) = (&a.access, cfg.communities.as_mut()) {
        c.access = Some(acc.clone());
    }
    if let Some(u) = &a.units {
        cfg.units = Some(spec(u, a.units_crs.as_ref().or(a.crs.as_ref())));
    }
    if let Some(m) = a.minutes {
        cfg.settings.minutes = m;
    }
    if let Some(s) = a.speed {
        cfg.settings.speed_kmh = s;
    }
    if let Some(s) = a.max_snap {
        cfg.settings.max_snap_m = s;
    }
    if let Some(m) = &a.method {
        cfg.settings.method = m.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    }
    if let Some(d) = a.detour {
        cfg.settings.detour_factor = d;
    }
    if let Some(t) = &a.targets {
        cfg.targets = Some(t.clone());
    }
    cfg.settings.validate("command line")?;
    // Unknown CRS names fail here, before any file is read.
    for s in cfg
        .facilities
        .iter()
        .chain(cfg.communities.iter())
        .chain(cfg.units.iter())
    {
        s.crs()?;
        s.access_mode()?;
    }
    Ok(cfg)
}

/// Run the CLI; returns the process exit code.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Bundles => {
            let dir = data_dir();
            let mut entries: Vec<_> = std::fs::read_dir(&dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("fitcircle.toml").is_file())
                .collect();
            entries.sort_by_key(|e| e.file_name());
            let mut out = std::io::stdout().lock();
            for e in entries {
                let cfg = Config::read(&e.path().join("fitcircle.toml"))?;
                writeln!(out, "{:<14} {}", e.file_name().to_string_lossy(), cfg.title)?;
            }
            Ok(())
        }
        Command::Analyze(a) => analyze(a),
        Command::Sites(s) => sites(s),
        Command::Synth(a) => {
            let t = Instant::now();
            let stats = write_synthetic_city(
                &fitcircle_synth::SynthParams {
                    target_nodes: a.nodes,
                    seed: a.seed,
                    origin: [a.lon, a.lat],
                },
                &a.out,
            )?;
            println!(
                "wrote {} in {:.1} s: {} nodes, {} ways ({} walkable), {} relations, {} facilities, \
                 {} residential areas, {} people",
                a.out.display(),
                t.elapsed().as_secs_f64(),
                stats.nodes,
                stats.ways,
                stats.walkable_ways,
                stats.relations,
                stats.facilities,
                stats.residential_areas,
                stats.population
            );
            Ok(())
        }
    }
}

/// fitcircle's tag rules, for the generator's counts of what fitcircle will
/// read from the city.
struct FitcircleTags;

impl fitcircle_synth::TagRules for FitcircleTags {
    fn classify(
        &self,
        tags: &[(&str, &str)],
        element: fitcircle_synth::Element,
    ) -> fitcircle_synth::Meaning {
        use fitcircle_synth::Element;
        let (is_way, closed) = match element {
            Element::Way { closed } => (true, closed),
            Element::Node | Element::Relation => (false, false),
        };
        let m = fitcircle::input::tags::element_meaning(tags, is_way, closed);
        fitcircle_synth::Meaning {
            walkable: m.walkable,
            facility: m.facility,
            residential: m.residential,
        }
    }
}

/// Plan and write a synthetic city (atomically: the file appears only when
/// complete).
fn write_synthetic_city(
    params: &fitcircle_synth::SynthParams,
    path: &Path,
) -> Result<fitcircle_synth::SynthStats> {
    let city = fitcircle_synth::City::plan(params)?;
    let stats = std::cell::Cell::new(None);
    fitcircle::output::atomic::write_file(path, &|w| {
        stats.set(Some(city.write(&FitcircleTags, w)?));
        Ok(())
    })?;
    Ok(stats.take().expect("written"))
}

fn sites(args: SitesArgs) -> Result<()> {
    let a = &args.common;
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("setting up worker threads")?;
    }
    let category: fitcircle::model::Category = args
        .category
        .parse()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    let formats = a.formats()?;
    let cfg = make_config(a)?;
    let pb = stage(a.quiet, "loading inputs");
    let loaded = input::load(&cfg);
    pb.finish_and_clear();
    let mut inputs = loaded?;
    let mut warnings = inputs.warnings.clone();
    warnings.extend(output_crs_warning(&formats, &inputs));
    if !a.quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    if inputs.network.is_none() {
        inputs.notes.push(format!(
            "APPROXIMATE: no street network, so walks are straight lines x {}",
            cfg.settings.detour_factor
        ));
    }
    let targets = match &cfg.targets {
        Some(p) => Targets::read(p)?,
        None => Targets::bundled(),
    };
    let walk_m = match &args.tier {
        Some(name) => targets
            .tier
            .iter()
            .find(|t| &t.name == name)
            .map(|t| t.distance_m)
            .ok_or_else(|| {
                let names: Vec<&str> = targets.tier.iter().map(|t| t.name.as_str()).collect();
                anyhow::anyhow!("unknown tier {name:?}; use one of: {}", names.join(", "))
            })?,
        None => cfg.settings.limit_m(),
    };
    let window_list = windows_from(&cfg)?;
    let pb = stage(a.quiet, "analysing: walking network and coverage");
    let study = study::run(
        &inputs,
        &cfg.settings,
        &targets,
        &window_list,
        &RunOptions {
            facility_isochrones: false,
            skip_unions: true,
            coverage_only: false,
        },
    );
    pb.finish_and_clear();
    let study = study?;
    let candidates = match &args.candidates {
        Some(p) => {
            let mut spec = InputSpec::from_path(p.clone());
            spec.crs = a.crs.clone();
            let table = input::table::read_table(&spec)?;
            let list: Vec<(String, [f64; 2])> = table
                .records
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let pt = r
                        .geometry
                        .as_ref()
                        .and_then(fitcircle::spatial::representative_point)?;
                    let id = r
                        .fields
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("id"))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| format!("candidate:{}", i + 1));
                    Some((id, [pt.x(), pt.y()]))
                })
                .collect();
            if list.is_empty() {
                bail!("{}: no candidate sites with a location", p.display());
            }
            Some(list)
        }
        None => None,
    };
    let pb = stage(a.quiet, "choosing sites");
    let plan = fitcircle::analysis::siting::plan(
        &inputs,
        &study,
        &fitcircle::analysis::siting::SiteOptions {
            category,
            count: args.count,
            walk_m,
            spacing_m: args.spacing,
            candidates,
            max_snap_m: cfg.settings.max_snap_m,
        },
    );
    pb.finish_and_clear();
    let plan = plan?;
    std::fs::create_dir_all(&a.out).map_err(|source| fitcircle::Error::Write {
        path: a.out.clone(),
        source,
    })?;
    let pb = stage(a.quiet, "writing files");
    let written = output::write_named(
        &a.out,
        "sites.geojson",
        &|w| output::sites::write_sites_geojson(w, &plan),
        formats,
    )
    .and_then(|mut written| {
        written.extend(output::write_named(
            &a.out,
            "sites.csv",
            &|w| output::sites::write_sites_csv(w, &plan),
            formats,
        )?);
        Ok(written)
    });
    pb.finish_and_clear();
    let written = written?;
    if args.common.json {
        let mut v = output::sites::json(&plan, &written);
        v["notes"] = json!(inputs.notes);
        v["warnings"] = json!(warnings);
        v["distance_method"] = json!(study.mode.label());
        v["approximate"] = json!(study.mode.is_approximate());
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else if !a.quiet {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "sites for {} within {:.0} m ({} candidates); covered now: {:.0} of {:.0} people",
            category, walk_m, plan.candidates, plan.covered_before, plan.total_population
        )?;
        for n in &inputs.notes {
            writeln!(out, "note: {n}")?;
        }
        writeln!(
            out,
            "method: lazy greedy maximal covering (within 1 - 1/e of the best k sites)"
        )?;
        writeln!(
            out,
            "{:>4} {:<16} {:>12} {:>12} {:>8}",
            "rank", "site", "new people", "cumulative", "share"
        )?;
        for s in &plan.sites {
            let after = plan.covered_before + s.pick.cumulative_population;
            writeln!(
                out,
                "{:>4} {:<16} {:>12.0} {:>12.0} {:>7.1}%",
                s.pick.rank,
                s.id,
                s.pick.newly_covered_population,
                s.pick.cumulative_population,
                if plan.total_population > 0.0 {
                    100.0 * after / plan.total_population
                } else {
                    0.0
                }
            )?;
        }
        if plan.sites.len() < args.count {
            writeln!(
                out,
                "(only {} sites add anyone: every reachable resident is covered)",
                plan.sites.len()
            )?;
        }
        for p in &written {
            writeln!(out, "wrote {}", p.display())?;
        }
    }
    Ok(())
}

/// The configured time windows, or the defaults.
fn windows_from(cfg: &Config) -> Result<Vec<Window>> {
    if cfg.windows.is_empty() {
        return Ok(windows::default_windows());
    }
    cfg.windows
        .iter()
        .map(|w| {
            windows::parse_window(&w.name, &w.hours).map_err(|e| {
                anyhow::anyhow!("configuration {}: window {:?}: {e}", cfg.origin, w.name)
            })
        })
        .collect()
}

fn analyze(a: AnalyzeArgs) -> Result<()> {
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("setting up worker threads")?;
    }
    let t0 = Instant::now();
    let formats = a.formats()?;
    let cfg = make_config(&a)?;
    let lang = match &a.lang {
        Some(l) => l
            .parse::<Lang>()
            .map_err(|e| anyhow::anyhow!("--lang: {e}"))?,
        None => Lang::detect(&cfg.name, &cfg.title),
    };
    let mut warnings: Vec<String> = Vec::new();
    if let Some(w) = load_map_font(&a, lang)? {
        warnings.push(w);
    }
    let t = Instant::now();
    let pb = stage(a.quiet, "loading inputs");
    let loaded = input::load(&cfg);
    pb.finish_and_clear();
    let mut inputs = loaded?;
    let load_time = t.elapsed();
    let load_peak = timing::peak_rss();
    warnings.extend(inputs.warnings.iter().cloned());
    warnings.extend(output_crs_warning(&formats, &inputs));
    if !a.quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    let title = if cfg.title.is_empty() {
        cfg.name.clone()
    } else {
        cfg.title.clone()
    };
    if inputs.facilities.is_empty() {
        let mut msg = format!(
            "{title}: cannot compute walking coverage: no sports facilities were loaded, so \
             every resident would show as uncovered.\nloaded: {} communities ({:.0} people), \
             {} administrative units, {}",
            inputs.communities.len(),
            inputs.communities.iter().map(|c| c.population).sum::<f64>(),
            inputs.units.len(),
            if inputs.network.is_some() {
                "a street network"
            } else {
                "no street network"
            }
        );
        if !inputs.units.is_empty() {
            let (inside, n) = study::communities_inside_units(&inputs);
            msg.push_str(&format!(
                "\ncheck: {inside} of {n} communities ({:.1} %) lie inside the administrative \
                 units (a low share means a wrong CRS setting)",
                100.0 * inside as f64 / n.max(1) as f64
            ));
        }
        for n in &inputs.notes {
            msg.push_str(&format!("\nnote: {n}"));
        }
        msg.push_str("\nmissing: sports facilities (add [[facilities]] or --facilities)");
        if inputs.network.is_none() {
            msg.push_str(
                "\nmissing: a street network (add [network] path = \"city.osm.pbf\" or \
                 --network); without one, distances are straight lines x the detour factor",
            );
        }
        bail!(msg);
    }
    if inputs.network.is_none() {
        inputs.notes.push(format!(
            "APPROXIMATE: no street network was given, so walking distances are straight-line \
             distances x {} (detour factor); give [network] or --network for network distances",
            cfg.settings.detour_factor
        ));
    }
    let targets = match &cfg.targets {
        Some(p) => Targets::read(p)?,
        None => Targets::bundled(),
    };
    let window_list = windows_from(&cfg)?;
    let pb = stage(
        a.quiet,
        "analysing: walking network, coverage, catchments, isochrones",
    );
    let study = study::run_taking_network(
        &mut inputs,
        &cfg.settings,
        &targets,
        &window_list,
        &RunOptions {
            facility_isochrones: a.isochrones,
            skip_unions: a.skip_isochrones,
            coverage_only: a.coverage_only,
        },
    );
    pb.finish_and_clear();
    let study = study?;
    if let Some(n) = a.check_sample {
        let t = Instant::now();
        let check = fitcircle::analysis::verify::check_nearest_sample(&study, n);
        eprintln!(
            "check: {} communities' nearest-facility distances recomputed with a plain Dijkstra \
             in {:.1} s: largest difference {:.2e} m, {} mismatches",
            check.checked,
            t.elapsed().as_secs_f64(),
            check.max_diff_m,
            check.mismatches.len()
        );
        if let Some((c, table, plain)) = check.mismatches.first() {
            bail!(
                "check failed: community {} ({}): coverage table {table:?} m, plain Dijkstra \
                 {plain:?} m",
                c,
                inputs.communities[*c].id
            );
        }
    }
    let t = Instant::now();
    let no_problems = Vec::new();
    let probs = study
        .catchments
        .as_ref()
        .map_or(&no_problems, |ca| &ca.hours_problems);
    if !probs.is_empty() {
        let shown: Vec<String> = probs
            .iter()
            .take(5)
            .map(|(id, e)| format!("{id} ({e})"))
            .collect();
        let w = format!(
            "{} facilities have opening_hours fitcircle cannot read; they are treated \
             as hours unknown (always open; school venues outside school hours): {}{}",
            probs.len(),
            shown.join("; "),
            if probs.len() > 5 { "; ..." } else { "" }
        );
        if !a.quiet {
            eprintln!("warning: {w}");
        }
        warnings.push(w);
    }
    let indicators = match &a.indicators {
        Some(p) => Indicators::read(p)?,
        None => Indicators::bundled(),
    };
    let figures = match &a.figures {
        Some(p) => input::read_figures(p)?,
        None => Default::default(),
    };
    let gaps_time = t.elapsed();
    let t = Instant::now();
    let pb = stage(a.quiet, "assessing gaps and the scorecard");
    let assessment = gaps::assess(&inputs, &study, &indicators, &figures);
    pb.finish_and_clear();
    let assess_time = t.elapsed();
    let t = Instant::now();
    // The data files and the report (page + image) are independent.
    let pb = stage(a.quiet, "writing files");
    let (files, report) = rayon::join(
        || {
            let t = Instant::now();
            let r = output::write_all(
                &a.out,
                &title,
                &inputs,
                &study,
                &assessment,
                OutputOptions {
                    network_geojson: a.network_geojson,
                    export_graph: a.export_graph,
                    formats,
                },
            );
            (r, t.elapsed())
        },
        || {
            let t = Instant::now();
            let r = output::report::write_files(
                &a.out,
                &title,
                &inputs,
                &study,
                Some(&assessment),
                lang,
            );
            (r, t.elapsed())
        },
    );
    pb.finish_and_clear();
    let (files, files_time) = files;
    let (report, report_time) = report;
    let mut written = files?;
    written.extend(report?);
    let write_time = t.elapsed();
    let t = Instant::now();
    if a.json {
        let mut v =
            output::summary::json(&title, &inputs, &study, &assessment, &written, &warnings);
        v["attribution"] = json!(cfg.attribution);
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else if !a.quiet {
        let text = output::summary::render(&title, &inputs, &study, &assessment);
        let mut out = std::io::stdout().lock();
        write!(out, "{text}")?;
        writeln!(out)?;
        for p in &written {
            writeln!(out, "wrote {}", p.display())?;
        }
        for line in &cfg.attribution {
            writeln!(out, "data: {line}")?;
        }
    }
    let summary_time = t.elapsed();
    if a.verbose {
        let mut stages = vec![StageTime {
            name: "load",
            time: load_time,
            peak_rss: load_peak,
        }];
        stages.extend(inputs.timings.iter().cloned());
        stages.extend(study.timings.iter().cloned());
        for (name, time) in [
            ("indicators", gaps_time),
            ("gaps", assess_time),
            ("write", write_time),
            ("  files", files_time),
            ("  report", report_time),
            ("print", summary_time),
            ("total", t0.elapsed()),
        ] {
            let peak_rss = if name.starts_with(' ') {
                None
            } else {
                timing::peak_rss()
            };
            stages.push(StageTime {
                name,
                time,
                peak_rss,
            });
        }
        eprintln!("stage timings (peak memory so far):");
        for s in &stages {
            let peak = s
                .peak_rss
                .map(|b| format!("{:>8.0} MB", b as f64 / 1e6))
                .unwrap_or_default();
            eprintln!(
                "  {:<12} {:>9.1} ms {peak}",
                s.name,
                s.time.as_secs_f64() * 1e3
            );
        }
    }
    // The process exits next and the system takes its memory back in one
    // go; freeing millions of small allocations one by one first took
    // 0.3-0.4 s at 2M nodes (BENCHMARKS.md, fifth session).
    std::mem::forget((inputs, study, assessment));
    Ok(())
}
