//! Release builds lay out first the functions of desk's everyday commands.
//!
//! `link/order.txt` lists them (written by `link/make-order.sh`); the linker places
//! them side by side at the start of the program's code, so a short command such as
//! `desk new` touches a few dozen pages of code instead of pages all over the binary
//! (the kernel maps a binary's code into memory in blocks of 64 KiB around each page
//! used). See the README's design note "Hot code together".
//!
//! Only where the linker is known to read the list: LLD, which rustc uses on
//! Linux on x86-64 unless told otherwise. A stale list costs locality, never correctness.
//!
//! There, when the C library of the build machine (which then runs the program)
//! is glibc 2.36 or later, the relocations are packed as well
//! (`-z pack-relative-relocs`): the loader reads a table of some kilobytes at
//! start-up instead of a megabyte.

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=link/order.txt");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let lld = env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu")
        && env::var_os("RUSTC_LINKER").is_none()
        && !env::var("CARGO_ENCODED_RUSTFLAGS").is_ok_and(|f| f.contains("link"));
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    if release && lld && !dir.is_empty() && !dir.contains(',') {
        println!("cargo::rustc-link-arg-bin=desk=-Wl,--symbol-ordering-file={dir}/link/order.txt");
        println!("cargo::rustc-link-arg-bin=desk=-Wl,--no-warn-symbol-ordering");
        if env::var("HOST").ok() == env::var("TARGET").ok() && glibc_reads_packed_relocations() {
            println!("cargo::rustc-link-arg-bin=desk=-Wl,-z,pack-relative-relocs");
        }
    }
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
