//! A plain-text PDF: A4 pages of Helvetica lines. Adyen takes defense
//! material only as documents (PDF, JPEG, TIFF), never as text fields, so the
//! merchant's statement and the dispute's facts travel as such a document,
//! and so do text files of the evidence pack. Hand-written rather than a PDF
//! crate: one font, no images, a few dozen lines.

use std::fmt::Write as _;

const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 50;
const FONT_SIZE: u32 = 10;
const LEADING: u32 = 14;
/// Helvetica at 10 pt averages under 5.5 pt a character: 88 fit in 495 pt.
const CHARS_PER_LINE: usize = 88;
const LINES_PER_PAGE: usize = ((PAGE_HEIGHT - 2 * MARGIN - 2 * LEADING) / LEADING) as usize;

/// A PDF showing `title` in bold and then `text`, wrapped at word
/// boundaries, over as many pages as it takes.
pub fn text_pdf(title: &str, text: &str) -> Vec<u8> {
    let lines: Vec<String> = text.lines().flat_map(wrap).collect();
    let pages: Vec<&[String]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(LINES_PER_PAGE).collect()
    };

    // Objects: 1 catalog, 2 page tree, 3 regular font, 4 bold font, then a
    // page and its content stream for each page.
    let page_ids: Vec<usize> = (0..pages.len()).map(|i| 5 + 2 * i).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            page_ids
                .iter()
                .map(|id| format!("{id} 0 R"))
                .collect::<Vec<_>>()
                .join(" "),
            pages.len()
        )
        .into_bytes(),
        font("Helvetica"),
        font("Helvetica-Bold"),
    ];
    for (i, page_lines) in pages.iter().enumerate() {
        let content = page_content(if i == 0 { Some(title) } else { None }, page_lines);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                page_ids[i] + 1
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(&content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }

    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(object);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = pdf.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(xref, "{offset:010} 00000 n ");
    }
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    );
    pdf.extend_from_slice(xref.as_bytes());
    pdf
}

fn font(name: &str) -> Vec<u8> {
    format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>")
        .into_bytes()
}

fn page_content(title: Option<&str>, lines: &[String]) -> Vec<u8> {
    let mut content = format!(
        "BT\n{LEADING} TL\n{MARGIN} {} Td\n",
        PAGE_HEIGHT - MARGIN - LEADING
    )
    .into_bytes();
    if let Some(title) = title {
        content.extend_from_slice(b"/F2 13 Tf\n");
        content.extend_from_slice(&literal(title));
        content.extend_from_slice(b" Tj T* T*\n");
    }
    content.extend_from_slice(format!("/F1 {FONT_SIZE} Tf\n").as_bytes());
    for line in lines {
        content.extend_from_slice(&literal(line));
        content.extend_from_slice(b" Tj T*\n");
    }
    content.extend_from_slice(b"ET");
    content
}

/// `text` as a PDF string literal in WinAnsi, bytes outside ASCII as octal
/// escapes; characters the encoding lacks become `?`.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        match win_ansi(c) {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', win_ansi(c)]),
            b @ 0x20..=0x7E => out.push(b),
            b => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
    out.push(b')');
    out
}

fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{A0}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '\t' => b' ',
        _ => b'?',
    }
}

/// One text line as page lines of at most `CHARS_PER_LINE` characters,
/// broken at spaces where it can be.
fn wrap(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let mut word = word.to_string();
        while word.chars().count() > CHARS_PER_LINE {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            let cut: String = word.chars().take(CHARS_PER_LINE).collect();
            word = word.chars().skip(CHARS_PER_LINE).collect();
            out.push(cut);
        }
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > CHARS_PER_LINE && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_whose_cross_reference_points_at_its_objects() {
        let pdf = text_pdf("Statement (dispute 1)", "Order #1001\nAmount: 12.50 €");
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(pdf[start..].starts_with(b"xref\n0 7\n"));
        // Every in-use entry points at "n 0 obj".
        let table = std::str::from_utf8(&pdf[start..]).unwrap();
        let entries = table.lines().skip(3).take(6);
        for (i, entry) in entries.enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            assert!(pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
        // Parentheses escaped, the euro sign in WinAnsi.
        assert!(text.contains("(Statement \\(dispute 1\\))"));
        assert!(text.contains("(Amount: 12.50 \\200)"));
    }

    #[test]
    fn long_text_wraps_and_runs_over_pages() {
        let long = "word ".repeat(40);
        let wrapped = wrap(long.trim_end());
        assert!(wrapped.len() >= 2);
        assert!(wrapped.iter().all(|l| l.chars().count() <= CHARS_PER_LINE));
        assert_eq!(wrap(&"x".repeat(200)).len(), 3);

        let text = (1..=LINES_PER_PAGE + 5)
            .map(|n| format!("line {n}"))
            .collect::<Vec<_>>()
            .join("\n");
        let pdf = text_pdf("Long", &text);
        assert!(String::from_utf8_lossy(&pdf).contains("/Count 2"));
    }
}
