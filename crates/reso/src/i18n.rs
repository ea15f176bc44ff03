//! Buyer-facing text in English, Italian, French, Spanish and German, from
//! Fluent files (`i18n/<locale>/pages.ftl` for pages, `mail.ftl` for e-mails),
//! compiled into the binary.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;

pub const LOCALES: &[&str] = &["en", "it", "fr", "es", "de"];

const SOURCES: &[(&str, [&str; 2])] = &[
    (
        "en",
        [
            include_str!("../i18n/en/pages.ftl"),
            include_str!("../i18n/en/mail.ftl"),
        ],
    ),
    (
        "it",
        [
            include_str!("../i18n/it/pages.ftl"),
            include_str!("../i18n/it/mail.ftl"),
        ],
    ),
    (
        "fr",
        [
            include_str!("../i18n/fr/pages.ftl"),
            include_str!("../i18n/fr/mail.ftl"),
        ],
    ),
    (
        "es",
        [
            include_str!("../i18n/es/pages.ftl"),
            include_str!("../i18n/es/mail.ftl"),
        ],
    ),
    (
        "de",
        [
            include_str!("../i18n/de/pages.ftl"),
            include_str!("../i18n/de/mail.ftl"),
        ],
    ),
];

pub struct Translations {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl Translations {
    /// Parses every locale; a broken file is a bug caught by the tests, not at run time.
    pub fn load() -> Result<Self, String> {
        let mut bundles = HashMap::new();
        for (locale, sources) in SOURCES {
            let lang: LanguageIdentifier = locale.parse().map_err(|e| format!("{locale}: {e}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // Unicode isolation marks around arguments break plain-text mail and tests.
            bundle.set_use_isolating(false);
            for source in sources {
                let resource = FluentResource::try_new(source.to_string())
                    .map_err(|(_, errors)| format!("{locale}: {errors:?}"))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| format!("{locale}: {errors:?}"))?;
            }
            bundles.insert(*locale, bundle);
        }
        Ok(Translations { bundles })
    }

    /// The best supported locale for a requested one ("de-CH" → "de"), else English.
    pub fn pick(requested: &str) -> &'static str {
        let primary = requested
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        LOCALES
            .iter()
            .copied()
            .find(|l| *l == primary)
            .unwrap_or("en")
    }

    /// The first supported language of an Accept-Language header.
    pub fn from_accept_language(header: &str) -> &'static str {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .map(str::trim)
            .find_map(|tag| {
                let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
                LOCALES.iter().copied().find(|l| *l == primary)
            })
            .unwrap_or("en")
    }

    /// The message `id` in `locale`, falling back to English, then to the id itself.
    pub fn text(&self, locale: &str, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let fargs = if args.is_empty() {
            None
        } else {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                a.set(*k, v.clone());
            }
            Some(a)
        };
        for loc in [Self::pick(locale), "en"] {
            let Some(bundle) = self.bundles.get(loc) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, fargs.as_ref(), &mut errors)
                .into_owned();
        }
        id.to_string()
    }

    /// Every message id of a locale (for the completeness test).
    pub fn ids(&self, locale: &str) -> Vec<String> {
        let sources = SOURCES
            .iter()
            .find(|(l, _)| *l == locale)
            .map_or([""; 2], |(_, s)| *s);
        sources
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim()))
            .filter(|id| {
                !id.is_empty()
                    && !id.starts_with('#')
                    && !id.starts_with(' ')
                    && !id.starts_with('.')
            })
            .map(str::to_string)
            .collect()
    }
}

/// A translator bound to one locale, for templates.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub translations: &'a Translations,
    pub locale: &'static str,
}

impl<'a> Tr<'a> {
    pub fn new(translations: &'a Translations, locale: &str) -> Self {
        Tr {
            translations,
            locale: Translations::pick(locale),
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.translations.text(self.locale, id, &[])
    }

    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.translations.text(
            self.locale,
            id,
            &[(name, FluentValue::from(value.to_string()))],
        )
    }
}
