fn main() {
    std::process::exit(desk::cli::main());
}
