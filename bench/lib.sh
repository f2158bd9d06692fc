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

# Makes $SCRATCH/gen/NAME with `gen_helpdesk --seed 1` and the given options,
# unless it exists (generated helpdesks are kept and shared between scripts).
#   generated NAME --tickets N [--history]
generated() {
    local name=$1
    shift
    mkdir -p "$SCRATCH/gen"
    [ -d "$SCRATCH/gen/$name" ] && return
    log "generating $name ($*; several minutes for 100k tickets)"
    local tmp
    tmp=$(mktemp -d "$SCRATCH/gen/.$name.XXXXXX")
    "$ROOT/target/release/examples/gen_helpdesk" "$@" --out "$tmp" --seed 1
    # Another run may have made it meanwhile: keep theirs.
    mv -T "$tmp" "$SCRATCH/gen/$name" 2>/dev/null || rm -rf "$tmp"
}
