//! The audit writer thread: appends lines to the day's file, starting a new file past 64 MiB
//! and at each UTC midnight. Lines that arrive together are written together; when any of
//! them is durable the file is flushed and `fdatasync`ed once for all, then each durable line's
//! sender is told (group commit).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::clock::today;
use crate::event::Event;

pub const MAX_FILE: u64 = 64 * 1024 * 1024;

struct Current {
    day: String,
    n: u32,
    size: u64,
    out: BufWriter<File>,
}

fn path(dir: &Path, day: &str, n: u32) -> PathBuf {
    dir.join(format!("audit-{day}-{n}.jsonl"))
}

/// The file to append to for `day`: the last one that still has room.
fn open(dir: &Path, day: &str, max_file: u64) -> std::io::Result<Current> {
    let mut n = 1;
    while path(dir, day, n + 1).exists() {
        n += 1;
    }
    let mut size = std::fs::metadata(path(dir, day, n))
        .map(|m| m.len())
        .unwrap_or(0);
    if size >= max_file {
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
        out: BufWriter::with_capacity(BUFFER, file),
    })
}

/// A line for the trail; a durable one is acknowledged once it is on disk. `Sync` writes
/// nothing: it is acknowledged once everything sent before it is on disk. Events are
/// serialized here, off the requests' threads.
pub enum Line {
    Event(Box<Event>),
    /// An S3 server access log line, for the day's `access-YYYY-MM-DD.log`.
    Access(String),
    Durable(Box<Event>, tokio::sync::oneshot::Sender<()>),
    Sync(tokio::sync::oneshot::Sender<()>),
}

/// Every line reaches the OS within this of its arrival (the README's bound for reads).
const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// Lines are handed to the OS in writes of up to this much (~150 of an allowed request's
/// lines): a write of 8 KiB, `BufWriter`'s default, was a system call per five lines.
const BUFFER: usize = 256 * 1024;

/// At most this many lines are written between two `fdatasync`s.
const BATCH: usize = 256;

/// While lines keep coming, the writer looks for them this often instead of being woken for
/// each: a wake-up is a context switch on the request's path, which cost a one-connection HEAD
/// more than its own authorization (docs/performance.md). An acknowledged write waits at most
/// this much longer for its `fdatasync`.
const TICK: Duration = Duration::from_millis(1);

/// With no line for this long the writer blocks until one comes (an idle server sleeps).
const IDLE_AFTER: Duration = Duration::from_millis(50);

pub fn run(dir: PathBuf, lines: Receiver<Line>, max_file: u64) {
    let mut current: Option<Current> = None;
    let mut access: AccessFile = None;
    let mut acks = Vec::new();
    // One line's JSON, reused from line to line.
    let mut text = Vec::new();
    let mut last_flush = Instant::now();
    let mut last_line = Instant::now();
    loop {
        let next = match lines.try_recv() {
            Ok(line) => Some(line),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
            Err(std::sync::mpsc::TryRecvError::Empty) if last_line.elapsed() < IDLE_AFTER => {
                std::thread::sleep(TICK);
                None
            }
            // Idle: block, flushing first so a reader sees every event within a moment.
            Err(std::sync::mpsc::TryRecvError::Empty) => match lines.recv_timeout(FLUSH_EVERY) {
                Ok(line) => Some(line),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            },
        };
        let Some(first) = next else {
            if last_flush.elapsed() >= FLUSH_EVERY || last_line.elapsed() >= IDLE_AFTER {
                flush(&mut current, &mut access, false);
                last_flush = Instant::now();
            }
            continue;
        };
        last_line = Instant::now();
        let batch = std::iter::once(first).chain(std::iter::from_fn(|| lines.try_recv().ok()));
        for line in batch.take(BATCH) {
            text.clear();
            match line {
                Line::Event(event) => event.write_json(&mut text),
                Line::Durable(event, ack) => {
                    acks.push(ack);
                    event.write_json(&mut text);
                }
                Line::Sync(ack) => {
                    acks.push(ack);
                    continue;
                }
                Line::Access(text) => {
                    append_access(&dir, &mut access, &text);
                    continue;
                }
            }
            append(&dir, &mut current, &text, max_file);
        }
        if !acks.is_empty() {
            flush(&mut current, &mut access, true);
            last_flush = Instant::now();
            for ack in acks.drain(..) {
                let _ = ack.send(());
            }
        } else if last_flush.elapsed() >= FLUSH_EVERY {
            // A steady trickle never leaves the writer idle: flush by the clock too.
            flush(&mut current, &mut access, false);
            last_flush = Instant::now();
        }
    }
    flush(&mut current, &mut access, true);
}

type AccessFile = Option<(String, BufWriter<File>)>;

/// Hands both files' buffered lines to the OS, and with `sync` to the disk (`fdatasync`).
fn flush(current: &mut Option<Current>, access: &mut AccessFile, sync: bool) {
    let files = current
        .as_mut()
        .map(|c| &mut c.out)
        .into_iter()
        .chain(access.as_mut().map(|(_, out)| out));
    for out in files {
        let _ = out.flush().and_then(|_| {
            if sync {
                out.get_ref().sync_data()
            } else {
                Ok(())
            }
        });
    }
}

/// Appends an access log line to the day's file (a new file each day).
fn append_access(dir: &Path, access: &mut AccessFile, line: &str) {
    let day = today();
    if access.as_ref().is_none_or(|(d, _)| *d != day) {
        if let Some((_, mut out)) = access.take() {
            let _ = out.flush();
        }
        let path = dir.join(format!("access-{day}.log"));
        if let Ok(file) = OpenOptions::new().create(true).append(true).open(path) {
            *access = Some((day, BufWriter::new(file)));
        }
    }
    if let Some((_, out)) = access.as_mut() {
        let _ = out
            .write_all(line.as_bytes())
            .and_then(|_| out.write_all(b"\n"));
    }
}

/// Appends one line to the current file, rotating first when the day changed or it is full.
fn append(dir: &Path, current: &mut Option<Current>, line: &[u8], max_file: u64) {
    let day = today();
    let rotate = match current {
        None => true,
        Some(c) => c.day != day || c.size + line.len() as u64 + 1 > max_file,
    };
    if rotate {
        if let Some(mut c) = current.take() {
            let _ = c.out.flush().and_then(|_| c.out.get_ref().sync_data());
            if c.day == day {
                // Same day, full: the next number.
                let next = path(dir, &day, c.n + 1);
                if let Ok(file) = OpenOptions::new().create(true).append(true).open(next) {
                    *current = Some(Current {
                        day: day.clone(),
                        n: c.n + 1,
                        size: 0,
                        out: BufWriter::with_capacity(BUFFER, file),
                    });
                }
            }
        }
        if current.is_none() {
            *current = open(dir, &day, max_file).ok();
        }
    }
    if let Some(c) = current.as_mut() {
        if c.out
            .write_all(line)
            .and_then(|_| c.out.write_all(b"\n"))
            .is_ok()
        {
            c.size += line.len() as u64 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_rotate_past_the_limit_and_resume_where_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let root = dir.path().to_path_buf();
        let event = |i: usize| Event {
            name: format!("Event{i}"),
            ..Event::default()
        };
        let line = event(0).to_json().len() as u64 + 1;
        let writer = std::thread::spawn(move || run(root, rx, 2 * line + line / 2));
        for i in 0..10 {
            tx.send(Line::Event(Box::new(event(i)))).unwrap();
        }
        drop(tx);
        writer.join().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 5, "two lines per file: {names:?}");
        let day = today();
        assert!(
            names.contains(&format!("audit-{day}-1.jsonl"))
                && names.contains(&format!("audit-{day}-5.jsonl"))
        );
        let total: usize = names
            .iter()
            .map(|n| {
                std::fs::read_to_string(dir.path().join(n))
                    .unwrap()
                    .lines()
                    .count()
            })
            .sum();
        assert_eq!(total, 10, "no line lost");
    }
}
