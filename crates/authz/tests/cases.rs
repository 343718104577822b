//! The table-driven cases in `tests/cases/*.json`: each a DESIGN.md simulator scenario with the
//! answer AWS's documentation gives (cited per case). Every case runs; failures are listed
//! together.

use std::path::Path;

use authz::simulate::{answer_json, read_scenario};
use policy::json::{self, Json, Value};

fn field<'a>(j: &'a Json, key: &str) -> Option<&'a Json> {
    j.get(key).filter(|v| v.value != Value::Null)
}

fn text(j: &Json) -> String {
    format!("{:?}", j.value)
}

#[test]
fn documented_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut names = std::collections::HashSet::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let source = std::fs::read_to_string(file).unwrap();
        let doc = json::parse(&source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in doc.as_array().expect("a file is an array of cases") {
            count += 1;
            let name = field(case, "name")
                .and_then(Json::as_str)
                .expect("every case has a name");
            assert!(
                names.insert(name.to_string()),
                "duplicate case name {name:?}"
            );
            assert!(
                field(case, "cite").is_some(),
                "case {name:?} cites no source"
            );
            let where_ = format!(
                "{}:{} {name:?}",
                file.file_name().unwrap().to_string_lossy(),
                case.span.start.line
            );
            let expect = field(case, "expect").expect("every case has an expectation");
            let scenario =
                read_scenario(field(case, "scenario").expect("every case has a scenario"));
            if field(expect, "error").is_some() {
                match scenario {
                    Ok(_) => failures.push(format!(
                        "{where_}: expected an error, the scenario was accepted"
                    )),
                    Err(e) => {
                        if let Some(part) = field(expect, "path_contains").and_then(Json::as_str) {
                            if !e.path.contains(part) {
                                failures.push(format!(
                                    "{where_}: error path {:?} does not contain {part:?} ({})",
                                    e.path, e.message
                                ));
                            }
                        }
                    }
                }
                continue;
            }
            let scenario = match scenario {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{where_}: scenario rejected: {e}"));
                    continue;
                }
            };
            let decision = authz::authorize(&scenario.request(), true);
            let answer = json::parse(&answer_json(&decision)).unwrap();
            for key in ["decision", "denied_by", "policy", "statement", "message"] {
                let Some(want) = expect.get(key) else {
                    continue;
                };
                let got = answer.get(key).unwrap();
                if want.value != got.value {
                    failures.push(format!(
                        "{where_}: {key} is {}, expected {} — {}",
                        text(got),
                        text(want),
                        decision.explanation
                    ));
                }
            }
        }
    }
    assert!(count >= 200, "only {count} cases");
    if !failures.is_empty() {
        panic!(
            "{} of {count} cases disagree:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    eprintln!("{count} documented cases agree");
}
