//! What the live walk found: the doctor's report (steps, the engine's decision with each
//! layer's verdict, the fixes), the suspects it could not read, and every call it made.

use serde::Serialize;
use server::diagnose::Report;

use crate::calls::Call;
use crate::observe::Observed;
use crate::verdict::Suspect;

#[derive(Debug, Serialize)]
pub struct LiveReport {
    #[serde(flatten)]
    pub report: Report,
    pub observed: Observed,
    /// AWS's simulator's verdict, when it could be asked.
    pub aws_simulator: Option<String>,
    /// Layers not read, the likeliest first, when the engine cannot account for the answer.
    pub suspects: Vec<Suspect>,
    /// Documents that were read but do not parse.
    pub unparsable: Vec<String>,
    pub calls: Vec<Call>,
    /// Access is denied: observed, or by the engine.
    pub denied: bool,
}

impl LiveReport {
    pub fn render(&self) -> String {
        let mut out = self.report.render();
        if !self.suspects.is_empty() {
            out.push_str("not read, the likeliest first:\n");
            for (i, s) in self.suspects.iter().enumerate() {
                out.push_str(&format!("  {}. [{}] {}\n", i + 1, s.layer, s.why));
            }
        }
        for u in &self.unparsable {
            out.push_str(&format!("  does not parse: {u}\n"));
        }
        out.push_str(&format!(
            "calls made ({}, all read-only):\n",
            self.calls.len()
        ));
        for c in &self.calls {
            let target = if c.target.is_empty() {
                String::new()
            } else {
                format!(" {}", c.target)
            };
            out.push_str(&format!("  {}{target}: {}\n", c.call, c.outcome));
        }
        out
    }
}
