//! Titled sections of text as a PDF a person can read: A4 pages, text wrapped
//! to the page, pages added as needed, each numbered. Payment providers take
//! dispute evidence as PDF, not as text or ZIP.
//!
//! Only the standard Helvetica fonts, which every PDF viewer has, so nothing
//! is embedded; their encoding (WinAnsi) covers Western European text, and a
//! character it lacks is shown as "?" instead of failing the document.

use super::evidence_summary::Section;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_X: f32 = 56.0;
const MARGIN_TOP: f32 = 56.0;
const MARGIN_BOTTOM: f32 = 60.0;
const FOOTER_Y: f32 = 32.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
/// Continuation lines of an entry sit this far right of its first line.
const INDENT: f32 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// Advance width of a WinAnsi byte, in thousandths of the font size.
    fn advance(self, byte: u8) -> u16 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        byte.checked_sub(32).map_or(0, |i| table[usize::from(i)])
    }

    fn width(self, size: f32, text: &[u8]) -> f32 {
        let units: u32 = text.iter().map(|b| u32::from(self.advance(*b))).sum();
        units as f32 * size / 1000.0
    }
}

#[derive(Debug, Clone, Copy)]
struct Style {
    font: Font,
    size: f32,
    /// 0 is black.
    gray: f32,
}

const TITLE: Style = Style {
    font: Font::Bold,
    size: 16.0,
    gray: 0.0,
};
const INTRO: Style = Style {
    font: Font::Regular,
    size: 10.0,
    gray: 0.3,
};
const HEADING: Style = Style {
    font: Font::Bold,
    size: 12.0,
    gray: 0.0,
};
const BODY: Style = Style {
    font: Font::Regular,
    size: 9.5,
    gray: 0.0,
};
const FOOTER: Style = Style {
    font: Font::Regular,
    size: 8.0,
    gray: 0.4,
};

impl Style {
    fn leading(self) -> f32 {
        self.size * 1.35
    }
}

/// One line of text where it goes on its page.
#[derive(Debug, Clone)]
struct Placed {
    x: f32,
    /// Baseline, from the bottom of the page.
    y: f32,
    style: Style,
    text: Vec<u8>,
}

/// Renders `title`, a few `intro` lines and the sections; `footer` is shown
/// with the page number at the foot of every page.
pub(crate) fn write(title: &str, intro: &[String], sections: &[Section], footer: &str) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.paragraph(title, TITLE, 0.0, 0.0);
    for line in intro {
        layout.paragraph(line, INTRO, 0.0, 0.0);
    }
    for section in sections {
        layout.gap(10.0);
        // A heading never ends a page on its own.
        layout.keep(HEADING.leading() + BODY.leading());
        layout.paragraph(&section.heading, HEADING, 0.0, 0.0);
        layout.gap(2.0);
        for entry in &section.entries {
            for (n, paragraph) in entry.split('\n').enumerate() {
                let first = if n == 0 { 0.0 } else { INDENT };
                layout.paragraph(paragraph, BODY, first, INDENT);
            }
            layout.gap(3.0);
        }
    }
    let mut pages = layout.pages;
    let count = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        page.push(Placed {
            x: MARGIN_X,
            y: FOOTER_Y,
            style: FOOTER,
            text: encode(&format!("{footer}, page {} of {count}", n + 1)),
        });
    }
    to_pdf(title, &pages)
}

/// Lines laid out top to bottom, page after page.
struct Layout {
    pages: Vec<Vec<Placed>>,
    /// Where the next line's top goes on the last page.
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: PAGE_HEIGHT - MARGIN_TOP,
        }
    }

    fn gap(&mut self, points: f32) {
        if self.pages.last().is_some_and(|p| !p.is_empty()) {
            self.y -= points;
        }
    }

    /// Starts a new page unless `height` still fits on this one.
    fn keep(&mut self, height: f32) {
        let page_started = self.pages.last().is_some_and(|p| !p.is_empty());
        if page_started && self.y - height < MARGIN_BOTTOM {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN_TOP;
        }
    }

    fn paragraph(&mut self, text: &str, style: Style, first_indent: f32, indent: f32) {
        let bytes = encode(text);
        let lines = wrap(
            &bytes,
            style,
            TEXT_WIDTH - first_indent,
            TEXT_WIDTH - indent,
        );
        for (n, line) in lines.into_iter().enumerate() {
            self.keep(style.leading());
            let x = MARGIN_X + if n == 0 { first_indent } else { indent };
            let baseline = self.y - style.size;
            self.y -= style.leading();
            let page = self.pages.last_mut().expect("a layout always has a page");
            page.push(Placed {
                x,
                y: baseline,
                style,
                text: line,
            });
        }
    }
}

/// Breaks WinAnsi text into lines no wider than `first` (the first line) and
/// `rest` (the others): at spaces, and inside a word only when the word alone
/// is too wide. An empty text is one empty line, so blank lines keep their
/// place.
fn wrap(text: &[u8], style: Style, first: f32, rest: f32) -> Vec<Vec<u8>> {
    let width = |t: &[u8]| style.font.width(style.size, t);
    let space = width(b" ");
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let limit = |done: usize| if done == 0 { first } else { rest };
    for word in text.split(|b| *b == b' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() {
            if width(&line) + space + width(word) <= limit(lines.len()) {
                line.push(b' ');
                line.extend_from_slice(word);
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        let mut word = word;
        while width(word) > limit(lines.len()) {
            let room = limit(lines.len());
            let mut used = 0.0;
            let fitting = word
                .iter()
                .take_while(|b| {
                    used += width(std::slice::from_ref(*b));
                    used <= room
                })
                .count();
            let cut = fitting.max(1);
            lines.push(word[..cut].to_vec());
            word = &word[cut..];
        }
        line.extend_from_slice(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The text in WinAnsi (Windows-1252), the encoding of the standard fonts;
/// a character it cannot show becomes "?", a tab a space, other control
/// characters nothing.
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(b' '),
            c if c.is_control() => None,
            c => Some(win_ansi(c).unwrap_or(b'?')),
        })
        .collect()
}

fn win_ansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0x20..0x7f).contains(&code) || (0xa0..=0xff).contains(&code) {
        return u8::try_from(code).ok();
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        // Look-alikes outside the encoding that are common in typed text.
        '\u{2010}' | '\u{2011}' | '\u{2212}' => b'-',
        '\u{2009}' | '\u{202f}' | '\u{2007}' => b' ',
        _ => return None,
    })
}

fn to_pdf(title: &str, pages: &[Vec<Placed>]) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    // Each page takes two ids: the page, then its content stream.
    let page_ref = |n: usize| Ref::new(6 + 2 * n as i32);
    let content_ref = |n: usize| Ref::new(7 + 2 * n as i32);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..pages.len()).map(page_ref))
        .count(pages.len() as i32);
    for (id, name) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("Reso"));
    for (n, lines) in pages.iter().enumerate() {
        let mut page = pdf.page(page_ref(n));
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree)
            .contents(content_ref(n));
        page.resources()
            .fonts()
            .pair(Font::Regular.resource(), regular)
            .pair(Font::Bold.resource(), bold);
        drop(page);
        let mut content = Content::new();
        for line in lines.iter().filter(|l| !l.text.is_empty()) {
            content
                .set_fill_gray(line.style.gray)
                .begin_text()
                .set_font(line.style.font.resource(), line.style.size)
                .next_line(line.x, line.y)
                .show(Str(&line.text))
                .end_text();
        }
        pdf.stream(content_ref(n), &content.finish());
    }
    pdf.finish()
}

/// Helvetica's advance widths for WinAnsi codes 32 to 255, from Adobe's
/// font metrics (codes the encoding leaves empty are never written).
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold's, likewise.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|w| w == &needle)
            .count()
    }

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(encode("2 × Mug – 12,50 €"), b"2 \xd7 Mug \x96 12,50 \x80");
        assert_eq!(encode("Zoë’s tent"), b"Zo\xeb\x92s tent");
        // Outside WinAnsi: replaced, never an error.
        assert_eq!(encode("Łódź 東京 🙂"), b"?\xf3d? ?? ?");
        assert_eq!(encode("a\tb\u{7}c"), b"a bc");
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        assert_eq!(
            Font::Regular.width(10.0, b"Mug"),
            (833 + 556 + 556) as f32 / 100.0
        );
        assert!(Font::Bold.width(10.0, b"Mug") > Font::Regular.width(10.0, b"Mug"));
    }

    #[test]
    fn lines_wrap_at_spaces_within_the_width() {
        let text = encode(&"The parcel was handed to the buyer in person. ".repeat(20));
        let lines = wrap(&text, BODY, TEXT_WIDTH, TEXT_WIDTH - INDENT);
        assert!(lines.len() > 5, "{}", lines.len());
        for (n, line) in lines.iter().enumerate() {
            let room = if n == 0 {
                TEXT_WIDTH
            } else {
                TEXT_WIDTH - INDENT
            };
            assert!(BODY.font.width(BODY.size, line) <= room);
            assert!(!line.starts_with(b" ") && !line.ends_with(b" "));
        }
        let words: Vec<&[u8]> = text
            .split(|b| *b == b' ')
            .filter(|w| !w.is_empty())
            .collect();
        let rejoined = lines.join(&b' ');
        let again: Vec<&[u8]> = rejoined.split(|b| *b == b' ').collect();
        assert_eq!(again, words, "no word lost or split");
    }

    #[test]
    fn a_word_wider_than_the_page_is_broken() {
        let token = "x".repeat(400);
        let lines = wrap(token.as_bytes(), BODY, TEXT_WIDTH, TEXT_WIDTH);
        assert!(lines.len() >= 2);
        assert_eq!(lines.concat(), token.as_bytes());
        assert!(lines
            .iter()
            .all(|l| BODY.font.width(BODY.size, l) <= TEXT_WIDTH));
        assert_eq!(
            wrap(b"", BODY, TEXT_WIDTH, TEXT_WIDTH),
            vec![Vec::<u8>::new()]
        );
    }

    #[test]
    fn long_documents_get_more_pages_each_numbered() {
        let entries = (1..=300).map(|n| format!("Event number {n}")).collect();
        let pdf = write(
            "Order E-1 at Shop",
            &["Prepared today".into()],
            &[Section::new("Timeline", entries)],
            "Evidence for order E-1",
        );
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
        let pages = count(&pdf, b"/Type /Page\n") + count(&pdf, b"/Type /Page ");
        assert!(pages >= 5, "{pages} pages");
        assert!(count(&pdf, format!("/Count {pages}").as_bytes()) == 1);
        let last = format!("(Evidence for order E-1, page {pages} of {pages})");
        assert_eq!(count(&pdf, last.as_bytes()), 1, "numbered footers");
        assert_eq!(count(&pdf, b"(Event number 300)"), 1);
    }
}
