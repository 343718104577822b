//! Reading the trail back: its files in time order, one request's event, the events of a time
//! window (what `gatehouse explain` and `gatehouse replay` read).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The trail's files, oldest first (`audit-YYYY-MM-DD-N.jsonl`: by day, then N as a number).
pub fn files(data_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir.join("audit"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort_by_key(|p| {
        let stem = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (day, n) = stem.rsplit_once('-').unwrap_or((&stem, "0"));
        (day.to_string(), n.parse::<u64>().unwrap_or(0))
    });
    Ok(files)
}

/// The event of `request_id`, if the trail has it. A line is parsed only when it holds the
/// id's text, so the cost is one pass over the trail's bytes.
pub fn find(data_dir: &Path, request_id: &str) -> std::io::Result<Option<Value>> {
    let needle = format!("\"requestID\":\"{request_id}\"");
    for file in files(data_dir)?.iter().rev() {
        let text = std::fs::read_to_string(file)?;
        for line in text.lines().filter(|l| l.contains(&needle)) {
            if let Ok(event) = serde_json::from_str::<Value>(line) {
                if event["requestID"] == request_id {
                    return Ok(Some(event));
                }
            }
        }
    }
    Ok(None)
}

/// The events with `since <= eventTime < until`, oldest first. Times are the trail's
/// `YYYY-MM-DDTHH:MM:SSZ`, compared as text, so a prefix (`2026-12-04`, `2026-12-04T10`)
/// bounds by day or hour. Only the files of days in the window are read.
pub fn between(data_dir: &Path, since: &str, until: Option<&str>) -> std::io::Result<Vec<Value>> {
    let mut out = Vec::new();
    for file in files(data_dir)? {
        let day = file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.get("audit-".len().."audit-YYYY-MM-DD".len()))
            .unwrap_or("");
        if day < since.get(..10).unwrap_or(since) || until.is_some_and(|u| day > u) {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        for line in text.lines() {
            let Ok(event) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let time = event["eventTime"].as_str().unwrap_or("");
            if time >= since && until.is_none_or(|u| time < u) {
                out.push(event);
            }
        }
    }
    Ok(out)
}
