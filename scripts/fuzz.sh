#!/usr/bin/env bash
# Coverage-guided fuzzing of Reso's parsers of outside data (cargo-fuzz).
#
#   scripts/fuzz.sh                 # every target for 30 s
#   scripts/fuzz.sh 300             # every target for 5 minutes
#   scripts/fuzz.sh 60 csv_import   # one target
#
# Each target starts from its committed seeds in fuzz/corpus/<target>/; what
# libFuzzer adds while running goes to a scratch directory that is deleted
# afterwards, so the seeds stay small. A crash (panic, failed assertion,
# time-out, memory blow-up) is kept in fuzz/artifacts/<target>/, shown, and
# makes the script fail after the other targets have run; replay one with
# `cargo +nightly fuzz run <target> <file>`, then turn it into a regression
# test next to the code it broke.
#
# Needs rustup (nightly when it has one) and cargo-fuzz, which is installed
# from crates.io into fuzz/target/tools when missing. The build lives in
# fuzz/target like any cargo build. RESO_FUZZ_SANITIZER picks libFuzzer's
# sanitizer (default none: Reso forbids unsafe code, so panics are what is
# looked for, and without ASan each run tries about twice as many inputs).
set -euo pipefail

SECONDS_PER_TARGET=${1:-30}
shift || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_DIR=$ROOT/fuzz
SANITIZER=${RESO_FUZZ_SANITIZER:-none}

die() {
    echo "fuzz: $*" >&2
    exit 1
}

[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || die "seconds per target must be a number, not '$SECONDS_PER_TARGET'"

# cargo-fuzz passes unstable flags to rustc: nightly where there is one;
# otherwise the machine's own toolchain, told to accept them.
if rustup toolchain list | grep -q '^nightly' ||
    rustup toolchain install nightly --profile minimal >&2; then
    TOOLCHAIN=nightly
else
    TOOLCHAIN=$(rustup show active-toolchain | cut -d' ' -f1)
    echo "fuzz: no nightly toolchain here; using $TOOLCHAIN with RUSTC_BOOTSTRAP=1" >&2
    export RUSTC_BOOTSTRAP=1
fi

if cargo "+$TOOLCHAIN" fuzz --version >/dev/null 2>&1; then
    CARGO_FUZZ=(cargo "+$TOOLCHAIN" fuzz)
else
    TOOLS=$FUZZ_DIR/target/tools
    if [[ ! -x $TOOLS/bin/cargo-fuzz ]]; then
        echo "fuzz: installing cargo-fuzz into $TOOLS" >&2
        cargo install cargo-fuzz --locked --root "$TOOLS" >&2
    fi
    CARGO_FUZZ=(rustup run "$TOOLCHAIN" "$TOOLS/bin/cargo-fuzz")
fi

cd "$FUZZ_DIR"
# The fuzz crate is a workspace of its own, built in fuzz/target.
unset CARGO_TARGET_DIR
mapfile -t ALL < <("${CARGO_FUZZ[@]}" list)
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL[@]}")

SCRATCH=$(mktemp -d -t reso-fuzz.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

started=$(date +%s)
if ! "${CARGO_FUZZ[@]}" build --sanitizer "$SANITIZER" >"$SCRATCH/build.log" 2>&1; then
    tail -n 40 "$SCRATCH/build.log" >&2
    die "the fuzz targets do not build"
fi
built=$(date +%s)
BIN_DIR=$FUZZ_DIR/target/$(rustc "+$TOOLCHAIN" -vV | sed -n 's/^host: //p')/release
echo "fuzz: built in $((built - started)) s" >&2

failed=()
for target in "${TARGETS[@]}"; do
    [[ -d corpus/$target ]] || die "no seed corpus in fuzz/corpus/$target"
    mkdir -p "$SCRATCH/$target" "artifacts/$target"
    echo "fuzz: $target for $SECONDS_PER_TARGET s" >&2
    log=$SCRATCH/$target.log
    # The binary itself, not `cargo fuzz run`, which would rebuild first.
    if "$BIN_DIR/$target" -artifact_prefix="artifacts/$target/" "$SCRATCH/$target" "corpus/$target" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+ *DONE' "$log" >&2 || true
    else
        failed+=("$target")
        tail -n 60 "$log" >&2
        for artifact in "artifacts/$target"/*; do
            [[ -f $artifact ]] || continue
            echo "fuzz: $target input kept in fuzz/$artifact (base64):" >&2
            head -c 4096 "$artifact" | base64 >&2
        done
    fi
done

echo "fuzz: ${#TARGETS[@]} target(s) in $(($(date +%s) - started)) s" >&2
if [[ ${#failed[@]} -gt 0 ]]; then
    die "crashed: ${failed[*]}"
fi
