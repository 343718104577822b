//! A one-line progress bar on standard error, drawn only when it is a terminal (a pipe or a
//! log file gets nothing) and at most ten times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Bar {
    what: &'static str,
    terminal: bool,
    drawn: Option<Instant>,
}

const WIDTH: usize = 30;

impl Bar {
    pub fn new(what: &'static str) -> Bar {
        Bar {
            what,
            terminal: std::io::stderr().is_terminal(),
            drawn: None,
        }
    }

    pub fn show(&mut self, done: usize, total: usize) {
        let due = self
            .drawn
            .is_none_or(|at| at.elapsed() >= Duration::from_millis(100));
        if !self.terminal || !due || total == 0 {
            return;
        }
        self.drawn = Some(Instant::now());
        let filled = WIDTH * done.min(total) / total;
        eprint!(
            "\r[{}{}] {done}/{total} {}",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            self.what
        );
        let _ = std::io::stderr().flush();
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.terminal && self.drawn.is_some() {
            eprint!("\r{}\r", " ".repeat(WIDTH + 40));
        }
    }
}
