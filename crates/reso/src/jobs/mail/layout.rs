//! A `Letter` laid out twice: plain text, and HTML through an askama template
//! (escaped by default, inline styles because mail clients drop style sheets).

use super::compose::Letter;
use askama::Template;

#[derive(Template)]
#[template(path = "mail/letter.html")]
struct LetterHtml<'a> {
    l: &'a Letter,
}

pub fn html(letter: &Letter) -> Result<String, askama::Error> {
    LetterHtml { l: letter }.render()
}

/// Multi-line values go under their label, indented, so addresses stay readable.
fn push_fact(out: &mut String, label: &str, value: &str) {
    let mut lines = value.lines();
    match (lines.next(), value.contains('\n')) {
        (Some(first), false) => out.push_str(&format!("{label}: {first}\n")),
        _ => {
            out.push_str(&format!("{label}:\n"));
            for line in value.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
}

pub fn text(l: &Letter) -> String {
    let mut out = format!("{}\n\n", l.greeting);
    for p in &l.paragraphs {
        out.push_str(&format!("{p}\n\n"));
    }
    if let Some(heading) = &l.steps_heading {
        out.push_str(&format!("{heading}\n"));
        for (i, step) in l.steps.iter().enumerate() {
            out.push_str(&format!("{}. {step}\n", i + 1));
        }
        out.push('\n');
    }
    if !l.facts.is_empty() {
        for f in &l.facts {
            push_fact(&mut out, &f.label, &f.value);
        }
        out.push('\n');
    }
    if let Some(a) = &l.action {
        out.push_str(&format!("{}:\n{}\n\n", a.label, a.url));
    }
    for p in &l.closing {
        out.push_str(&format!("{p}\n\n"));
    }
    out.push_str(&format!("{}\n{}\n", l.signoff, l.signature));
    if let Some(s) = &l.support {
        out.push_str(&format!("\n-- \n{}\n", s.heading));
        for f in s.lines.iter().chain(&s.url) {
            push_fact(&mut out, &f.label, &f.value);
        }
    }
    out.push_str(&format!("\n{}\n", l.footer));
    out
}
