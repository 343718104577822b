//! What an import did: counts per section, every call the export skipped (unknown, not none:
//! the import cannot know what production has there), what it refused and why, and what it
//! could only approximate — as data (`--json`) and for a person.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::manifest::Manifest;

/// The sections, in the order they are imported and shown.
pub const SECTIONS: [&str; 5] = ["accounts", "iam", "s3", "organizations", "kms"];

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub data_dir: String,
    pub account: String,
    pub region: String,
    pub exported_by: String,
    pub exported_at: String,
    pub aws_cli: String,
    /// Section → what → how many were imported.
    pub imported: BTreeMap<&'static str, BTreeMap<&'static str, usize>>,
    /// Every call the export skipped, and what that leaves unknown.
    pub unknown: Vec<Unknown>,
    /// What the export holds that was not imported, and why.
    pub refused: Vec<Note>,
    /// What was imported, but not exactly as production has it.
    pub approximated: Vec<Note>,
}

#[derive(Debug, Serialize)]
pub struct Unknown {
    pub call: String,
    pub target: String,
    pub error: String,
    pub meaning: String,
}

#[derive(Debug, Serialize)]
pub struct Note {
    pub section: &'static str,
    pub what: String,
    pub why: String,
}

impl ImportReport {
    pub fn new(manifest: &Manifest, data_dir: &std::path::Path) -> ImportReport {
        ImportReport {
            data_dir: data_dir.display().to_string(),
            account: manifest.account.clone(),
            region: manifest.region.clone(),
            exported_by: manifest.exported_by.clone(),
            exported_at: manifest.time.clone(),
            aws_cli: manifest.aws_cli.clone(),
            imported: SECTIONS.iter().map(|s| (*s, BTreeMap::new())).collect(),
            unknown: manifest
                .skipped
                .iter()
                .map(|s| Unknown {
                    call: s.call.clone(),
                    target: s.target.clone(),
                    error: s.error.clone(),
                    meaning: super::unknown::meaning(s, &manifest.region),
                })
                .collect(),
            refused: Vec::new(),
            approximated: Vec::new(),
        }
    }

    /// One more `what` imported in `section`.
    pub fn count(&mut self, section: &'static str, what: &'static str) {
        self.add(section, what, 1);
    }

    pub fn add(&mut self, section: &'static str, what: &'static str, n: usize) {
        *self
            .imported
            .entry(section)
            .or_default()
            .entry(what)
            .or_default() += n;
    }

    pub fn refuse(
        &mut self,
        section: &'static str,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.refused.push(Note {
            section,
            what: what.into(),
            why: why.into(),
        });
    }

    pub fn approximate(
        &mut self,
        section: &'static str,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.approximated.push(Note {
            section,
            what: what.into(),
            why: why.into(),
        });
    }

    /// For a person: what was imported, then what is unknown, refused and approximated.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "imported account {} ({}) into {}: exported {} by {} ({})",
            self.account,
            self.region,
            self.data_dir,
            self.exported_at,
            self.exported_by,
            self.aws_cli
        );
        for section in SECTIONS {
            let counts = self.imported.get(section).map(|c| {
                c.iter()
                    .map(|(what, n)| format!("{n} {what}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let counts = counts
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "nothing".into());
            let _ = writeln!(out, "  {:<15}{counts}", format!("{section}:"));
        }
        let _ = writeln!(
            out,
            "unknown ({} calls skipped by the export):",
            self.unknown.len()
        );
        for u in &self.unknown {
            let _ = writeln!(out, "  {}", u.meaning);
        }
        for (title, notes) in [
            ("refused", &self.refused),
            ("approximated", &self.approximated),
        ] {
            let _ = writeln!(out, "{title} ({}):", notes.len());
            for n in notes {
                let _ = writeln!(out, "  {}: {}: {}", n.section, n.what, n.why);
            }
        }
        out
    }
}
