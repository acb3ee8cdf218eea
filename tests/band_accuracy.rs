//! The 15-minute walking band from the travel-time surface against the
//! exact buffer-and-union polygon (`analysis::isochrone`) on the bundles:
//! area difference and Hausdorff distance (metres, in the study's local
//! projection), per target. Ignored (minutes in a debug build); run with
//!
//!   cargo test --release --test band_accuracy -- --ignored --nocapture
//!
//! and record the figures in BENCHMARKS.md. Asserts the band stays within
//! 3 % of the exact area and one cell diagonal (+ 1 m) of its outline.

use std::path::Path;

use fitcircle::LocalProjection;
use fitcircle::analysis::covered_area::{self, Outline};
use fitcircle::analysis::scenario;
use fitcircle::analysis::study::{self, Depth, Isochrones};
use fitcircle::config::Config;
use fitcircle::input::load;
use fitcircle::targets::Targets;
use geo::{Area, Coord, HausdorffDistance, MapCoords, MultiPolygon, Validation};

fn projected(mp: &MultiPolygon<f64>, p: &LocalProjection) -> MultiPolygon<f64> {
    mp.map_coords(|c| {
        let [x, y] = p.project([c.x, c.y]);
        Coord { x, y }
    })
}

fn compare(bundle: &str, cell_m: f64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/{bundle}/fitcircle.toml"));
    let cfg = Config::read(&path).unwrap();
    let inputs = load(&cfg).unwrap();
    let mut settings = cfg.settings;
    settings.isochrone_cell_m = cell_m;
    let targets = Targets::bundled();
    let t = std::time::Instant::now();
    let st = study::run(
        &inputs,
        &settings,
        &targets,
        &fitcircle::analysis::windows::default_windows(),
        Depth::Full(Isochrones::PerTarget),
    )
    .unwrap();
    let bands_s = st
        .timings
        .iter()
        .find(|x| x.name == "isochrones")
        .map(|x| x.time.as_secs_f64());
    let sources = scenario::sources(
        &inputs,
        &st.placement.facility_access,
        &st.scenarios.counts_now,
    );
    let outline = Outline {
        limit_m: settings.limit_m(),
        buffer_m: settings.isochrone_buffer_m,
    };
    let t_exact = std::time::Instant::now();
    let exact =
        covered_area::per_target(&st.placement, &st.scenarios.now.targets, &sources, outline);
    let exact_s = t_exact.elapsed().as_secs_f64();
    let p = &st.placement.proj;
    for (t, bands) in st.scenarios.now.targets.iter().zip(&st.bands) {
        for (m, mp) in st.band_minutes.iter().zip(bands) {
            assert!(
                mp.is_valid(),
                "{bundle} {} {m} min: {:?}",
                t.name(),
                mp.validation_errors()
            );
        }
    }
    let vertices: usize = st
        .bands
        .iter()
        .flatten()
        .map(geo::CoordsIter::coords_count)
        .sum();
    println!("{bundle}: {vertices} band vertices, all valid");
    println!(
        "{bundle}, cell {cell_m} m: bands stage {:.3} s, exact polygons {exact_s:.3} s (run {:.1} s)",
        bands_s.unwrap_or(f64::NAN),
        t.elapsed().as_secs_f64()
    );
    for (k, target) in st.scenarios.now.targets.iter().enumerate().take(3) {
        let band = projected(st.isochrone(k).expect("a target"), p);
        let ex = projected(&exact[k], p);
        let (a, b) = (band.unsigned_area(), ex.unsigned_area());
        if b == 0.0 {
            continue;
        }
        let diff = 100.0 * (a - b) / b;
        // geo's Hausdorff distance is between the vertex sets (a hole's
        // vertices far from any vertex of the other count); the distance
        // of each vertex to the other's area (0 inside) measures how far
        // the outlines stray.
        let h = band.hausdorff_distance(&ex);
        let stray = |a: &MultiPolygon<f64>, b: &MultiPolygon<f64>| {
            use geo::{CoordsIter, Distance, Euclidean, Point};
            a.coords_iter()
                .map(|c| Euclidean.distance(&Point::from(c), b))
                .fold(0.0, f64::max)
        };
        let (out_band, out_exact) = (stray(&band, &ex), stray(&ex, &band));
        println!(
            "  {:<16} exact {:>8.3} km2, band {:>8.3} km2, {diff:+.2} %, Hausdorff (vertices) {h:.1} m, \
             band outside exact <= {out_band:.1} m, exact outside band <= {out_exact:.1} m",
            target.name(),
            b / 1e6,
            a / 1e6
        );
        assert!(diff.abs() < 3.0, "{bundle} {}: {diff} %", target.name());
        let diag = cell_m * std::f64::consts::SQRT_2;
        assert!(
            out_band.max(out_exact) < diag + 1.0,
            "{bundle}: {out_band} {out_exact} m"
        );
    }
}

#[test]
#[ignore]
fn fifteen_minute_band_against_exact_polygon() {
    for bundle in ["helsinki", "porto-alegre"] {
        for cell in [10.0, 15.0, 20.0] {
            compare(bundle, cell);
        }
    }
}
