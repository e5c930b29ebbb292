//! Every benchmark-suite program (harness/suite/*.toml) must print the
//! checksum CPython prints, under every collector at its quick size and
//! under `--gc-stress` at its tiny size (every allocation collects, so
//! quick sizes would take many minutes). Programs that need features not built yet are listed in
//! `KNOWN_GAPS` with the issue that adds them; the test fails if one of them
//! starts passing, so the list stays true.

mod common;

use common::{SUITE_CONFIGS as CONFIGS, parallel, run, threads};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Runs expected to fail today: program, configurations (empty: all), why.
const KNOWN_GAPS: &[(&str, &[&str], &str)] = &[];

/// Is (program, configuration) a known gap?
fn known_gap(program: &str, config: &str) -> bool {
    KNOWN_GAPS
        .iter()
        .any(|(n, cs, _)| *n == program && (cs.is_empty() || cs.contains(&config)))
}

#[derive(Deserialize)]
struct Manifest {
    program: Vec<Program>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Program {
    name: String,
    path: String,
    quick_size: u64,
    tiny_size: u64,
    checksums: BTreeMap<String, toml::Value>,
}

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("harness")
        .join("suite")
}

fn programs() -> Vec<Program> {
    let mut v = Vec::new();
    for m in ["pypy.toml", "gc.toml"] {
        let text = std::fs::read_to_string(suite_dir().join(m)).expect("manifest");
        let man: Manifest = toml::from_str(&text).expect("manifest parses");
        v.extend(man.program);
    }
    v
}

fn checksum(p: &Program, size: u64) -> String {
    match &p.checksums[&size.to_string()] {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn suite_programs_print_cpythons_checksums_under_every_collector() {
    let progs = programs();
    assert!(
        progs.len() >= 30,
        "expected the whole suite, found {}",
        progs.len()
    );
    let dir = suite_dir();
    let pythonpath = dir.display().to_string();
    let jobs: Vec<_> = progs
        .iter()
        .flat_map(|p| CONFIGS.iter().map(move |c| (p, c)))
        .collect();
    let results = parallel(jobs, threads(), |(p, config)| {
        let size = if config.is_stress() {
            p.tiny_size
        } else {
            p.quick_size
        };
        let o = run(
            &dir,
            config.args,
            &p.path,
            &["-n".to_string(), size.to_string()],
            Duration::from_secs(600),
            &[("PYTHONPATH", pythonpath.as_str())],
        );
        let ok =
            o.status == Some(0) && o.stdout.trim() == format!("checksum: {}", checksum(p, size));
        let gap = known_gap(&p.name, config.name);
        match (ok, gap) {
            (true, false) | (false, true) => None,
            (true, true) => Some(format!(
                "{} [{}]: passes now; remove it from KNOWN_GAPS",
                p.name, config.name
            )),
            (false, false) => Some(format!(
                "{} [{}]: exit {:?}, stdout {:?}, stderr tail {:?}",
                p.name,
                config.name,
                o.status,
                o.stdout.trim(),
                o.stderr.lines().last().unwrap_or("")
            )),
        }
    });
    for (name, configs, why) in KNOWN_GAPS {
        println!("known gap: {name} {configs:?}: {why}");
    }
    println!(
        "{} runs, {} unexpected",
        progs.len() * CONFIGS.len(),
        results.len()
    );
    assert!(
        results.is_empty(),
        "{} unexpected results:\n{}",
        results.len(),
        results.join("\n")
    );
}
