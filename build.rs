//! Release builds lay out first the functions of desk's everyday commands.
//!
//! `link/order.txt` lists them (written by `link/make-order.sh`); the linker places
//! them side by side before the rest of the program's code, so a short command such
//! as `desk new` touches a few dozen pages of code instead of pages all over the
//! binary (the kernel maps a binary's code into memory in blocks of 64 KiB around
//! each page used). See the README's design note "Hot code together".
//!
//! The list becomes a linker script that places each function's section (rustc
//! puts every function in its own) in an output section before `.text`. The
//! hashes in a Rust symbol's name depend on how cargo was asked to build (an
//! example built at the same time changes them), so the script matches names
//! with their crate hashes left open.
//!
//! Only where the linker is known to read the list: LLD, which rustc uses on
//! Linux on x86-64 unless told otherwise. A stale list costs locality, never correctness.
//!
//! There, when the C library of the build machine (which then runs the program)
//! is glibc 2.36 or later, the relocations are packed as well
//! (`-z pack-relative-relocs`): the loader reads a table of some kilobytes at
//! start-up instead of a megabyte.

use std::env;
use std::fmt::Write as _;

fn main() {
    println!("cargo::rerun-if-changed=link/order.txt");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let lld = env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu")
        && env::var_os("RUSTC_LINKER").is_none()
        && !env::var("CARGO_ENCODED_RUSTFLAGS").is_ok_and(|f| f.contains("link"));
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let out = env::var("OUT_DIR").unwrap_or_default();
    if release && lld && !out.is_empty() && !out.contains(',') {
        let order = std::fs::read_to_string(format!("{dir}/link/order.txt")).unwrap_or_default();
        let script = format!("{out}/hot.ld");
        std::fs::write(&script, linker_script(&order)).expect("OUT_DIR is writable");
        println!("cargo::rustc-link-arg-bin=desk=-Wl,-T,{script}");
        if env::var("HOST").ok() == env::var("TARGET").ok() && glibc_reads_packed_relocations() {
            println!("cargo::rustc-link-arg-bin=desk=-Wl,-z,pack-relative-relocs");
        }
    }
}

/// A linker script placing the sections of the functions named in `order` (one
/// symbol a line), in that order, in an output section before `.text`.
fn linker_script(order: &str) -> String {
    let mut script = String::from("SECTIONS\n{\n  .text.hot :\n  {\n");
    for name in order.lines().map(str::trim).filter(|n| !n.is_empty() && n.bytes().all(is_symbol_byte)) {
        // LLVM puts a function it deems cold (`#[cold]`, such as `Vec`'s growth) in
        // `.text.unlikely.NAME`.
        let name = open_hashes(name);
        let _ = writeln!(script, "    *(.text.{name} .text.unlikely.{name})");
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");
    script
}

/// The bytes of the symbol names in the list; anything else (a glob or script
/// character) leaves the line out.
fn is_symbol_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$')
}

/// `name` with the hashes that vary between builds replaced by `*`: the crate
/// disambiguators (`Cs` … `_`) of a Rust name in the v0 scheme, which
/// `.cargo/config.toml` asks for (a legacy name's one hash also tells apart the
/// instances of a generic function, so it cannot be left open).
fn open_hashes(name: &str) -> String {
    let mut out = name.to_owned();
    if name.starts_with("_R") {
        let mut open = String::new();
        let mut rest = name;
        while let Some(at) = rest.find("Cs") {
            open.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            match after.find('_') {
                Some(end) if end > 0 && after[..end].bytes().all(|b| b.is_ascii_alphanumeric()) => {
                    open.push_str("Cs*_");
                    rest = &after[end + 1..];
                }
                _ => {
                    open.push_str("Cs");
                    rest = after;
                }
            }
        }
        open.push_str(rest);
        out = open;
    }
    out
}

/// Whether this machine's C library is glibc 2.36 or later (`getconf
/// GNU_LIBC_VERSION` says `glibc 2.36`), whose loader applies packed relocations.
fn glibc_reads_packed_relocations() -> bool {
    let Ok(out) = std::process::Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else { return false };
    let mut numbers = version.split('.').map(|n| n.parse::<u32>().unwrap_or(0));
    (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0)) >= (2, 36)
}
