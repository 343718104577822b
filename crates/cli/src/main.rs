//! `gatehouse`: the command line. `simulate` answers authorization scenarios offline; `serve`,
//! `explain`, `doctor` and `lint` arrive with their issues.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "An S3-compatible object store that authorizes exactly like AWS, and says why"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide authorization scenarios offline (DESIGN.md's scenario format): one JSON answer
    /// line per scenario, in order.
    Simulate {
        /// A scenario (JSON), a JSON array of scenarios, or JSON lines; `-` reads standard input.
        #[arg(long)]
        input: PathBuf,
        /// Print a human-readable trace instead of JSON.
        #[arg(long)]
        explain: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Simulate { input, explain } => simulate(&input, explain),
    }
}

fn simulate(input: &PathBuf, explain: bool) -> ExitCode {
    let text = if input.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(input)
    };
    let text = match text {
        Ok(text) => text,
        Err(e) => {
            eprintln!("gatehouse simulate: cannot read {}: {e}", input.display());
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut write_failed = false;
    let ok = authz::simulate::run(&text, explain, |line| {
        write_failed |= writeln!(out, "{line}").is_err();
    });
    write_failed |= out.flush().is_err();
    if write_failed {
        return ExitCode::from(2);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
