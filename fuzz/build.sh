#!/bin/bash -eu
# Builds the fuzz harnesses the OSS-Fuzz way, so the project can be handed to a
# continuous-fuzzing service as is. Reads the standard variables:
#   CC CXX CFLAGS CXXFLAGS   compilers and flags (with the sanitizer and coverage flags)
#   LIB_FUZZING_ENGINE       what a harness links for its main (e.g. -fsanitize=fuzzer)
#   OUT                      where the harnesses, seed corpora and dictionaries go
#   SRC WORK                 optional: source checkout and scratch space
# Needs cmake, ninja, pkg-config, liburing and cargo (the oracle is a Rust staticlib,
# std only, built offline). Writes $OUT/<target>_fuzz, $OUT/<target>_fuzz_seed_corpus.zip
# and $OUT/<target>_fuzz.dict for each target. Local try:
#   CC=clang-14 CXX=clang++-14 CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   OUT=/tmp/out fuzz/build.sh
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${CC:?set CC}" "${CXX:?set CXX}" "${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}" "${OUT:?set OUT}"
CFLAGS="${CFLAGS:-}"
CXXFLAGS="${CXXFLAGS:-}"
build="${WORK:-$root/build}/oss-fuzz"
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

# The caller's flags carry the instrumentation; -fno-sanitize=function works around a
# clang 14 coroutine bug (see CMakeLists.txt) and is harmless elsewhere.
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS -fno-sanitize=function" \
  -DKIMOJIO_FUZZ=ON -DKIMOJIO_FUZZ_INSTRUMENT=OFF -DKIMOJIO_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DKIMOJIO_BUILD_TESTS=OFF -DKIMOJIO_BUILD_EXAMPLES=OFF -DKIMOJIO_BUILD_BENCH=OFF -DBUILD_TESTING=OFF
targets=(handle_table scheduler cross_thread waker_data sync io io_net)
cmake --build "$build" --target "${targets[@]/%/_fuzz}"

mkdir -p "$OUT"
for t in "${targets[@]}"; do
  cp "$build/fuzz/${t}_fuzz" "$OUT/"
  cp "$root/fuzz/corpus/$t/$t.dict" "$OUT/${t}_fuzz.dict"
  python3 -c 'import sys, zipfile, pathlib
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(pathlib.Path(sys.argv[2]).iterdir()):
        if f.is_file() and f.suffix != ".dict":
            z.write(f, f.name)' "$OUT/${t}_fuzz_seed_corpus.zip" "$root/fuzz/corpus/$t"
done
echo "fuzz/build.sh: ${#targets[@]} harnesses in $OUT"
