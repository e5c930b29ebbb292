//! Figures drawn with plotters, each as SVG and PNG: time, GC time and
//! mutator time against heap factor (per benchmark and as geometric means),
//! pause-time CDFs, minimum mutator utilisation curves and minimum-heap
//! bars. Text uses DejaVu Sans embedded from the `dejavu` crate, so no
//! system fonts are needed.

use crate::record::factor_label;
use crate::report::{Point, complete_points, geomeans};
use crate::stats::{Summary, geomean};
use crate::sweep::MinHeaps;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Once;

/// Registers the embedded font as plotters' `sans-serif` (once).
pub fn init_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("plot: {e:?}")
}

/// Draws one figure twice, as `<name>.svg` and `<name>.png`.
macro_rules! render {
    ($dir:expr, $name:expr, $size:expr, $draw:expr) => {{
        let svg = $dir.join(format!("{}.svg", $name));
        {
            let root = SVGBackend::new(&svg, $size).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            $draw(&root)?;
            root.present().map_err(err)?;
        }
        let png = $dir.join(format!("{}.png", $name));
        {
            let root = BitMapBackend::new(&png, $size).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            $draw(&root)?;
            root.present().map_err(err)?;
        }
        Ok::<(), String>(())
    }};
}

/// A stable colour per configuration name.
fn colour(configs: &[String], config: &str) -> RGBColor {
    let i = configs.iter().position(|c| c == config).unwrap_or(0);
    let p = Palette99::pick(i);
    let (r, g, b) = p.rgb();
    RGBColor(r, g, b)
}

/// Chooses one statistic of a point.
type Pick = dyn Fn(&Point) -> Option<Summary>;

/// A series to draw against heap factor: swept points, or a flat line.
struct Series {
    name: String,
    /// `(factor, low, mean, high)`.
    swept: Vec<(f64, f64, f64, f64)>,
    /// Unbounded configurations: one value drawn across the x range.
    flat: Option<f64>,
}

fn series_of(points: &[&Point], pick: &Pick, configs: &[String]) -> Vec<Series> {
    let mut out = Vec::new();
    for c in configs {
        let mine: Vec<&&Point> = points.iter().filter(|p| &p.config == c).collect();
        let mut swept: Vec<(f64, f64, f64, f64)> = mine
            .iter()
            .filter_map(|p| {
                let s = pick(p)?;
                Some((p.factor?, s.ci_low, s.mean, s.ci_high))
            })
            .collect();
        swept.sort_by(|a, b| a.0.total_cmp(&b.0));
        let flat = mine
            .iter()
            .find(|p| p.factor.is_none())
            .and_then(|p| pick(p))
            .map(|s| s.mean);
        if !swept.is_empty() || flat.is_some() {
            out.push(Series {
                name: c.clone(),
                swept,
                flat,
            });
        }
    }
    out
}

fn x_range(factors: &[f64]) -> (f64, f64) {
    let lo = factors.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = factors.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.5, 2.5);
    }
    let pad = ((hi - lo) * 0.08).max(0.25);
    ((lo - pad).max(0.0), hi + pad)
}

/// One panel of value-against-heap-factor lines with confidence bars.
fn factor_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    series: &[Series],
    factors: &[f64],
    configs: &[String],
) -> Result<(), String> {
    let (x0, x1) = x_range(factors);
    let ymax = series
        .iter()
        .flat_map(|s| s.swept.iter().map(|p| p.3).chain(s.flat))
        .fold(0.0f64, f64::max);
    let ymax = if ymax > 0.0 { ymax * 1.12 } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(8)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("heap factor (× reference minimum heap)")
        .y_desc(y_desc)
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    if series.is_empty() {
        return Ok(());
    }
    for s in series {
        let c = colour(configs, &s.name);
        if let Some(v) = s.flat {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x0, v), (x1, v)],
                    6,
                    4,
                    c.stroke_width(2),
                ))
                .map_err(err)?
                .label(format!("{} (unbounded)", s.name))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
        }
        if !s.swept.is_empty() {
            chart
                .draw_series(LineSeries::new(
                    s.swept.iter().map(|p| (p.0, p.2)),
                    c.stroke_width(2),
                ))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
            chart
                .draw_series(
                    s.swept
                        .iter()
                        .map(|p| ErrorBar::new_vertical(p.0, p.1, p.2, p.3, c.stroke_width(1), 8)),
                )
                .map_err(err)?;
            chart
                .draw_series(
                    s.swept
                        .iter()
                        .map(|p| Circle::new((p.0, p.2), 3, c.filled())),
                )
                .map_err(err)?;
        }
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 12))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bench: &str,
    points: &[&Point],
    factors: &[f64],
    configs: &[String],
) -> Result<(), String> {
    let root = root
        .titled(
            &format!("{bench}: time vs heap factor (mean, 95% CI)"),
            ("sans-serif", 22),
        )
        .map_err(err)?;
    let panels = root.split_evenly((1, 3));
    let picks: [(&str, &Pick); 3] = [
        ("total (timed window)", &|p: &Point| p.time),
        ("GC", &|p: &Point| p.gc),
        ("mutator", &|p: &Point| p.mutator),
    ];
    for (area, (title, pick)) in panels.iter().zip(picks) {
        let series = series_of(points, pick, configs);
        factor_panel(area, title, "ms", &series, factors, configs)?;
    }
    Ok(())
}

fn summary_of(v: f64) -> Summary {
    Summary {
        n: 1,
        mean: v,
        median: v,
        stddev: 0.0,
        ci_low: v,
        ci_high: v,
        min: v,
        max: v,
    }
}

/// Per (config, factor): geometric means over benchmarks of total and
/// mutator time over the baseline's time, and the arithmetic mean of GC
/// time over the baseline's time (GC time can be zero). Only benchmarks
/// a configuration completed at every factor count, so each curve is over
/// one set of programs.
fn geomean_points(points: &[Point], baseline: &str) -> Vec<Point> {
    let points = &complete_points(points);
    let base: BTreeMap<&str, f64> = points
        .iter()
        .filter(|p| p.config == baseline && p.factor.is_none())
        .filter_map(|p| Some((p.benchmark.as_str(), p.time?.mean)))
        .collect();
    let mut groups: BTreeMap<(String, i64), Vec<&Point>> = BTreeMap::new();
    for p in points {
        groups
            .entry((p.config.clone(), p.factor.map_or(-1, |f| (f * 1e6) as i64)))
            .or_default()
            .push(p);
    }
    let total: BTreeMap<(String, i64), f64> = geomeans(points)
        .into_iter()
        .map(|(c, f, g, _)| ((c, f.map_or(-1, |f| (f * 1e6) as i64)), g))
        .collect();
    groups
        .into_iter()
        .map(|(k, ps)| {
            let rel = |pick: &dyn Fn(&Point) -> Option<f64>| -> Vec<f64> {
                ps.iter()
                    .filter_map(|p| Some(pick(p)? / base.get(p.benchmark.as_str())?))
                    .collect()
            };
            let mutator = geomean(&rel(&|p| p.mutator.map(|s| s.mean)));
            let gc = rel(&|p| p.gc.map(|s| s.mean));
            let gc = (!gc.is_empty()).then(|| gc.iter().sum::<f64>() / gc.len() as f64);
            let mut p = ps[0].clone();
            p.benchmark = "geomean".to_string();
            p.time = total.get(&k).copied().map(summary_of);
            p.mutator = mutator.map(summary_of);
            p.gc = gc.map(summary_of);
            p
        })
        .collect()
}

fn draw_geomean<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[&Point],
    factors: &[f64],
    configs: &[String],
    baseline: &str,
) -> Result<(), String> {
    let root = root
        .titled(
            &format!(
                "programs completed at every heap factor: time relative to {baseline} (geometric mean)"
            ),
            ("sans-serif", 22),
        )
        .map_err(err)?;
    let panels = root.split_evenly((1, 3));
    let picks: [(&str, &Pick); 3] = [
        ("total / baseline (geomean)", &|p: &Point| p.time),
        ("GC / baseline (mean)", &|p: &Point| p.gc),
        ("mutator / baseline (geomean)", &|p: &Point| p.mutator),
    ];
    for (area, (title, pick)) in panels.iter().zip(picks) {
        let series = series_of(points, pick, configs);
        factor_panel(
            area,
            title,
            &format!("× {baseline}"),
            &series,
            factors,
            configs,
        )?;
    }
    Ok(())
}

/// Lines of `(x, y)` per label, for the CDF and MMU plots.
type Curves = Vec<(String, String, Vec<(f64, f64)>)>;

fn draw_curves<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    curves: &Curves,
    configs: &[String],
) -> Result<(), String> {
    let xs = curves
        .iter()
        .flat_map(|c| c.2.iter().map(|p| p.0))
        .filter(|x| *x > 0.0);
    let (mut lo, mut hi) = xs.fold((f64::INFINITY, 0.0f64), |(l, h), x| (l.min(x), h.max(x)));
    if !lo.is_finite() || hi <= lo {
        lo = 0.01;
        hi = lo.max(hi) * 10.0 + 1.0;
    }
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d((lo * 0.8..hi * 1.25).log_scale(), 0.0..1.02)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(8)
        .x_label_formatter(&|v| short_number(*v))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    if curves.is_empty() {
        root.draw(&Text::new(
            "no pauses recorded",
            (
                root.dim_in_pixel().0 as i32 / 2 - 60,
                root.dim_in_pixel().1 as i32 / 2,
            ),
            ("sans-serif", 18),
        ))
        .map_err(err)?;
        return Ok(());
    }
    // Distinguish factors of one collector by line width.
    let mut widths: BTreeMap<&str, u32> = BTreeMap::new();
    for (config, label, pts) in curves {
        let c = colour(configs, config);
        let w = widths.entry(config.as_str()).or_insert(0);
        *w += 1;
        let style = c
            .mix(1.0 - 0.15 * (*w as f64 - 1.0).min(4.0))
            .stroke_width(*w.min(&mut 4));
        chart
            .draw_series(LineSeries::new(
                pts.iter().copied().filter(|p| p.0 > 0.0),
                style,
            ))
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 12))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_minheap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    mins: &MinHeaps,
    configs: &[String],
) -> Result<(), String> {
    let benches: Vec<&String> = mins.by_benchmark.keys().collect();
    let cols: Vec<String> = {
        let mut s = BTreeSet::new();
        mins.by_benchmark
            .values()
            .flat_map(|m| m.keys())
            .filter(|c| s.insert((*c).clone()))
            .cloned()
            .collect()
    };
    let vals: Vec<f64> = mins
        .by_benchmark
        .values()
        .flat_map(|m| m.values().filter_map(|o| o.min_heap))
        .map(|b| b as f64 / 1048576.0)
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(0.0f64, f64::max);
    let (lo, hi) = if lo.is_finite() {
        (lo / 2.0, hi * 1.5)
    } else {
        (0.1, 10.0)
    };
    let n = benches.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(
            "minimum heap per benchmark and collector",
            ("sans-serif", 20),
        )
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(150)
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..n)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("MiB (log scale)")
        .x_labels(8)
        .x_label_formatter(&|v| short_number(*v))
        .disable_y_mesh()
        .y_labels(0)
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    let k = cols.len().max(1) as f64;
    for (ci, c) in cols.iter().enumerate() {
        let colr = colour(configs, c);
        let bars: Vec<Rectangle<(f64, f64)>> = benches
            .iter()
            .enumerate()
            .filter_map(|(bi, b)| {
                let v = mins.by_benchmark[*b].get(c)?.min_heap? as f64 / 1048576.0;
                let y0 = bi as f64 + 0.1 + 0.8 * ci as f64 / k;
                let y1 = y0 + 0.8 / k;
                Some(Rectangle::new([(lo, y0), (v, y1)], colr.filled()))
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(err)?
            .label(c.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], colr.filled()));
    }
    for (bi, b) in benches.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(lo, bi as f64 + 0.5));
        root.draw(&Text::new(
            b.to_string(),
            (px - 6, py),
            ("sans-serif", 13)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", 12))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(err)?;
    Ok(())
}

/// A tick label with at most three significant digits.
fn short_number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes every figure of a sweep into `dir`.
pub fn write_plots(
    dir: &Path,
    points: &[Point],
    mins: &MinHeaps,
    baseline: &str,
) -> Result<(), String> {
    init_fonts();
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut configs: Vec<String> = Vec::new();
    for p in points {
        if !configs.contains(&p.config) {
            configs.push(p.config.clone());
        }
    }
    for c in mins.by_benchmark.values().flat_map(|m| m.keys()) {
        if !configs.contains(c) {
            configs.push(c.clone());
        }
    }
    configs.sort();
    let factors: Vec<f64> = {
        let mut f: Vec<f64> = points.iter().filter_map(|p| p.factor).collect();
        f.sort_by(f64::total_cmp);
        f.dedup();
        f
    };
    let mut benches: Vec<&str> = points.iter().map(|p| p.benchmark.as_str()).collect();
    benches.dedup();
    let benches: BTreeSet<&str> = benches.into_iter().collect();
    for b in &benches {
        let mine: Vec<&Point> = points.iter().filter(|p| p.benchmark == *b).collect();
        render!(
            dir,
            format!("time-{}", safe(b)),
            (1500, 480),
            |a| draw_time(a, b, &mine, &factors, &configs)
        )?;
        let mut cdfs: Curves = Vec::new();
        let mut mmus: Curves = Vec::new();
        for p in &mine {
            let label = format!("{} {}", p.config, factor_label(p.factor));
            if !p.pause_pool.is_empty() {
                let n = p.pause_pool.len() as f64;
                let pts = p
                    .pause_pool
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (*v, (i + 1) as f64 / n))
                    .collect();
                cdfs.push((p.config.clone(), label.clone(), pts));
            }
            if p.pauses > 0 && !p.mmu.is_empty() {
                mmus.push((p.config.clone(), label, p.mmu.clone()));
            }
        }
        render!(dir, format!("pause-cdf-{}", safe(b)), (800, 520), |a| {
            draw_curves(
                a,
                &format!("{b}: pause time CDF (timed window)"),
                "pause (ms, log scale)",
                "fraction of pauses ≤ x",
                &cdfs,
                &configs,
            )
        })?;
        render!(
            dir,
            format!("mmu-{}", safe(b)),
            (800, 520),
            |a| draw_curves(
                a,
                &format!("{b}: minimum mutator utilisation"),
                "window (ms, log scale)",
                "MMU",
                &mmus,
                &configs
            )
        )?;
    }
    let g = geomean_points(points, baseline);
    let g_refs: Vec<&Point> = g.iter().collect();
    render!(dir, "time-geomean", (1500, 480), |a| draw_geomean(
        a, &g_refs, &factors, &configs, baseline
    ))?;
    let height = (120 + 28 * mins.by_benchmark.len() as u32).max(300);
    render!(dir, "minheap", (900, height), |a| draw_minheap(
        a, mins, &configs
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(short_number(0.230000000001), "0.23");
        assert_eq!(short_number(1234.6), "1235");
        assert_eq!(short_number(2.0), "2");
        assert_eq!(short_number(0.0125), "0.0125");
    }
}
