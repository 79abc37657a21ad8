use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = <migsim::cli::Cli as clap::Parser>::parse();
    match migsim::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", migsim::cli::error_message(&e));
            ExitCode::from(2)
        }
    }
}
