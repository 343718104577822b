//! What the doctor found: the walk's steps, the decision with each layer's verdict, and the
//! fixes with the decision each leads to — as data (`--json`) and for a person.

use std::fmt::Write;

use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub caller: Option<CallerLine>,
    pub steps: Vec<Step>,
    pub decision: Option<DecisionLine>,
    /// Each policy consulted, in evaluation order, and what it said.
    pub layers: Vec<LayerLine>,
    /// Why each `Allow` that names the action did not grant (its resource or conditions).
    pub near_misses: Vec<String>,
    /// The smallest fix first; each re-evaluated with the ones before it applied.
    pub fixes: Vec<Fix>,
    pub allowed: bool,
}

#[derive(Debug, Serialize)]
pub struct CallerLine {
    pub arn: String,
    pub account: String,
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub ok: bool,
    pub finding: String,
}

#[derive(Debug, Serialize)]
pub struct DecisionLine {
    pub action: String,
    pub resource: String,
    pub decision: String,
    pub denied_by: Option<String>,
    pub policy: Option<String>,
    pub statement: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LayerLine {
    pub layer: String,
    pub policy: String,
    pub result: String,
}

#[derive(Debug, Serialize)]
pub struct Fix {
    /// What to do, and where.
    pub what: String,
    /// The statement to add, or the one to remove, as JSON.
    pub statement: Option<serde_json::Value>,
    /// Whose change it is when not the caller's account's (a bucket or key of another account,
    /// the organization's management account).
    pub needs: Option<String>,
    /// The decision once this fix (and those before it) is in force.
    pub then: String,
}

impl Report {
    pub fn step(&mut self, step: &'static str, ok: bool, finding: String) {
        self.steps.push(Step { step, ok, finding });
    }

    pub fn decided(&mut self, action: &str, resource: &str, d: &authz::Decision) {
        self.allowed = d.is_allowed();
        self.decision = Some(DecisionLine {
            action: action.to_string(),
            resource: resource.to_string(),
            decision: d.verdict.as_str().to_string(),
            denied_by: d.denied_by.map(|l| l.as_str().to_string()),
            policy: d.policy.as_deref().map(str::to_string),
            statement: d.statement.as_deref().map(str::to_string),
            message: d.message.clone(),
        });
        self.layers = d
            .trace
            .iter()
            .map(|p| LayerLine {
                layer: p.layer.as_str().to_string(),
                policy: match &p.level {
                    Some(level) => format!("{} at {level}", p.policy),
                    None => p.policy.to_string(),
                },
                result: p.result.to_string(),
            })
            .collect();
        let verdict = match (&d.denied_by, &d.statement) {
            _ if d.is_allowed() => "allowed".to_string(),
            (Some(layer), Some(s)) => format!(
                "{} by the {layer} layer (statement {s} of {})",
                d.verdict.as_str(),
                d.policy.as_deref().unwrap_or("?")
            ),
            (Some(layer), None) => format!("{} by the {layer} layer", d.verdict.as_str()),
            _ => d.verdict.as_str().to_string(),
        };
        self.step(
            "decision",
            d.is_allowed(),
            format!("{action} on {resource}: {verdict}"),
        );
    }

    /// The report for a person: one line per step and layer, then the fixes.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            let mark = if s.ok { "ok  " } else { "FAIL" };
            let _ = writeln!(out, "{mark} {:<8} {}", s.step, s.finding);
            // AWS's words belong to the decision they answer.
            let message = self.decision.as_ref().and_then(|d| d.message.as_ref());
            if let (true, Some(m)) = (s.step == "decision", message) {
                let _ = writeln!(out, "     AWS says: {m}");
            }
        }
        if !self.layers.is_empty() {
            let _ = writeln!(out, "layers, in evaluation order:");
            for l in &self.layers {
                let _ = writeln!(out, "  [{}] {}: {}", l.layer, l.policy, l.result);
            }
        }
        for n in &self.near_misses {
            let _ = writeln!(out, "  why not: {n}");
        }
        for (i, f) in self.fixes.iter().enumerate() {
            let _ = writeln!(out, "fix {}: {}", i + 1, f.what);
            if let Some(s) = &f.statement {
                let text = serde_json::to_string_pretty(s).unwrap_or_default();
                for line in text.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
            if let Some(n) = &f.needs {
                let _ = writeln!(out, "  needs: {n}");
            }
            let _ = writeln!(out, "  then: {}", f.then);
        }
        out
    }
}
