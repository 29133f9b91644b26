//! `corridor`: security corridors, patrols and control lines along any road, from the command
//! line. A thin layer over the library: it parses arguments, reads files, calls the library and
//! writes files; every error ends as one line on stderr naming the file.
//!
//! One file a subcommand (`build`, `classify`, `info`, `render`); the argument groups they
//! share are declared once in `args`; reading the road and its section is `input`; everything
//! about coordinate reference systems is `crs`.

mod agreement;
mod args;
mod build;
mod classify;
mod crs;
mod info;
mod input;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Security corridors, patrols and control lines along any road, exact on the WGS84 ellipsoid.
///
/// Distances are geodesic (Karney's algorithms); coordinates are longitude, latitude.
#[derive(Debug, Parser)]
#[command(name = "corridor", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the corridor, its halves, the control lines and the patrol along a road, and write
    /// them as GeoJSON (and GPX) into a directory.
    #[command(after_help = build::EXAMPLES)]
    Build(build::BuildArgs),
    /// Place points (CSV with lon/lat columns, or GeoJSON) against a corridor: inside or not,
    /// side, geodesic distance to the road, chainage.
    ///
    /// Adds the columns (or properties) inside, side, distance_m and chainage_km. The nearest
    /// road point decides the side and the chainage; a point is inside when its geodesic
    /// distance is at most the width of its side and, with flat caps, it is not beyond either
    /// end. No polygon is built: the distances are exact, to the centimetre.
    #[command(after_help = classify::EXAMPLES)]
    Classify(classify::ClassifyArgs),
    /// Say what a GeoJSON file holds: kinds, counts, bounding box, lengths and areas.
    #[command(after_help = info::EXAMPLES)]
    Info(info::InfoArgs),
    /// Draw GeoJSON layers as a picture for reports, with legend, scale bar and place labels:
    /// SVG, or PNG when built with the `png` feature.
    #[command(after_help = render::EXAMPLES)]
    Render(render::RenderArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        // `corridor classify … | head` is a normal use.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("corridor: {}", one_line(&format!("{e:#}")));
            if e.downcast_ref::<args::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Build(args) => build::run(args),
        Command::Classify(args) => classify::run(args),
        Command::Info(args) => info::run(args),
        Command::Render(args) => render::run(args),
    }
}

/// Help and version go to stdout as clap writes them; a usage error becomes one line on stderr
/// with exit status 2.
fn clap_exit(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // A closed pipe while printing help is not an error either.
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // clap's message runs to the first blank line (a list of missing arguments spans
            // several); the usage and hint after it are left to --help.
            let rendered = e.render().to_string();
            let message: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let message = message.join(" ");
            let message = message.trim_start_matches("error: ");
            eprintln!("corridor: {message} (see corridor --help)");
            ExitCode::from(2)
        }
    }
}

/// Keeps an error to one line: library messages are single lines, but an I/O or parser message
/// could carry a newline.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_kept_to_one_line() {
        assert_eq!(
            one_line("a.geojson: line 3\n  expected `,`\n"),
            "a.geojson: line 3 expected `,`"
        );
    }

    #[test]
    fn a_broken_pipe_is_found_under_context() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let e = anyhow::Error::new(io).context("out.csv");
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&anyhow::anyhow!(
            "out.csv: cannot write it"
        )));
    }

    /// clap's own consistency checks over every subcommand's arguments (duplicate names,
    /// groups naming missing arguments), which it otherwise runs only in debug builds.
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
