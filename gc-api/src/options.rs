//! The collector option set: `--heap=SIZE`, `--gc-opt key=value`,
//! `--gc-stress`, `--verify-heap`, `--gc-threads=N`.

use std::collections::BTreeMap;
use std::fmt;

/// A bad option value or an unknown `--gc-opt` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError(pub String);

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionError {}

/// Options every collector receives. Collector-specific settings travel in
/// `extra` as `key=value` strings and are read with the typed getters, which
/// also record which keys were consumed so unknown ones can be rejected.
#[derive(Clone, Debug, Default)]
pub struct GcOptions {
    /// Hard limit on heap bytes (`--heap`); `None` = unlimited.
    pub heap_limit: Option<usize>,
    /// Collect at every allocation (`--gc-stress`).
    pub stress: bool,
    /// Verify every reference after each collection (`--verify-heap`).
    pub verify: bool,
    /// Tracing threads (`--gc-threads`), 1 for determinism.
    pub threads: usize,
    /// Collector-specific `--gc-opt key=value` settings.
    pub extra: BTreeMap<String, String>,
}

impl GcOptions {
    /// Options with no limit and no extras.
    pub fn new() -> GcOptions {
        GcOptions {
            threads: 1,
            ..GcOptions::default()
        }
    }

    /// Adds one `key=value` (or bare `key`, meaning `key=1`) setting.
    pub fn add_opt(&mut self, kv: &str) -> Result<(), OptionError> {
        let (k, v) = match kv.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (kv.trim(), "1"),
        };
        if k.is_empty() {
            return Err(OptionError(format!(
                "bad --gc-opt '{kv}': expected key=value"
            )));
        }
        // Cross-collector switches may also be given as --gc-opt.
        match k {
            "stress" => self.stress = parse_bool(k, v)?,
            "verify" => self.verify = parse_bool(k, v)?,
            _ => {
                self.extra.insert(k.to_string(), v.to_string());
            }
        }
        Ok(())
    }

    /// A size option (`nursery=4M`), or `default` when absent.
    pub fn size(&self, key: &str, default: usize) -> Result<usize, OptionError> {
        match self.extra.get(key) {
            Some(v) => parse_size(v).map_err(|e| OptionError(format!("--gc-opt {key}: {e}"))),
            None => Ok(default),
        }
    }

    /// An unsigned integer option, or `default`.
    pub fn usize(&self, key: &str, default: usize) -> Result<usize, OptionError> {
        match self.extra.get(key) {
            Some(v) => v
                .parse()
                .map_err(|_| OptionError(format!("--gc-opt {key}: '{v}' is not a number"))),
            None => Ok(default),
        }
    }

    /// A float option, or `default`.
    pub fn f64(&self, key: &str, default: f64) -> Result<f64, OptionError> {
        match self.extra.get(key) {
            Some(v) => v
                .parse()
                .map_err(|_| OptionError(format!("--gc-opt {key}: '{v}' is not a number"))),
            None => Ok(default),
        }
    }

    /// A boolean option (`1/0/true/false/yes/no/on/off`), or `default`.
    pub fn bool(&self, key: &str, default: bool) -> Result<bool, OptionError> {
        match self.extra.get(key) {
            Some(v) => parse_bool(key, v),
            None => Ok(default),
        }
    }

    /// A string option restricted to `choices`, or `default`.
    pub fn choice<'a>(
        &'a self,
        key: &str,
        choices: &[&'a str],
        default: &'a str,
    ) -> Result<&'a str, OptionError> {
        match self.extra.get(key) {
            Some(v) if choices.contains(&v.as_str()) => Ok(v.as_str()),
            Some(v) => Err(OptionError(format!(
                "--gc-opt {key}: '{v}' is not one of {}",
                choices.join(", ")
            ))),
            None => Ok(default),
        }
    }

    /// Rejects any `--gc-opt` key not in `known` (the collector's keys plus
    /// the VM-level keys in [`VM_OPTION_KEYS`]).
    pub fn check_known(&self, collector: &str, known: &[&str]) -> Result<(), OptionError> {
        for k in self.extra.keys() {
            if !known.contains(&k.as_str()) && !VM_OPTION_KEYS.contains(&k.as_str()) {
                let mut all: Vec<&str> = known.to_vec();
                all.extend_from_slice(VM_OPTION_KEYS);
                return Err(OptionError(format!(
                    "unknown --gc-opt '{k}' for --gc={collector} (known: {})",
                    all.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// `--gc-opt` keys consumed by the VM rather than the collector.
pub const VM_OPTION_KEYS: &[&str] = &["trace_finalization"];

fn parse_bool(key: &str, v: &str) -> Result<bool, OptionError> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(OptionError(format!(
            "--gc-opt {key}: '{v}' is not a boolean"
        ))),
    }
}

/// Parses `64M`, `1.5G`, `4096`, `512k`, `2MiB` into bytes.
pub fn parse_size(s: &str) -> Result<usize, OptionError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| OptionError(format!("'{s}' is not a size (e.g. 64M, 1.5G, 4096)")))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(OptionError(format!("'{s}': unknown size unit '{unit}'"))),
    };
    let bytes = n * mult;
    if !bytes.is_finite() || bytes < 1.0 {
        return Err(OptionError(format!("'{s}' is not a positive size")));
    }
    Ok(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("512k").unwrap(), 512 * 1024);
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("2MiB").unwrap(), 2 << 20);
        assert_eq!(parse_size("1.5G").unwrap(), 3 << 29);
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let mut o = GcOptions::new();
        o.add_opt("nursery=4M").unwrap();
        assert!(o.check_known("generational", &["nursery"]).is_ok());
        o.add_opt("bogus=1").unwrap();
        let e = o.check_known("generational", &["nursery"]).unwrap_err();
        assert!(e.0.contains("bogus"), "{e}");
    }

    #[test]
    fn typed_getters() {
        let mut o = GcOptions::new();
        o.add_opt("nursery=2M").unwrap();
        o.add_opt("mature=marksweep").unwrap();
        o.add_opt("stress").unwrap();
        assert!(o.stress);
        assert_eq!(o.size("nursery", 0).unwrap(), 2 << 20);
        assert_eq!(o.size("absent", 7).unwrap(), 7);
        assert_eq!(
            o.choice("mature", &["marksweep", "copying"], "copying")
                .unwrap(),
            "marksweep"
        );
        assert!(o.choice("mature", &["copying"], "copying").is_err());
    }
}
