//! The audit writer thread: appends lines to the day's file, starting a new file past 64 MiB
//! and at each UTC midnight.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const MAX_FILE: u64 = 64 * 1024 * 1024;

struct Current {
    day: String,
    n: u32,
    size: u64,
    out: BufWriter<File>,
}

fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    crate::authorize::iso8601(secs)[..10].to_string()
}

fn path(dir: &Path, day: &str, n: u32) -> PathBuf {
    dir.join(format!("audit-{day}-{n}.jsonl"))
}

/// The file to append to for `day`: the last one that still has room.
fn open(dir: &Path, day: &str) -> std::io::Result<Current> {
    let mut n = 1;
    while path(dir, day, n + 1).exists() {
        n += 1;
    }
    let mut size = std::fs::metadata(path(dir, day, n))
        .map(|m| m.len())
        .unwrap_or(0);
    if size >= MAX_FILE {
        n += 1;
        size = 0;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path(dir, day, n))?;
    Ok(Current {
        day: day.to_string(),
        n,
        size,
        out: BufWriter::new(file),
    })
}

pub fn run(dir: PathBuf, lines: Receiver<String>) {
    let mut current: Option<Current> = None;
    loop {
        // Flush when idle, so a reader sees events within a moment.
        let line = match lines.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => line,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Some(c) = current.as_mut() {
                    let _ = c.out.flush();
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let day = today();
        let rotate = match &current {
            None => true,
            Some(c) => c.day != day || c.size + line.len() as u64 + 1 > MAX_FILE,
        };
        if rotate {
            if let Some(mut c) = current.take() {
                let _ = c.out.flush();
                if c.day == day {
                    // Same day, full: the next number.
                    let next = path(&dir, &day, c.n + 1);
                    if let Ok(file) = OpenOptions::new().create(true).append(true).open(next) {
                        current = Some(Current {
                            day: day.clone(),
                            n: c.n + 1,
                            size: 0,
                            out: BufWriter::new(file),
                        });
                    }
                }
            }
            if current.is_none() {
                current = open(&dir, &day).ok();
            }
        }
        if let Some(c) = current.as_mut() {
            if c.out
                .write_all(line.as_bytes())
                .and_then(|_| c.out.write_all(b"\n"))
                .is_ok()
            {
                c.size += line.len() as u64 + 1;
            }
        }
    }
    if let Some(mut c) = current {
        let _ = c.out.flush();
    }
}
