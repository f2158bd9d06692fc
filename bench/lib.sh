# Shared set-up of the benchmark scripts: sourced, not run.

log() { printf '%s\n' "$*" >&2; }

# Installs hyperfine from Debian's packages when it is missing.
need_hyperfine() {
    command -v hyperfine >/dev/null && return
    log "installing hyperfine"
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq hyperfine >&2
}

# Builds desk and the large-helpdesk generator in release mode.
build_release() {
    log "building release binaries"
    (cd "$ROOT" && cargo build --release --quiet --bin desk --example gen_helpdesk)
}
