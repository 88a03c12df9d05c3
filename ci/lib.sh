# Shared by the ci/ scripts. ensure_packages installs the Debian packages that are missing.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "ci: installing ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

BUILD_PACKAGES=(cmake ninja-build g++ clang-14 libclang-rt-14-dev pkg-config liburing-dev doctest-dev librapidcheck-dev
  relacy-dev libbenchmark-dev libuv1-dev libasio-dev python3 valgrind)
# ci/bench also needs the tokio peer (Rust, built offline from Debian's crates) and gnuplot.
BENCH_PACKAGES=(librust-tokio-dev librust-libc-dev gnuplot-nox)

# Rust: stable from rustup ($HOME/.cargo/bin) when present, else Debian's cargo.
ensure_cargo() {
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  elif ! command -v cargo >/dev/null; then
    ensure_packages cargo
  fi
}
