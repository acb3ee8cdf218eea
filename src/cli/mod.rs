//! The binary's command-line layer: clap arguments ([`args`]) turned into
//! one validated [`RunConfig`] ([`run_config`]), the library's stages
//! called in order ([`analyze`], [`sites`]), the summary printed. Only
//! this module knows about clap, anyhow and indicatif; every domain
//! decision is the library's.

mod analyze;
mod args;
mod batch;
mod bundles;
mod check;
mod files;
mod init;
mod print;
mod progress;
mod run_config;
mod sites;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use fitcircle::analysis::windows::Window;
use fitcircle::crs::Crs;
use fitcircle::input::{self, Inputs};
use fitcircle::output::Formats;
use fitcircle::output::map_image::{self, PageSize};
use fitcircle::output::report::{Basemap, Lang, TIANDITU_KEY_VAR};
use fitcircle::targets::Targets;
use fitcircle::{pipeline, timing};

use args::SynthArgs;
pub use args::{Cli, Command};
pub use run_config::RunConfig;

/// What the Python package (crates/fitcircle-py, which compiles this
/// module) reuses: the flags and their parsing, the run's config, the
/// steps of `analyze` and `sites` before and after the library's. The
/// binary itself does not use these names.
#[allow(unused_imports)]
pub mod embed {
    pub use super::analyze::{options_of, output_options};
    pub use super::args::{AnalyzeArgs, SitesArgs};
    pub use super::batch::read_manifest;
    pub use super::bundles::find as find_bundle;
    pub use super::sites::{
        check_spacing, from_scratch_warning, read_candidates, walk_limit, write as write_sites,
    };
    pub use super::{check_out_folder, language_and_font, map_look, output_crs_warning};
}

/// Run the CLI.
pub fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Analyze(a) if a.dry_run => progress::init(progress::Mode::Auto, a.output.quiet),
        Command::Analyze(a) => progress::init(a.output.progress, a.output.quiet),
        Command::Sites(s) => progress::init(s.output.progress, s.output.quiet),
        Command::Check(c) => progress::init(progress::Mode::Auto, c.quiet),
        _ => progress::init(progress::Mode::None, true),
    }
    match cli.command {
        Command::Bundles(b) => match &b.extract {
            Some(v) => bundles::extract(&v[0], Path::new(&v[1]), &b.bundle_dir),
            None => bundles::list(&b.bundle_dir),
        },
        Command::Init(i) => init::run(&i.dir),
        Command::Check(c) => check::run(&c.input, &c.settings, c.lang, c.quiet),
        Command::Completions(c) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(c.shell, &mut cmd, "fitcircle", &mut std::io::stdout());
            Ok(())
        }
        Command::Man(m) => man(&m),
        Command::Analyze(a) => analyze::run(a),
        Command::Sites(s) => sites::run(s),
        Command::Synth(a) => synth(&a),
        Command::Batch(b) => batch::run(&b),
    }
}

/// Inputs loaded for a run, with what both subcommands need next.
struct Prepared {
    inputs: Inputs,
    targets: Targets,
    windows: Vec<Window>,
    /// Every warning so far (printed unless quiet).
    warnings: Vec<String>,
    load_time: Duration,
    load_peak: Option<u64>,
}

/// The steps `analyze` and `sites` share: worker threads, loading (under a
/// spinner), warnings, the check that there are facilities (`analyze`
/// only), the straight-line note, targets and time windows.
fn prepare(
    run: &RunConfig,
    mut warnings: Vec<String>,
    need_facilities: bool,
    lang: fitcircle::output::Lang,
) -> Result<Prepared> {
    warnings.extend(run.warnings.iter().cloned());
    if let Some(n) = run.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up worker threads")?;
    }
    let t = Instant::now();
    let loaded = print::with_stage("loading", || input::load(&run.config));
    let inputs = loaded?;
    let load_time = t.elapsed();
    let load_peak = timing::peak_rss();
    warnings.extend(inputs.warnings.iter().cloned());
    warnings.extend(output_crs_warning(&run.formats, &inputs));
    print::columns(run.quiet, lang, &inputs.columns);
    print::warnings(run.quiet, &warnings);
    let pipeline::Prepared {
        inputs,
        targets,
        windows,
    } = pipeline::prepare(&run.config, &run.title(), inputs, need_facilities)?;
    Ok(Prepared {
        inputs,
        targets,
        windows,
        warnings,
        load_time,
        load_peak,
    })
}

/// The online base map (`--basemap`; a Tianditu key from
/// FITCIRCLE_TIANDITU_KEY) and the map images' size (`--map-size`).
pub fn map_look(map: &args::MapArgs) -> Result<(Option<Basemap>, PageSize)> {
    let basemap = match &map.basemap {
        None => None,
        Some(spec) => {
            let key = std::env::var(TIANDITU_KEY_VAR).ok();
            Some(Basemap::parse(spec, key.as_deref())?)
        }
    };
    let size = match map.map_size {
        args::MapSize::Screen => PageSize::Screen,
        args::MapSize::A4 => PageSize::A4,
        args::MapSize::A3 => PageSize::A3,
    };
    Ok((basemap, size))
}

/// The language of the run (`--lang`, else detected from the data set's
/// name and title; the terminal's progress follows it) and the CJK font of
/// the map images; with a warning when Chinese labels were asked for but
/// no font is available.
pub fn language_and_font(run: &RunConfig, map: &args::MapArgs) -> Result<(Lang, Option<String>)> {
    let lang = map
        .lang
        .unwrap_or_else(|| Lang::detect(&run.config.name, &run.config.title));
    progress::set_lang(lang);
    Ok((lang, load_map_font(map, lang)?))
}

/// Load the CJK font for map.png: `--font` / `FITCIRCLE_FONT` (an error
/// when unusable), else for Chinese labels the first system font found.
/// Returns a warning when Chinese labels were asked for but no font is
/// available (the map then stays English).
fn load_map_font(map: &args::MapArgs, lang: Lang) -> Result<Option<String>> {
    let explicit = map.font.clone().or_else(|| {
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
            "no font with Chinese glyphs among the system's fonts (looked for {} first)",
            map_image::CJK_FAMILIES.join(", ")
        )),
    };
    Ok(problem.map(|why| {
        format!(
            "map.png labels are in English: {why}; install fonts-wqy-microhei or pass \
             --font FILE (or set FITCIRCLE_FONT)"
        )
    }))
}

/// Refuse an `--out` that is, holds or contains an input (the config's
/// files, `--config`, and `extra`: the subcommand's own input files), before
/// anything is read or written.
pub fn check_out_folder(
    run: &RunConfig,
    input: &args::InputArgs,
    extra: &[(&str, Option<&std::path::PathBuf>)],
) -> Result<()> {
    let mut inputs = fitcircle::output::config_inputs(&run.config);
    let named = std::iter::once(("config", input.config.as_ref())).chain(extra.iter().copied());
    for (role, path) in named {
        if let Some(p) = path {
            inputs.push((role.to_string(), p.clone()));
        }
    }
    fitcircle::output::check_apart_from_inputs(&run.out, &inputs)?;
    Ok(())
}

/// A warning when `--output-crs gcj02` is asked for data entirely outside
/// mainland China, where GCJ-02 is WGS-84 unchanged.
pub fn output_crs_warning(formats: &Formats, inputs: &Inputs) -> Option<String> {
    if formats.extra_crs != Some(Crs::Gcj02) {
        return None;
    }
    let outside = inputs
        .communities
        .iter()
        .map(|c| &c.geometry)
        .chain(inputs.facilities.iter().map(|f| &f.geometry))
        .filter_map(fitcircle::representative_point)
        .all(|p| fitcircle::crs::out_of_china(p.x(), p.y()));
    outside.then(|| {
        "--output-crs gcj02: the data lie outside mainland China, where GCJ-02 is WGS-84 \
         unchanged, so the .gcj02 files repeat the WGS-84 coordinates"
            .to_string()
    })
}

/// `fitcircle man`: the overview page or one subcommand's on stdout, or
/// every page into `--dir` (fitcircle.1, fitcircle-analyze.1, ...).
fn man(m: &args::ManArgs) -> Result<()> {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    // Building names each subcommand "fitcircle-<name>" for its page.
    cmd.build();
    if let Some(dir) = &m.dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut pages = vec![cmd.clone()];
        pages.extend(cmd.get_subcommands().cloned());
        for page in pages {
            let man = clap_mangen::Man::new(page);
            let path = dir.join(man.get_filename());
            fitcircle::output::write_file(&path, &|w| man.render(w))?;
            println!("wrote {}", path.display());
        }
        return Ok(());
    }
    let page = match &m.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                anyhow::bail!(
                    "no subcommand {name:?}; pages: {} (or none for the overview)",
                    names.join(", ")
                )
            }
        },
    };
    clap_mangen::Man::new(page).render(&mut std::io::stdout())?;
    Ok(())
}

/// `fitcircle synth`: write the city and say what it holds.
fn synth(a: &SynthArgs) -> Result<()> {
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
        let m = fitcircle::input::element_meaning(tags, is_way, closed);
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
    fitcircle::output::write_file(path, &|w| {
        stats.set(Some(city.write(&FitcircleTags, w)?));
        Ok(())
    })?;
    Ok(stats.take().expect("written"))
}
