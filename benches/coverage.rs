//! Criterion benches on the bundled real data: network building (PBF decode
//! + split into edges) and the coverage analysis (snapping, CSR, searches).
//!
//! Run: `cargo bench --bench coverage`. A larger extract can be named with
//! FITCIRCLE_BENCH_CONFIG=path/to/fitcircle.toml (skipped when unset).

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use fitcircle::analysis::study;
use fitcircle::config::Config;
use fitcircle::graph::build::build_network;
use fitcircle::input::{self, osm_extract};

fn bundle(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
        .join("fitcircle.toml")
}

fn bench_config(c: &mut Criterion, label: &str, config: &Path) {
    let cfg = Config::read(config).expect("bundle config");
    let net_path = cfg
        .network
        .as_ref()
        .expect("bundle has a network")
        .path
        .clone();
    let mut g = c.benchmark_group(label);
    g.sample_size(10);
    g.bench_function("decode_pbf", |b| {
        b.iter(|| input::read_osm(&net_path).expect("pbf"))
    });
    let raw = input::read_osm(&net_path).expect("pbf");
    g.bench_function("extract_and_build_graph", |b| {
        b.iter(|| {
            let f = osm_extract::extract(&raw);
            build_network(&f.walk_input(&raw))
        })
    });
    let inputs = input::load(&cfg).expect("inputs");
    g.bench_function("analysis_coverage_catchments_isochrones", |b| {
        b.iter(|| study::run_with_defaults(&inputs, &cfg.settings).expect("study"))
    });
    g.bench_function("end_to_end_load_and_coverage", |b| {
        b.iter(|| {
            let inputs = input::load(&cfg).expect("inputs");
            study::run_with_defaults(&inputs, &cfg.settings).expect("study")
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_config(c, "helsinki", &bundle("helsinki"));
    bench_config(c, "porto-alegre", &bundle("porto-alegre"));
    if let Ok(extra) = std::env::var("FITCIRCLE_BENCH_CONFIG") {
        bench_config(c, "extra", Path::new(&extra));
    }
}

criterion_group!(coverage, benches);
criterion_main!(coverage);
