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
    }
}
