//! Readers: OSM (PBF and XML), CSV, GeoJSON, GeoPackage, Shapefile and
//! FlatGeobuf, street centrelines as a network, plus tag interpretation and
//! CRS conversion at load. Only this module and `output` touch files.

use crate::bounds;
pub mod categories;
pub mod columns;
pub(crate) mod gis;
#[cfg(feature = "gpkg")]
pub(crate) mod gpkg_read;
pub mod hours;
pub(crate) mod lines;
pub mod memory;
pub mod osm;
pub mod osm_extract;
pub(crate) mod osm_pbf;
pub(crate) mod osm_xml;
pub(crate) mod overlap;
mod population;
pub mod record;
pub(crate) mod repair;
pub mod table;
pub(crate) mod tags;
pub(crate) mod text;

pub use tags::element_meaning;

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, InputSpec, NetworkSpec, PopulationSpec};
use crate::graph::{Network, build::build_network};
use crate::model::AccessMode;
use crate::model::{
    AdminUnit, Community, CultureStation, DropReason, Dropped, Facility, HealthFacility,
    PopulationSource,
};
use crate::timing::StageTime;
use crate::{Error, Result};

/// Everything a run reads, converted to WGS-84 model records.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The walking network (edges split at shared nodes), if a network was given.
    pub network: Option<Network>,
    /// The street network file, for messages.
    pub network_path: Option<PathBuf>,
    /// Every facility of every facility input, in input order.
    pub facilities: Vec<Facility>,
    /// Residential communities or population cells, in input order.
    pub communities: Vec<Community>,
    /// How communities meet the network (entrances and boundary, or the centroid).
    pub community_access: AccessMode,
    /// The communities file, for messages.
    pub community_path: Option<PathBuf>,
    /// Administrative units (subdistricts), in input order.
    pub units: Vec<AdminUnit>,
    /// Health facilities of every health input, in input order (measure 35).
    pub health: Vec<HealthFacility>,
    /// Culture stations of every culture input, in input order (measure 36).
    pub culture: Vec<CultureStation>,
    /// Notes every output should repeat (estimates, approximations, sources).
    pub notes: Vec<String>,
    /// Skipped or repaired records, one line per kind.
    pub warnings: Vec<String>,
    /// The same records one by one (file, record, reason), for
    /// `dropped.csv`; in input order per file.
    pub dropped: Vec<Dropped>,
    /// Tolerated overlaps of administrative units (see `input::overlap`).
    pub unit_overlaps: Vec<overlap::UnitOverlap>,
    /// Time spent in each part of loading (decode, extract, network, ...),
    /// for `analyze -v`.
    pub timings: Vec<StageTime>,
    /// Which header fed which field of each table input (CSV, GeoJSON), in
    /// the order read: facilities, communities, units.
    pub columns: Vec<columns::ColumnReport>,
}

fn is_osm(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    name.ends_with(".pbf") || name.ends_with(".osm")
}

/// The two OpenStreetMap file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsmFormat {
    /// `.osm.pbf` (protocol buffers; large extracts).
    Pbf,
    /// `.osm` (XML; small files and fixtures).
    Xml,
}

impl OsmFormat {
    /// The format a file name says: XML for `.osm`, PBF otherwise.
    pub fn of_path(path: &Path) -> Self {
        let name = path.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".osm") {
            OsmFormat::Xml
        } else {
            OsmFormat::Pbf
        }
    }
}

/// Read an OSM file (PBF or XML by extension).
pub fn read_osm(path: &Path) -> Result<osm::RawOsm> {
    match OsmFormat::of_path(path) {
        OsmFormat::Xml => osm_xml::read_osm_xml(path),
        OsmFormat::Pbf => osm_pbf::read_osm_pbf(path),
    }
}

/// Read OSM data of `format` held in memory. `source` names the data in
/// error messages (a file name, or e.g. `<upload>`); nothing is opened.
pub fn read_osm_bytes(bytes: &[u8], format: OsmFormat, source: &Path) -> Result<osm::RawOsm> {
    match format {
        OsmFormat::Xml => osm_xml::parse_osm_xml_bytes(bytes, source),
        OsmFormat::Pbf => osm_pbf::read_osm_pbf_bytes(bytes, source),
    }
}

/// Read OSM data of `format` from a reader. `source` names the data in
/// error messages.
pub fn read_osm_from(
    reader: impl std::io::Read + Send,
    format: OsmFormat,
    source: &Path,
) -> Result<osm::RawOsm> {
    match format {
        OsmFormat::Xml => osm_xml::read_osm_xml_from(reader, source),
        OsmFormat::Pbf => osm_pbf::read_osm_pbf_from(reader, source),
    }
}

/// Reads each OSM file once, however many inputs name it, and keeps only
/// its extracted features: the raw elements are freed as soon as the
/// features (and the walking network, when the file is the network) are
/// built from them.
#[derive(Default)]
struct OsmCache {
    files: HashMap<PathBuf, osm_extract::OsmFeatures>,
    timings: Vec<StageTime>,
}

impl OsmCache {
    /// The features of `path`, reading the file on first use.
    fn features(&mut self, path: &Path) -> Result<&mut osm_extract::OsmFeatures> {
        if !self.files.contains_key(path) {
            self.read(path)?;
        }
        Ok(self.files.get_mut(path).expect("just inserted"))
    }

    /// The walking network of `path` with the file's features. The network
    /// is built from the raw elements, so the file is read again if an
    /// earlier input already read it (the network is loaded first, so this
    /// does not happen in `load`).
    fn network(&mut self, path: &Path) -> Result<(Network, &mut osm_extract::OsmFeatures)> {
        let mut raw = self.read(path)?;
        // The features are extracted: of the raw elements the network needs
        // only the nodes (the walkable ways hold node positions).
        raw.keep_only_nodes();
        let features = self.files.get_mut(path).expect("just inserted");
        let t = std::time::Instant::now();
        let network = build_network(&features.walk_input(&raw));
        // Nothing else needs the raw elements or the walkable ways.
        drop(raw);
        features.walk_ways = Vec::new();
        features.walk_nodes = Vec::new();
        self.timings.push(StageTime::since("  network", t));
        Ok((network, self.files.get_mut(path).expect("just inserted")))
    }

    /// Decode `path` and extract its features into the cache (unless they
    /// are there already); returns the raw elements.
    fn read(&mut self, path: &Path) -> Result<osm::RawOsm> {
        let t = std::time::Instant::now();
        let raw = read_osm(path)?;
        self.timings.push(StageTime::since("  decode", t));
        if !self.files.contains_key(path) {
            let t = std::time::Instant::now();
            let features = osm_extract::extract(&raw);
            self.timings.push(StageTime::since("  extract", t));
            self.files.insert(path.to_path_buf(), features);
        }
        Ok(raw)
    }
}

/// The config with its `[columns]` and `[categories]` copied into every
/// input, after checking their names.
fn with_shared_options(config: &Config) -> Result<std::borrow::Cow<'_, Config>> {
    if config.columns.0.is_empty() && config.categories.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(config));
    }
    columns::check_field_names(&config.origin, config.columns.0.keys())?;
    for (name, value) in &config.categories {
        categories::parse_config_type(value).map_err(|e| {
            Error::config(config.origin.clone(), format!("categories.{name:?}: {e}"))
        })?;
    }
    let mut c = config.clone();
    let specs = c
        .facilities
        .iter_mut()
        .chain(c.communities.as_mut())
        .chain(c.units.as_mut())
        .chain(c.health.iter_mut())
        .chain(c.culture.iter_mut());
    for spec in specs {
        spec.extra_headers = config.columns.clone();
        spec.extra_categories = config.categories.clone();
    }
    Ok(std::borrow::Cow::Owned(c))
}

/// Load every input a config names.
pub fn load(config: &Config) -> Result<Inputs> {
    config.validate()?;
    let config = &*with_shared_options(config)?;
    let mut cache = OsmCache::default();
    let mut inputs = Inputs {
        notes: config.notes.clone(),
        ..Default::default()
    };
    let mut warned = WarnedFiles::default();
    if let Some(net) = &config.network {
        load_network(&mut cache, net, &mut inputs, &mut warned)?;
    }
    let t = std::time::Instant::now();
    load_facilities(&mut cache, config, &mut inputs, &mut warned)?;
    check_facility_ids(&inputs.facilities)?;
    cache.timings.push(StageTime::since("  facilities", t));
    let t = std::time::Instant::now();
    if let Some(spec) = &config.communities {
        inputs.community_access = spec.access_mode();
        inputs.community_path = Some(spec.path.clone());
        inputs.communities = if is_osm(&spec.path) {
            osm_communities(&mut cache, spec, config, &mut inputs)?
        } else {
            let mut table = table::read_table(spec)?;
            inputs.dropped.extend(table.dropped.iter().cloned());
            let list = table::communities_taking_geometry(
                spec,
                &mut table,
                config.settings.household_size,
                config.population.as_ref(),
                &mut inputs.warnings,
            )?;
            inputs.columns.push(table::column_report(
                spec,
                &table,
                columns::InputKind::Communities,
            )?);
            list
        };
    }
    cache.timings.push(StageTime::since("  communities", t));
    if let Some(pop) = &config.population {
        spread_population(config, pop, &mut inputs)?;
    }
    let mut unit_totals = None;
    if let Some(spec) = &config.units {
        (inputs.units, unit_totals) = load_units(&mut cache, config, spec, &mut inputs)?;
        let (overlaps, warning) = overlap::check_overlaps(&spec.path, &inputs.units)?;
        inputs.unit_overlaps = overlaps;
        inputs.warnings.extend(warning);
    }
    if let Some(pop) = &config.population {
        population::spread_unit_totals(config, pop, unit_totals.as_deref(), &mut inputs)?;
    }
    households_note(&mut inputs, config.settings.household_size);
    load_places(config, &mut inputs)?;
    osm_dropped(&mut cache, config, &mut inputs.dropped);
    inputs.timings = std::mem::take(&mut cache.timings);
    drop(cache);
    Ok(inputs)
}

/// The health facilities and culture stations of the config (CSV or
/// GeoJSON tables, read like the facilities); ids unique across the
/// inputs of each kind.
fn load_places(config: &Config, inputs: &mut Inputs) -> Result<()> {
    let table_of = |spec: &InputSpec, what: &str| -> Result<table::Table> {
        if is_osm(&spec.path) {
            return Err(Error::file(
                &spec.path,
                format!("{what} are read from a CSV or GeoJSON table, not an OSM file"),
            ));
        }
        table::read_table(spec)
    };
    for spec in &config.health {
        let t = table_of(spec, "health facilities")?;
        inputs.dropped.extend(t.dropped.iter().cloned());
        let list = table::health_from_table(spec, &t, &mut inputs.warnings)?;
        inputs.health.extend(list);
    }
    for spec in &config.culture {
        let t = table_of(spec, "culture stations")?;
        inputs.dropped.extend(t.dropped.iter().cloned());
        let list = table::culture_from_table(spec, &t, &mut inputs.warnings)?;
        inputs.culture.extend(list);
    }
    let repeated = |ids: Vec<&str>, what: &str| -> Result<()> {
        let mut sorted = ids;
        sorted.sort_unstable();
        match sorted.windows(2).find(|w| w[0] == w[1]) {
            Some(w) => Err(Error::config(
                config.origin.clone(),
                format!(
                    "{what} id {:?} is used twice across the inputs; ids must be unique",
                    w[0]
                ),
            )),
            None => Ok(()),
        }
    };
    repeated(
        inputs.health.iter().map(|h| h.id.as_str()).collect(),
        "health facility",
    )?;
    repeated(
        inputs.culture.iter().map(|c| c.id.as_str()).collect(),
        "culture station",
    )
}

/// The records each OSM file left out or changed into `dropped`, files in
/// path order, each record's file set; a facility left out as private
/// only when the file is a facility input, a walkable way clipped only
/// when it is the network.
fn osm_dropped(cache: &mut OsmCache, config: &Config, dropped: &mut Vec<Dropped>) {
    let mut paths: Vec<PathBuf> = cache.files.keys().cloned().collect();
    paths.sort();
    for path in paths {
        let facilities = config.facilities.iter().any(|s| s.path == path);
        let network = config.network.as_ref().is_some_and(|n| n.path == path);
        let features = cache.files.get_mut(&path).expect("listed");
        for mut d in std::mem::take(&mut features.dropped) {
            let keep = match d.reason {
                DropReason::PrivateAccess => facilities,
                DropReason::WayClipped => network,
                _ => true,
            };
            if keep {
                d.file = path.clone();
                dropped.push(d);
            }
        }
    }
}

/// The OSM files whose warnings are already in the run's warnings (a file
/// named by several inputs warns once).
#[derive(Default)]
struct WarnedFiles(Vec<PathBuf>);

impl WarnedFiles {
    /// Add `w`, each line prefixed with `path`, unless `path` warned before.
    fn once(&mut self, inputs: &mut Inputs, path: &Path, w: &[String]) {
        if !self.0.iter().any(|p| p == path) {
            self.0.push(path.to_path_buf());
            for line in w {
                inputs.warnings.push(format!("{}: {line}", path.display()));
            }
        }
    }
}

/// The walking network of `spec`: from an OSM file, or from street
/// centrelines in any table format (see [`lines`]).
fn load_network(
    cache: &mut OsmCache,
    spec: &NetworkSpec,
    inputs: &mut Inputs,
    warned: &mut WarnedFiles,
) -> Result<()> {
    let path = &spec.path;
    if !is_osm(path) {
        let t = std::time::Instant::now();
        let table = table::read_table(&spec.as_input())?;
        inputs.warnings.extend(table.warnings.iter().cloned());
        inputs.dropped.extend(table.dropped.iter().cloned());
        let (network, warnings) = lines::network_from_lines(spec, &table)?;
        inputs.warnings.extend(warnings);
        cache.timings.push(StageTime::since("  network", t));
        inputs.network = Some(network);
        inputs.network_path = Some(path.to_path_buf());
        return Ok(());
    }
    let (network, features) = cache.network(path)?;
    let w = features.warnings.clone();
    warned.once(inputs, path, &w);
    if network.edges.is_empty() {
        return Err(Error::file(
            path,
            "no walkable ways found (highway=* with foot access); is this a street \
             extract of the study area?",
        ));
    }
    inputs.network = Some(network);
    inputs.network_path = Some(path.to_path_buf());
    Ok(())
}

/// The facilities of every facility input, in input order, each input's
/// note on its facilities and in the run's notes.
fn load_facilities(
    cache: &mut OsmCache,
    config: &Config,
    inputs: &mut Inputs,
    warned: &mut WarnedFiles,
) -> Result<()> {
    for spec in &config.facilities {
        let mut list = if is_osm(&spec.path) {
            let features = cache.features(&spec.path)?;
            let w = features.warnings.clone();
            // Taken, not copied: a file named twice as facilities gives its
            // facilities once (and its ids would clash anyway).
            let list = std::mem::take(&mut features.facilities);
            warned.once(inputs, &spec.path, &w);
            inputs.warnings.extend(osm_hours_warning(&spec.path, &list));
            list
        } else {
            let table = table::read_table(spec)?;
            inputs.dropped.extend(table.dropped.iter().cloned());
            let list = table::facilities_from_table(spec, &table, &mut inputs.warnings)?;
            inputs.columns.push(table::column_report(
                spec,
                &table,
                columns::InputKind::Facilities,
            )?);
            list
        };
        if let Some(note) = &spec.note {
            for f in list.iter_mut() {
                f.note = Some(note.clone());
            }
            inputs.notes.push(note.clone());
        }
        if inputs.facilities.is_empty() {
            inputs.facilities = list;
        } else {
            inputs.facilities.extend(list);
        }
    }
    Ok(())
}

/// The warning for OSM facilities whose `opening_hours` are not
/// understood (they count in no time window), naming them.
fn osm_hours_warning(path: &Path, facilities: &[Facility]) -> Option<String> {
    let unread: Vec<String> = facilities
        .iter()
        .filter_map(|f| {
            let e = hours::parse_opening_hours(f.opening_hours.as_deref()?).err()?;
            let element = f.id.trim_start_matches("osm:").replace('/', " ");
            Some(format!("{element} ({e})"))
        })
        .collect();
    table::hours_warning(path, &unread)
}

/// Ids must be unique across all facility inputs. Sorted (in parallel)
/// by id and position, the first repeat of each id follows its first
/// use; the earliest such repeat is the one a scan in input order
/// would meet first.
fn check_facility_ids(facilities: &[Facility]) -> Result<()> {
    let mut ids: Vec<(&str, usize)> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    ids.par_sort_unstable();
    let repeat = ids
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| w[1].1)
        .min();
    if let Some(i) = repeat {
        return Err(Error::DuplicateFacilityId {
            id: facilities[i].id.clone(),
        });
    }
    Ok(())
}

/// Spread `pop.spread_total` evenly over the communities (an estimate,
/// noted), when the config gives one.
fn spread_population(config: &Config, pop: &PopulationSpec, inputs: &mut Inputs) -> Result<()> {
    let Some(total) = pop.spread_total else {
        return Ok(());
    };
    if pop.spread != "even" {
        return Err(Error::config(
            config.origin.clone(),
            format!(
                "population.spread {:?} is not supported; use \"even\"",
                pop.spread
            ),
        ));
    }
    let n = inputs.communities.len();
    if n > 0 {
        for c in inputs.communities.iter_mut() {
            c.population = total / n as f64;
            c.population_source = PopulationSource::Estimate;
        }
        inputs.notes.push(format!(
            "population is an ESTIMATE: {total:.0} people{} spread evenly over {n} \
             communities ({:.1} each); the source has no population figures",
            pop.source
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default(),
            total / n as f64
        ));
    }
    Ok(())
}

/// The population and households of each unit, when the units file has
/// them and the config spreads them (`[population] from_units`).
type UnitTotals = Vec<(Option<f64>, Option<f64>)>;

/// Administrative units from an OSM file (at the configured
/// `admin_level`) or a CSV/GeoJSON input, with the units' population when
/// the config spreads it over the communities.
fn load_units(
    cache: &mut OsmCache,
    config: &Config,
    spec: &InputSpec,
    inputs: &mut Inputs,
) -> Result<(Vec<AdminUnit>, Option<UnitTotals>)> {
    let spread = config.population.as_ref().and_then(|p| p.from_units);
    if !is_osm(&spec.path) {
        let table = table::read_table(spec)?;
        inputs.dropped.extend(table.dropped.iter().cloned());
        let units = table::units_from_table(spec, &table, &mut inputs.warnings)?;
        let report = table::column_report(spec, &table, columns::InputKind::Units)?;
        let totals = match spread {
            Some(_) => Some(table::unit_totals(spec, &table)?),
            None => {
                if let Some(h) = report
                    .fields
                    .iter()
                    .find(|f| f.field == columns::field::POPULATION)
                    .and_then(|f| f.header.as_ref())
                {
                    inputs.warnings.push(format!(
                        "{}: the units' population column {h:?} is not used; set \
                         [population] from_units = \"households\" (or \"even\") to spread \
                         each unit's population over its communities",
                        spec.path.display()
                    ));
                }
                None
            }
        };
        inputs.columns.push(report);
        return Ok((units, totals));
    }
    if spread.is_some() {
        return Err(Error::config(
            config.origin.clone(),
            "[population] from_units needs units from a CSV or GeoJSON file with a population \
             column; OSM boundaries carry none",
        ));
    }
    let Some(level) = spec.admin_level else {
        return Err(Error::config(
            config.origin.clone(),
            "units from an OSM file need `admin_level` (e.g. 8 for a municipality)",
        ));
    };
    let features = cache.features(&spec.path)?;
    let units: Vec<AdminUnit> = features
        .units
        .iter()
        .filter(|(l, _)| *l == level)
        .map(|(_, u)| u.clone())
        .collect();
    if units.is_empty() {
        inputs.warnings.push(format!(
            "{}: no complete administrative boundary with admin_level={level}; results \
             are for the whole area only",
            spec.path.display()
        ));
    }
    Ok((units, None))
}

/// A note (for every output) when some population is households x the
/// household size: an estimate.
fn households_note(inputs: &mut Inputs, household_size: f64) {
    let n = inputs
        .communities
        .iter()
        .filter(|c| c.population_source == PopulationSource::Households)
        .count();
    if n > 0 {
        inputs.notes.push(format!(
            "population is an ESTIMATE for {n} of {} communities: households x {household_size} \
             people per household (population_source households_x_size)",
            inputs.communities.len()
        ));
    }
}

fn osm_communities(
    cache: &mut OsmCache,
    spec: &InputSpec,
    config: &Config,
    inputs: &mut Inputs,
) -> Result<Vec<Community>> {
    let features = cache.features(&spec.path)?;
    let spread = config
        .population
        .as_ref()
        .and_then(|p| p.spread_total)
        .is_some();
    let mut out = Vec::new();
    let mut skipped = 0usize;
    let residential = std::mem::take(&mut features.residential);
    let found = residential.len();
    for r in residential {
        if let Some(problem) = r.problem.filter(|_| !spread) {
            let location = r.community.id.trim_start_matches("osm:").replace('/', " ");
            return Err(Error::record(
                &spec.path,
                location,
                format!("{problem}; fix the tag or give communities in a CSV/GeoJSON"),
            ));
        }
        let mut c = r.community;
        match (r.population, c.households) {
            (Some(p), _) => {
                c.population = p;
                c.population_source = PopulationSource::Given;
            }
            (None, Some(h)) => {
                c.population = h * config.settings.household_size;
                c.population_source = PopulationSource::Households;
            }
            (None, None) if spread => {}
            (None, None) => {
                skipped += 1;
                let record = c.id.trim_start_matches("osm:").replace('/', " ");
                inputs.dropped.push(Dropped {
                    file: spec.path.clone(),
                    id: c.id.clone(),
                    name: c.name.clone(),
                    ..Dropped::new(
                        record,
                        DropReason::NoPopulation,
                        "landuse=residential area without a population or households tag; \
                         left out",
                    )
                });
                continue;
            }
        }
        out.push(c);
    }
    if out.is_empty() && found > 0 {
        return Err(Error::file(
            &spec.path,
            format!(
                "none of the {} landuse=residential areas has a population or households tag; \
                 give communities in a CSV/GeoJSON with a population column, or set \
                 [population] spread_total",
                found
            ),
        ));
    }
    if skipped > 0 {
        inputs.warnings.push(format!(
            "{}: {skipped} landuse=residential areas without a population tag left out",
            spec.path.display()
        ));
    }
    Ok(out)
}

/// Read non-spatial indicator figures from a CSV with columns `id` and
/// `value` (e.g. `29,5.3` for instructors per 1000 people), and an
/// optional `target` column numbering an indicator's target figures from 1
/// (indicator 20 has two: `20,2,3` is its second). Chinese headers are
/// accepted too: 指标 / 指标编号 / 编号, 数值 / 值 / 数据, 目标序号 / 目标.
/// The second and further figures are keyed `id#n` (as an `id` of the
/// form `20#2` is).
pub fn read_figures(path: &Path) -> Result<HashMap<String, f64>> {
    let text = crate::bundled::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    read_figures_bytes(&text, path)
}

/// [`read_figures`] over a CSV held in memory; `path` names it in error
/// messages.
pub fn read_figures_bytes(text: &[u8], path: &Path) -> Result<HashMap<String, f64>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::file(path, format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(id_col), Some(val_col)) = (
        col(&["id", "indicator", "指标", "指标编号", "编号", "序号"]),
        col(&["value", "figure", "数值", "值", "数据"]),
    ) else {
        return Err(Error::file(
            path,
            "a figures file needs columns `id` (indicator id, 1-37) and `value` \
             (or 指标编号 and 数值)",
        ));
    };
    let target_col = col(&["target", "目标序号", "目标"]);
    let mut out = HashMap::new();
    for row in rdr.records() {
        let row = row.map_err(|e| Error::file(path, format!("cannot read a row: {e}")))?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let mut id = row.get(id_col).unwrap_or("").to_string();
        let target = target_col
            .map(|c| row.get(c).unwrap_or("").trim())
            .unwrap_or("");
        if !target.is_empty() {
            let n: usize = target.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                Error::record(
                    path,
                    format!("row {line}"),
                    format!("target {target:?} is not a number from 1"),
                )
            })?;
            if n > 1 {
                id = format!("{id}#{n}");
            }
        }
        if let Some(base) = id.strip_suffix("#1") {
            id = base.to_string();
        }
        let raw = row.get(val_col).unwrap_or("");
        // Finite, read like every other number (see `bounds`).
        let v = bounds::parse_number(raw)
            .map_err(|e| Error::record(path, format!("row {line}"), format!("value {e}")))?;
        if out.insert(id.clone(), v).is_some() {
            return Err(Error::record(
                path,
                format!("row {line}"),
                format!("indicator {id:?} is given twice"),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<osm>
  <node id="1" lat="60.17" lon="24.94"><tag k="leisure" v="pitch"/></node>
  <node id="2" lat="60.171" lon="24.941"/>
  <way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="path"/></way>
</osm>"#;

    #[test]
    fn osm_format_follows_the_extension() {
        assert_eq!(OsmFormat::of_path(Path::new("a/City.OSM")), OsmFormat::Xml);
        assert_eq!(
            OsmFormat::of_path(Path::new("city.osm.pbf")),
            OsmFormat::Pbf
        );
        assert_eq!(OsmFormat::of_path(Path::new("city.pbf")), OsmFormat::Pbf);
    }

    #[test]
    fn osm_from_bytes_and_reader() {
        let name = Path::new("inline.osm");
        let a = read_osm_bytes(XML.as_bytes(), OsmFormat::Xml, name).unwrap();
        let b = read_osm_from(XML.as_bytes(), OsmFormat::Xml, name).unwrap();
        for raw in [a, b] {
            assert_eq!(raw.node_ids, vec![1, 2]);
            assert_eq!(raw.coord(2), Some([24.941, 60.171]));
            assert!(
                raw.tags(raw.tagged_node(1).unwrap().tags)
                    .is("leisure", "pitch")
            );
            assert_eq!(raw.nodes(raw.way(5).unwrap()), [1, 2]);
        }
        // XML handed to the PBF reader fails naming the source.
        let m = read_osm_bytes(XML.as_bytes(), OsmFormat::Pbf, name)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("inline.osm: not a readable OSM PBF file"),
            "{m}"
        );
    }

    #[test]
    fn figures_with_chinese_headers_and_several_targets() {
        let name = Path::new("figures.csv");
        let got = read_figures_bytes(
            "指标编号,目标序号,数值\n20,1,1\n20,2,3\n19,,600001\n".as_bytes(),
            name,
        )
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!((got["20"], got["20#2"], got["19"]), (1.0, 3.0, 600001.0));
        let got = read_figures_bytes(b"id,value\n20#1,1\n20#2,4\n", name).unwrap();
        assert_eq!((got["20"], got["20#2"]), (1.0, 4.0));
        assert!(read_figures_bytes(b"id,target,value\n20,0,1\n", name).is_err());
    }

    #[test]
    fn figures_from_bytes() {
        let name = Path::new("figures.csv");
        let got = read_figures_bytes(b"\xef\xbb\xbfID, Value\n29, 5.3\n7,12\n", name).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got["29"], 5.3);
        assert_eq!(got["7"], 12.0);
        let m = read_figures_bytes(b"id,value\n29,x\n", name)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("figures.csv, row 2: value \"x\" is not a number"),
            "{m}"
        );
        for bad in ["inf", "NaN", "\"1,5\""] {
            let csv = format!("id,value\n29,{bad}\n");
            let m = read_figures_bytes(csv.as_bytes(), name)
                .unwrap_err()
                .to_string();
            assert!(m.starts_with("figures.csv, row 2: value"), "{m}");
        }
        let m = read_figures_bytes(b"id,value\n3,1\n3,2\n", name)
            .unwrap_err()
            .to_string();
        assert_eq!(m, "figures.csv, row 3: indicator \"3\" is given twice");
    }
}
