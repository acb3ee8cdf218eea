//! The `fitcircle` binary: parse arguments, run, map errors to exit codes
//! (0 success, 2 error; a broken pipe on stdout counts as success).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            let top = err.to_string();
            eprintln!("error: {top}");
            for cause in err.chain().skip(1) {
                let text = cause.to_string();
                if !top.contains(&text) {
                    eprintln!("  caused by: {text}");
                }
            }
            ExitCode::from(2)
        }
    }
}
