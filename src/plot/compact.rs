//! Merges runs of like shapes in plotters' SVG output into single `<path>` elements.
//!
//! plotters' SVG backend writes one element per marker and per segment: the alignment view at
//! 400 features is about 1,250 elements, and redrawing it took about 20 ms of the page's main
//! thread per frame of the training animation (parsing, style and layout scale with the element
//! count, not with the picture). Consecutive `<polyline>`, `<polygon>` or `<circle>` elements
//! whose other attributes are identical become one `<path>` with the same attributes, drawn in
//! the same order, so the picture is the same; one visible difference is that overlapping parts
//! of one merged semi-transparent path are painted once rather than darkened twice. Anything
//! else (text, rectangles, a run of one) passes through unchanged. Written here because it
//! depends on the exact text plotters writes (one element per line), which its tests pin.

/// One shape of a run: its kind, the attributes that must match, and its path commands.
struct Shape<'a> {
    key: (&'static str, &'a str, &'a str),
    d: String,
}

/// `x,y x,y ...` as `M x y L x y ...` (and a closing `Z` for polygons).
fn points_path(points: &str, close: bool) -> Option<String> {
    let mut d = String::new();
    for (k, pair) in points.split_whitespace().enumerate() {
        let (x, y) = pair.split_once(',')?;
        d.push_str(if k == 0 { "M" } else { " L" });
        d.push_str(&format!(" {x} {y}"));
    }
    if d.is_empty() {
        return None;
    }
    if close {
        d.push_str(" Z");
    }
    Some(d)
}

/// The value of `name="..."` at the start of `s`, and the rest after it and one space.
fn attr<'a>(s: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let s = s.strip_prefix(name)?.strip_prefix("=\"")?;
    let (value, rest) = s.split_once('"')?;
    Some((value, rest.strip_prefix(' ').unwrap_or(rest)))
}

fn parse(line: &str) -> Option<Shape<'_>> {
    let body = line.strip_suffix("/>")?;
    if let Some(rest) = body.strip_prefix("<polyline ").or_else(|| body.strip_prefix("<polygon ")) {
        let kind = if body.starts_with("<polyline") { "polyline" } else { "polygon" };
        let (attrs, points) = rest.split_once(" points=\"")?;
        let points = points.strip_suffix('"')?;
        return Some(Shape { key: (kind, "", attrs), d: points_path(points, kind == "polygon")? });
    }
    let rest = body.strip_prefix("<circle ")?;
    let (cx, rest) = attr(rest, "cx")?;
    let (cy, rest) = attr(rest, "cy")?;
    let (r, attrs) = attr(rest, "r")?;
    let (x, y, rad): (f64, f64, f64) = (cx.parse().ok()?, cy.parse().ok()?, r.parse().ok()?);
    let d = format!("M {} {y} a {rad} {rad} 0 1 0 {} 0 a {rad} {rad} 0 1 0 {} 0 Z", x - rad, 2.0 * rad, -2.0 * rad);
    Some(Shape { key: ("circle", r, attrs.trim_end()), d })
}

/// Writes a run: its one original line, or one path for two or more shapes.
fn flush(out: &mut String, run: &mut Vec<(Shape<'_>, &str)>) {
    match run.len() {
        0 => {}
        1 => {
            out.push_str(run[0].1);
            out.push('\n');
        }
        _ => {
            let d: Vec<&str> = run.iter().map(|(s, _)| s.d.as_str()).collect();
            out.push_str(&format!("<path d=\"{}\" {}/>\n", d.join(" "), run[0].0.key.2));
        }
    }
    run.clear();
}

/// The SVG with every run of two or more like shapes merged into one path.
pub(crate) fn merge_shapes(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut run: Vec<(Shape<'_>, &str)> = Vec::new();
    for line in svg.lines() {
        match parse(line) {
            Some(shape) if run.last().is_none_or(|(last, _)| last.key == shape.key) => run.push((shape, line)),
            Some(shape) => {
                flush(&mut out, &mut run);
                run.push((shape, line));
            }
            None => {
                flush(&mut out, &mut run);
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    flush(&mut out, &mut run);
    out
}

#[cfg(test)]
mod tests {
    use super::merge_shapes;

    #[test]
    fn runs_of_like_shapes_become_one_path_and_the_rest_is_kept() {
        let svg = "<svg>\n\
            <polyline fill=\"none\" opacity=\"0.7\" stroke=\"#969696\" stroke-width=\"1\" points=\"1,2 3,4 \"/>\n\
            <polyline fill=\"none\" opacity=\"0.7\" stroke=\"#969696\" stroke-width=\"1\" points=\"5,6 7,8 \"/>\n\
            <polyline fill=\"none\" opacity=\"1\" stroke=\"#000000\" stroke-width=\"1\" points=\"0,0 9,9 \"/>\n\
            <circle cx=\"10\" cy=\"20\" r=\"3\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\" stroke-width=\"1\"/>\n\
            <circle cx=\"30\" cy=\"40\" r=\"3\" opacity=\"1\" fill=\"#0072B2\" stroke=\"none\" stroke-width=\"1\"/>\n\
            <polygon opacity=\"1\" fill=\"#D55E00\" points=\"1,1 2,3 0,3 \"/>\n\
            <polygon opacity=\"1\" fill=\"#D55E00\" points=\"5,5 6,7 4,7 \"/>\n\
            <text x=\"1\">a</text>\n\
            </svg>";
        let out = merge_shapes(svg);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 7, "{out}");
        assert_eq!(
            lines[1],
            "<path d=\"M 1 2 L 3 4 M 5 6 L 7 8\" fill=\"none\" opacity=\"0.7\" stroke=\"#969696\" stroke-width=\"1\"/>"
        );
        // A run of one stays as written.
        assert_eq!(lines[2], svg.lines().nth(3).unwrap());
        assert_eq!(
            lines[3],
            "<path d=\"M 7 20 a 3 3 0 1 0 6 0 a 3 3 0 1 0 -6 0 Z M 27 40 a 3 3 0 1 0 6 0 a 3 3 0 1 0 -6 0 Z\" \
             opacity=\"1\" fill=\"#0072B2\" stroke=\"none\" stroke-width=\"1\"/>"
        );
        assert_eq!(lines[4], "<path d=\"M 1 1 L 2 3 L 0 3 Z M 5 5 L 6 7 L 4 7 Z\" opacity=\"1\" fill=\"#D55E00\"/>");
        assert_eq!(&lines[5..], ["<text x=\"1\">a</text>", "</svg>"]);
    }

    #[test]
    fn malformed_shapes_pass_through() {
        for line in ["<circle cx=\"a\" cy=\"1\" r=\"2\"/>", "<polyline points=\"1;2\"/>", "<polygon fill=\"x\"/>"] {
            let svg = format!("{line}\n{line}\n");
            assert_eq!(merge_shapes(&svg), svg);
        }
    }
}
