//! Library error type. Every variant names the file and, where there is one,
//! the row, feature or OSM element, plus what the user should fix.

use std::path::PathBuf;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with enough context for a planner to fix the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// An output file or folder could not be written.
    #[error("{path}: cannot write: {source}; {hint}", hint = write_hint(source))]
    Write {
        /// The file or folder.
        path: PathBuf,
        #[source]
        /// Why it could not be written.
        source: std::io::Error,
    },
    /// A record inside an input file is wrong.
    #[error("{path}, {location}: {message}")]
    Record {
        /// The input file.
        path: PathBuf,
        /// "row 12", "feature 3 (id \"a\")", "way 1234", ...
        location: String,
        /// What is wrong and what to fix.
        message: String,
    },
    /// A whole input file is wrong (empty, wrong format, missing column...).
    #[error("{path}: {message}")]
    File {
        /// The input file.
        path: PathBuf,
        /// What is wrong and what to fix.
        message: String,
    },
    /// A configuration value is wrong.
    #[error("configuration {origin}: {message}")]
    Config {
        /// The config file, or "command line".
        origin: String,
        /// The setting and what to fix.
        message: String,
    },
    /// Two facility inputs use the same facility id.
    #[error(
        "facility id {id:?} appears in more than one facility input; give each input distinct ids"
    )]
    DuplicateFacilityId {
        /// The repeated id.
        id: String,
    },
    /// No residential community or population cell was loaded.
    #[error(
        "no residential communities or population cells: give [communities] in the config \
         or --communities FILE"
    )]
    NoCommunities,
    /// Without a network, nothing has a location to measure from.
    #[error("no community or facility has a location")]
    NoLocations,
    /// The street network was given but has no walkable node.
    #[error("the street network has no nodes")]
    EmptyNetwork,
    /// Most points of an input fall inside the network only with their
    /// longitude and latitude swapped.
    #[error(
        "{what}: {swapped} of {total} points fall inside the street network only with \
         longitude and latitude swapped; swap the lon/lat columns (GeoJSON positions are \
         [lon, lat])"
    )]
    SwappedCoordinates {
        /// The input (file and role).
        what: String,
        /// Points inside the network's box once swapped.
        swapped: usize,
        /// Points of the input.
        total: usize,
    },
    /// `sites` was asked for a walk longer than the distances searched.
    #[error(
        "sites: the walk ({walk_m:.0} m) is longer than the distances computed \
         ({searched_m:.0} m); raise --minutes"
    )]
    WalkBeyondSearch {
        /// The walk asked for, metres.
        walk_m: f64,
        /// How far the searches went, metres.
        searched_m: f64,
    },
    /// A total or per-capita figure of the study is not a finite number
    /// (an input value so large that a sum overflows). Checked before any
    /// output is drawn, so no chart or table is made from it.
    #[error("{input}: {field}: {message}")]
    NotFinite {
        /// The input file (or config) the figure comes from.
        input: String,
        /// The column or setting to fix ("population", "area_m2", ...).
        field: String,
        /// What overflowed, with the largest values, and what to fix.
        message: String,
    },
    /// The output folder is, holds or contains an input file's folder: the
    /// run would write (or clean up) next to its own inputs.
    #[error(
        "--out {out}: {relation} the {role} input {input}; choose an output folder apart from \
         the input files (e.g. a new folder such as {suggestion})"
    )]
    OutputOverlapsInput {
        /// The output folder as given.
        out: PathBuf,
        /// Which input (network, facilities, communities, ...).
        role: String,
        /// The input file as given.
        input: PathBuf,
        /// "this folder holds", "this folder contains the folder of", "this is".
        relation: String,
        /// An output folder that would do.
        suggestion: String,
    },
    /// No sports facility was loaded, so there is nothing to measure
    /// walking distances to; `details` says what was loaded and what is
    /// missing, one line each.
    #[error(
        "{title}: cannot compute walking coverage: no sports facilities were loaded, so every \
         resident would show as uncovered.\n{details}"
    )]
    NoFacilities {
        /// The study's title.
        title: String,
        /// What was loaded, checks, notes and what is missing.
        details: String,
    },
}

/// What to do about a failed write. On Windows, replacing a file that
/// another program holds open (Excel and QGIS lock the files they show)
/// fails with "access denied" or a sharing violation (OS errors 5, 32,
/// 33): the folder is writable, the file is busy.
fn write_hint(e: &std::io::Error) -> &'static str {
    if cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33)) {
        "the file is probably open in another program: close the file in Excel or QGIS \
         (or whatever shows it) and run again"
    } else {
        "choose a writable folder with --out"
    }
}

impl Error {
    /// A record-level error.
    pub fn record(
        path: impl Into<PathBuf>,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Record {
            path: path.into(),
            location: location.into(),
            message: message.into(),
        }
    }

    /// A file-level error.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
        }
    }

    /// A configuration error.
    pub fn config(origin: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            origin: origin.into(),
            message: message.into(),
        }
    }
}
