//! The `reso` binary; everything is in `reso::cli`.

fn main() -> std::process::ExitCode {
    reso::cli::main()
}
