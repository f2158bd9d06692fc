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

# Runs a command and prints its elapsed seconds, its maximum resident set size
# (VmHWM) and the largest part of it that was not file pages (RssAnon: the
# heap, not the pack files libgit2 and git map), in KiB, read from /proc every
# 50 ms (Linux only).
peak() {
    local start end pid hwm=0 anon=0 h a
    start=$(date +%s.%N)
    "$@" >/dev/null &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        read -r h a < <(awk '/^VmHWM/ {h = $2} /^RssAnon/ {a = $2} END {print h + 0, a + 0}' "/proc/$pid/status" 2>/dev/null || echo 0 0)
        [ "$h" -gt "$hwm" ] && hwm=$h
        [ "$a" -gt "$anon" ] && anon=$a
        sleep 0.05
    done
    wait "$pid"
    end=$(date +%s.%N)
    echo "$(python3 -c "print($end - $start)") $hwm $anon"
}
