//! The command line as clap sees it: one struct per subcommand, built from
//! shared groups (`#[command(flatten)]`), so each subcommand accepts only
//! the flags it uses. Closed choices are parsed here, into the library's
//! own types (CRS, access mode, catchment method, language, category).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use fitcircle::config::{Bands, Method};
use fitcircle::crs::{Crs, InputCrs};
use fitcircle::model::{AccessMode, Category};
use fitcircle::output::CsvFormulas;
use fitcircle::output::report::Lang;

pub use super::progress::Mode as ProgressMode;

/// fitcircle: prove every resident lives within a 15-minute walk of a place
/// to exercise, and find where they do not.
#[derive(Debug, Parser)]
#[command(name = "fitcircle", version = version(), about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// `fitcircle --version`: the package version and the git commit built
/// from (crates/fitcircle-build-info; "unknown" outside a git checkout).
pub fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        format!(
            "{} (commit {})",
            env!("CARGO_PKG_VERSION"),
            fitcircle_build_info::COMMIT
        )
    })
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
  fitcircle analyze --bundle porto-alegre

  # Start from a working example: its files (data, config, SOURCES.md) in poa/
  fitcircle bundles --extract porto-alegre poa
  fitcircle analyze --config poa/fitcircle.toml

  # Your own bundles: folders holding a fitcircle.toml, under ~/studies
  fitcircle bundles --bundle-dir ~/studies
  export FITCIRCLE_BUNDLE_DIR=~/studies";

/// Worked examples under `fitcircle init --help`.
const INIT_EXAMPLES: &str = "\
Examples:
  fitcircle init study
  # fill in study/*.csv, edit study/fitcircle.toml, then
  fitcircle check --config study/fitcircle.toml
  fitcircle analyze --config study/fitcircle.toml --out study/out";

/// Worked examples under `fitcircle batch --help`.
const BATCH_EXAMPLES: &str = "\
Examples:
  # cities.csv:
  #   name,network,facilities,communities,units,settings
  #   north,north.osm.pbf,north.osm.pbf,north.osm.pbf,,
  #   south,south.osm.pbf,gyms.csv;parks.geojson,homes.csv,districts.geojson,--minutes 10
  fitcircle batch cities.csv --out provinces

  # Again after a change: complete cities with unchanged inputs are skipped
  fitcircle batch cities.csv --out provinces";

/// Worked examples under `fitcircle completions --help`.
const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  fitcircle completions bash > ~/.local/share/bash-completion/completions/fitcircle
  fitcircle completions zsh > ~/.zfunc/_fitcircle   # with fpath+=~/.zfunc in ~/.zshrc
  fitcircle completions fish > ~/.config/fish/completions/fitcircle.fish
  fitcircle completions powershell >> $PROFILE";

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
    /// List the bundled data sets (and those under --bundle-dir), or
    /// write one out.
    #[command(after_help = BUNDLES_EXAMPLES)]
    Bundles(BundlesArgs),
    /// Start a study: a commented fitcircle.toml and empty CSV templates.
    ///
    /// Writes DIR/fitcircle.toml naming every input, setting and column
    /// option with its default, and DIR/facilities.csv, communities.csv and
    /// units.csv with the accepted headers. Never overwrites a file.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Read every input and report what was found, without analysing.
    ///
    /// Prints the column mapping, counts, CRS and bounding box of each
    /// input and every warning; writes nothing. Exit 0 when the inputs
    /// load, 2 otherwise. `fitcircle analyze --dry-run` does the same with
    /// analyze's arguments.
    Check(CheckArgs),
    /// Analyse many cities, one after another, from a manifest CSV.
    ///
    /// One row per city: name, network, facilities (several separated by
    /// ;), communities, units, and optionally settings (more analyze
    /// flags). Each city's files go into DIR/<city>/, DIR/summary.csv has
    /// one row per city and target. A failing city is reported and the rest
    /// go on (exit 2 at the end); complete cities whose inputs are
    /// unchanged are skipped on a rerun.
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Print a shell completion script on stdout.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print a man page (roff) on stdout, or write them all into a folder.
    ///
    /// fitcircle man > fitcircle.1 && man ./fitcircle.1
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

/// Worked examples under `fitcircle man --help`.
const MAN_EXAMPLES: &str = "\
Examples:
  fitcircle man | man -l -                  # the overview page
  fitcircle man analyze | man -l -          # the page of one subcommand
  fitcircle man --dir ~/.local/share/man/man1   # fitcircle.1, fitcircle-analyze.1, ...";

/// Options of `fitcircle man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (analyze, sites, check, ...);
    /// without one, the overview page (fitcircle.1).
    pub command: Option<String>,
    /// Write every page into folder DIR instead (fitcircle.1 and
    /// fitcircle-<subcommand>.1 for each subcommand), replacing older ones.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// Options of `fitcircle bundles`.
#[derive(Debug, Args)]
pub struct BundlesArgs {
    /// Write the files of bundle NAME into folder DIR (created if needed;
    /// never over an existing file).
    #[arg(long, num_args = 2, value_names = ["NAME", "DIR"])]
    pub extract: Option<Vec<String>>,
    /// A folder of user bundles (each a folder with a fitcircle.toml);
    /// repeatable. FITCIRCLE_BUNDLE_DIR adds more (separated like PATH).
    #[arg(long, value_name = "DIR")]
    pub bundle_dir: Vec<PathBuf>,
}

/// Options of `fitcircle init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The study folder (created if needed).
    pub dir: PathBuf,
}

/// Options of `fitcircle check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Language of the column mapping: zh or en [default: zh for a Chinese
    /// data set, else en].
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `fitcircle completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// `--format`: which vector format to write besides CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// GeoJSON only.
    #[default]
    Geojson,
    /// GeoJSON and, next to each, FlatGeobuf (`communities.fgb`, ...).
    Fgb,
    /// GeoJSON and one GeoPackage, `fitcircle.gpkg` (`sites.gpkg` for
    /// `sites`), with a layer per GeoJSON file.
    Gpkg,
}

/// Most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 1024;

fn parse_threads(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number of threads"))?;
    if (1..=MAX_THREADS).contains(&n) {
        Ok(n)
    } else {
        Err(format!("give 1 to {MAX_THREADS} threads (got {n})"))
    }
}

/// The inputs: a bundle, a config file or files, and their CRSs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A bundled data set (helsinki, porto-alegre, xicheng; see `fitcircle
    /// bundles`) or one under --bundle-dir.
    #[arg(long, conflicts_with = "config")]
    pub bundle: Option<String>,
    /// A folder of user bundles (each a folder with a fitcircle.toml);
    /// repeatable. FITCIRCLE_BUNDLE_DIR adds more (separated like PATH).
    #[arg(long, value_name = "DIR")]
    pub bundle_dir: Vec<PathBuf>,
    /// A config file (TOML) naming inputs, CRSs and settings.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Street network: OpenStreetMap (.osm.pbf, .osm) or street centrelines
    /// (LineStrings in .gpkg, .shp, .fgb or .geojson; any CRS, see --crs).
    #[arg(long)]
    pub network: Option<PathBuf>,
    /// Centreline --network: also join lines where they cross without a
    /// shared vertex (never bridges or tunnels, or lines on other layers).
    #[arg(long)]
    pub join_crossings: bool,
    /// Facilities: CSV, GeoJSON or OSM (repeatable). Replaces the config's.
    #[arg(long)]
    pub facilities: Vec<PathBuf>,
    /// Residential communities or population cells: CSV, GeoJSON or OSM.
    #[arg(long)]
    pub communities: Option<PathBuf>,
    /// Administrative units (polygons): CSV with WKT or GeoJSON.
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// Health facilities (社区卫生服务中心, hospitals, rehabilitation and
    /// health-promotion centres) for measure 35: CSV or GeoJSON with a kind
    /// column (repeatable). Replaces the config's.
    #[arg(long, value_name = "FILE", alias = "health-facilities")]
    pub health: Vec<PathBuf>,
    /// Culture stations (文化站 / 文化活动室) for measure 36: CSV or GeoJSON
    /// with a with_sports (文体结合) column (repeatable). Replaces the
    /// config's.
    #[arg(long, value_name = "FILE", alias = "culture-stations")]
    pub culture: Vec<PathBuf>,
    /// CRS of every file given on the command line that does not state its
    /// own: wgs84, gcj02, bd09 or an EPSG code (EPSG:4527 for CGCS2000
    /// 3-degree Gauss-Kruger zone 39, EPSG:32650, EPSG:3857, ...). A .prj,
    /// GeoPackage, FlatGeobuf or GeoJSON `crs` states its own; gcj02 and
    /// bd09 still apply to files stated as WGS-84.
    #[arg(long, value_name = "CRS")]
    pub crs: Option<InputCrs>,
    /// CRS of --communities (overrides --crs).
    #[arg(long, value_name = "CRS")]
    pub communities_crs: Option<InputCrs>,
    /// CRS of --facilities (overrides --crs).
    #[arg(long, value_name = "CRS")]
    pub facilities_crs: Option<InputCrs>,
    /// CRS of --units (overrides --crs).
    #[arg(long, value_name = "CRS")]
    pub units_crs: Option<InputCrs>,
    /// CRS of a centreline --network (overrides --crs).
    #[arg(long, value_name = "CRS")]
    pub network_crs: Option<InputCrs>,
    /// CRS of --health and --culture (overrides --crs).
    #[arg(long, value_name = "CRS")]
    pub places_crs: Option<InputCrs>,
    /// How communities meet the network: centroid or boundary (entrances).
    #[arg(long)]
    pub access: Option<AccessMode>,
    /// Category for every row of --facilities when the file has none.
    #[arg(long)]
    pub facilities_category: Option<String>,
    /// Read HEADER as FIELD in every table input, e.g. --column
    /// area_m2=用地面积 (repeatable; tried before the built-in headers; the
    /// fields are listed in the README, "Accepted columns").
    #[arg(long = "column", value_name = "FIELD=HEADER", value_parser = parse_column)]
    pub column: Vec<(String, String)>,
}

/// `FIELD=HEADER` of `--column`.
fn parse_column(s: &str) -> Result<(String, String), String> {
    let (field, header) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: write FIELD=HEADER, e.g. area_m2=用地面积"))?;
    let (field, header) = (field.trim(), header.trim());
    if field.is_empty() || header.is_empty() {
        return Err(format!("{s:?}: write FIELD=HEADER, e.g. area_m2=用地面积"));
    }
    if fitcircle::input::columns::field_def(field).is_none() {
        let known: Vec<&str> = fitcircle::input::columns::fields()
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        return Err(format!(
            "unknown field {field:?}; the fields are {}",
            known.join(", ")
        ));
    }
    Ok((field.to_string(), header.to_string()))
}

/// Settings that override the config's `[settings]`.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Walking time limit in minutes [default: 15].
    #[arg(long, allow_negative_numbers = true)]
    pub minutes: Option<f64>,
    /// Walking speed in km/h [default: 4.0].
    #[arg(long, allow_negative_numbers = true)]
    pub speed: Option<f64>,
    /// Maximum distance from an item to the street network, metres [default: 300].
    #[arg(long, allow_negative_numbers = true)]
    pub max_snap: Option<f64>,
    /// Catchment method for per-capita supply: 2sfca, e2sfca or gaussian.
    #[arg(long)]
    pub method: Option<Method>,
    /// Policy targets file (default: the bundled seeds/targets.toml).
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// No-network mode: straight-line distance x this factor [default: 1.3].
    #[arg(long, allow_negative_numbers = true)]
    pub detour: Option<f64>,
    /// Walking bands in minutes for isochrones.geojson, e.g. 5,10,15
    /// (default: the targets' life-circle tiers up to --minutes, and
    /// --minutes).
    #[arg(long, value_name = "MINUTES,...")]
    pub bands: Option<Bands>,
    /// Side of a travel-time surface cell, metres: bands are accurate to
    /// about one cell [default: 20].
    #[arg(long, allow_negative_numbers = true, value_name = "METRES")]
    pub cell: Option<f64>,
    /// Worker threads, 1 to 1024 (default: all cores). Output is identical
    /// for any count.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// Where and how the files are written, and what is printed.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Also write FlatGeobuf or a GeoPackage (comma-separated, e.g.
    /// `fgb,gpkg`): `fgb` writes `<name>.fgb` next to each `<name>.geojson`
    /// (same features, same order); `gpkg` writes one `fitcircle.gpkg` with
    /// a layer per GeoJSON file (typed columns, spatial index).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "geojson")]
    pub format: Vec<Format>,
    /// Also write every GeoJSON (and .fgb) with coordinates in this CRS,
    /// named `<name>.<crs>.geojson`, for overlay on Chinese web maps:
    /// gcj02 (AMap/Gaode, Tencent) or bd09 (Baidu). The WGS-84 files are
    /// always written; wgs84 adds nothing.
    #[arg(long, default_value = "wgs84", value_name = "wgs84|gcj02|bd09")]
    pub output_crs: Crs,
    /// Start every CSV file with a UTF-8 byte-order mark, so that Excel
    /// shows Chinese text correctly; `--csv-bom false` for scripts.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "true|false")]
    pub csv_bom: bool,
    /// CSV cells a spreadsheet would run as a formula (text starting with
    /// =, +, -, @, a tab or a carriage return; numbers such as -3.5 are
    /// left alone): `neutralise` puts a ' before them (OWASP advice
    /// against CSV injection), `keep` writes them unchanged.
    #[arg(long, default_value = "neutralise", value_name = "neutralise|keep")]
    pub csv_formulas: CsvFormulas,
    /// Print the summary as JSON on stdout instead of the text summary
    /// (printed even with --quiet).
    #[arg(long)]
    pub json: bool,
    /// Print stage timings and warnings in full on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    /// Print nothing but errors (no summary, warnings or progress spinners).
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Progress on stderr: auto (a bar on a terminal, nothing in a pipe),
    /// json (one JSON line per update: stage, done, total, elapsed_s) or none.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

/// Options of `fitcircle analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
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
    /// Also write each target's travel-time surface as a GeoTIFF,
    /// travel_time_<target>.tif: walking minutes (float32, nodata beyond
    /// the largest band) on the --cell grid, EPSG:4326.
    #[arg(long, conflicts_with_all = ["skip_isochrones", "coverage_only"])]
    pub travel_time_tif: bool,
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
    /// Indicator list for the scorecard (default: the bundled seeds/indicators.toml).
    #[arg(long)]
    pub indicators: Option<PathBuf>,
    /// Non-spatial indicator figures, CSV with columns id,value (e.g. 29,5.3).
    #[arg(long)]
    pub figures: Option<PathBuf>,
    #[command(flatten)]
    pub map: MapArgs,
    /// Check the inputs only, as `fitcircle check` with these arguments:
    /// read every input, print what was found, compute and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Language, maps and their font (`analyze` and `sites`).
#[derive(Debug, Args)]
pub struct MapArgs {
    /// Language of everything a reader sees (terminal, CSV headers, the
    /// report, the maps): zh or en [default: zh for a Chinese data set (the
    /// xicheng bundle or a title in Chinese), else en].
    #[arg(long)]
    pub lang: Option<Lang>,
    /// A font with Chinese glyphs (.ttf, .otf or .ttc) for the map images'
    /// labels with --lang zh [default: $FITCIRCLE_FONT, else a system font
    /// with Chinese glyphs, e.g. WenQuanYi Micro Hei].
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    /// An online base map under the report's map: osm, tianditu (key in
    /// FITCIRCLE_TIANDITU_KEY), amap (GCJ-02: the page's data are shifted to
    /// match) or a tile URL template with {z}/{x}/{y} [default: none, so the
    /// report works offline].
    #[arg(long, value_name = "osm|tianditu|amap|URL")]
    pub basemap: Option<String>,
    /// Size of the map images: screen (1600 x 1200 pixels), a4 or a3
    /// (landscape, 300 dpi, for print).
    #[arg(long, value_enum, default_value_t = MapSize::Screen)]
    pub map_size: MapSize,
}

/// `--map-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum MapSize {
    /// 1600 x 1200 pixels.
    #[default]
    Screen,
    /// A4 landscape at 300 dpi (3508 x 2480 pixels).
    A4,
    /// A3 landscape at 300 dpi (4961 x 3508 pixels).
    A3,
}

/// Options of `fitcircle sites`.
#[derive(Debug, Args)]
pub struct SitesArgs {
    /// Facility category to site (e.g. football_pitch, fitness_station).
    #[arg(long)]
    pub category: Category,
    /// How many sites to suggest.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// Walk within this life-circle tier (5min, 10min, 15min) instead of
    /// --minutes; `auto`: the nearest tier whose requirements list the
    /// category (5min, 300 m, for courts and cage pitches).
    #[arg(long)]
    pub tier: Option<String>,
    /// Count planned and under-construction facilities of the category as
    /// built: residents they will cover are not demand.
    #[arg(long)]
    pub planned_as_built: bool,
    /// Spacing of generated candidate sites, metres.
    #[arg(long, default_value_t = 100.0, allow_negative_numbers = true)]
    pub spacing: f64,
    /// Candidate sites (CSV or GeoJSON points, e.g. reusable plots) instead of
    /// generated ones; CRS as --crs.
    #[arg(long)]
    pub candidates: Option<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub map: MapArgs,
}

/// Options of `fitcircle batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The manifest: a CSV with columns name, network, facilities,
    /// communities, units and optionally settings.
    pub manifest: PathBuf,
    /// Output folder: one folder per city and summary.csv.
    #[arg(long)]
    pub out: PathBuf,
    /// Worker threads for every city, 1 to 1024 (default: all cores).
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Start summary.csv with a UTF-8 byte-order mark (for Excel).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "true|false")]
    pub csv_bom: bool,
    /// Print nothing but errors and failed cities.
    #[arg(long, short)]
    pub quiet: bool,
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
    #[arg(long, default_value_t = 116.30, allow_negative_numbers = true)]
    pub lon: f64,
    /// Latitude of the south-west corner.
    #[arg(long, default_value_t = 39.85, allow_negative_numbers = true)]
    pub lat: f64,
    /// Output file (.osm.pbf).
    #[arg(long)]
    pub out: PathBuf,
}
