//! The `fitcircle` binary: parse arguments, run, map errors to exit codes
//! (0 success, 2 error; a broken pipe on stdout counts as success).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fitcircle::cli::Cli::parse();
    match fitcircle::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
