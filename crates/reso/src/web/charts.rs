//! Charts as SVG drawn on the server (plotters' SVG backend): horizontal bars,
//! one per labelled value, with the value written at the end of its bar. The
//! SVG scales to its container's width (a `viewBox`, `width="100%"`), is one
//! image to assistive technology (`role="img"`, a label, a `<title>`), and
//! uses presentation attributes only: the CSP allows no inline styles.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The drawing's own width; the page scales it to the screen.
const WIDTH: u32 = 440;
const BAR_HEIGHT: u32 = 34;
const AXIS_HEIGHT: u32 = 34;
const FONT_SIZE: u32 = 18;
const LABEL_WIDTH: u32 = 165;
/// Bars in the control center's accent blue; text dark enough on white.
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xbf);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

pub struct Bar {
    pub label: String,
    pub value: i64,
}

/// A horizontal bar chart; `show` writes a value (at the bars' ends and on
/// the axis), e.g. "12.5 %" for basis points.
pub fn bars(title: &str, bars: &[Bar], show: &dyn Fn(i64) -> String) -> String {
    let n = bars.len().max(1) as u32;
    let height = n * BAR_HEIGHT + AXIS_HEIGHT + 10;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    // Room after the longest bar for its value.
    let x_end = max + max / 3 + 1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        if let Err(e) = draw(&root, bars, n, x_end, show) {
            tracing::error!(error = %e, chart = title, "chart could not be drawn");
        }
        let _ = root.present();
    }
    accessible(svg, title)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(
    root: &Area<'_>,
    bars: &[Bar],
    n: u32,
    x_end: i64,
    show: &dyn Fn(i64) -> String,
) -> Result<(), String> {
    let font = ("sans-serif", FONT_SIZE).into_font().color(&INK);
    // Each bar is two units high, so that its middle is a whole unit; the
    // first bar is drawn on top.
    let rows = i32::try_from(n).unwrap_or(i32::MAX);
    let mut chart = ChartBuilder::on(root)
        .margin_right(12)
        .margin_top(6)
        .x_label_area_size(AXIS_HEIGHT)
        .y_label_area_size(LABEL_WIDTH)
        .build_cartesian_2d(0..x_end, 0..2 * rows)
        .map_err(failed)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        // The bars carry their own labels (plotters needs at least one key point).
        .y_labels(1)
        .y_label_formatter(&|_| String::new())
        .x_labels(5)
        .x_max_light_lines(2)
        .x_label_formatter(&|v| show(*v))
        .label_style(font.clone())
        .axis_style(INK)
        .light_line_style(RGBColor(0xe4, 0xe4, 0xe4))
        .bold_line_style(RGBColor(0xcc, 0xcc, 0xcc))
        .draw()
        .map_err(failed)?;
    let label_font = font.pos(Pos::new(HPos::Right, VPos::Center));
    let value_font = font.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, bar) in bars.iter().enumerate() {
        let row = rows - 1 - i32::try_from(i).unwrap_or(rows - 1);
        let value = bar.value.max(0);
        // A small gap between neighbouring bars.
        let (left, top) = chart.backend_coord(&(0, 2 * row + 2));
        let (right, bottom) = chart.backend_coord(&(value, 2 * row));
        root.draw(&Rectangle::new(
            [(left, top + 3), (right, bottom - 3)],
            BAR.filled(),
        ))
        .map_err(failed)?;
        let (_, middle) = chart.backend_coord(&(0, 2 * row + 1));
        root.draw(&Text::new(
            shorten(&bar.label),
            (left - 8, middle),
            label_font.clone(),
        ))
        .map_err(failed)?;
        root.draw(&Text::new(
            show(bar.value),
            (right + 6, middle),
            value_font.clone(),
        ))
        .map_err(failed)?;
    }
    Ok(())
}

fn failed(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Long SKUs would push the bars off the drawing.
fn shorten(label: &str) -> String {
    const MAX: usize = 19;
    if label.chars().count() <= MAX {
        return label.to_string();
    }
    let mut s: String = label.chars().take(MAX - 1).collect();
    s.push('…');
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The root element rewritten to scale with the page and name the chart.
fn accessible(svg: String, title: &str) -> String {
    let Some(open_end) = svg.find('>') else {
        return svg;
    };
    let root = &svg[..open_end];
    let view_box = root
        .split("viewBox=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("0 0 440 100");
    let title = escape(title);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{view_box}\" width=\"100%\" \
         preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-label=\"{title}\" class=\"chart\">\
         <title>{title}</title>{}",
        &svg[open_end + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> String {
        let data = [
            Bar {
                label: "SKU <1> & co".into(),
                value: 2_500,
            },
            Bar {
                label: "B".into(),
                value: 0,
            },
        ];
        bars("Return rate by SKU", &data, &|v| format!("{v} bp"))
    }

    #[test]
    fn the_chart_scales_names_itself_and_escapes_labels() {
        let svg = chart();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 440 "));
        assert!(svg.contains("width=\"100%\""));
        assert!(svg.contains("role=\"img\" aria-label=\"Return rate by SKU\""));
        assert!(svg.contains("<title>Return rate by SKU</title>"));
        assert!(svg.contains("SKU &lt;1&gt; &amp; co"));
        assert!(!svg.contains("<1>"));
        assert!(!svg.contains("style="), "the CSP forbids inline styles");
        assert!(svg.contains("2500 bp"));
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn each_value_is_a_bar() {
        let svg = chart();
        // One filled rectangle per bar; the zero bar has no width.
        assert_eq!(svg.matches("fill=\"#1F5FBF\"").count(), 2);
    }
}
