# Shared by scripts/run and scripts/test: install the Debian packages the build needs (only when some are
# missing, so a second run is quick and quiet), then configure and build. Sourced, not run.

LCP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LCP_BUILD="${LCP_BUILD:-$LCP_ROOT/build}"
# ccache (CMakeLists.txt compiles through it) keeps at most this much; set here too so that its
# statistics show the bound.
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"

LCP_PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libboost-dev libsqlite3-dev libssl-dev libgtest-dev libbenchmark-dev libcli11-dev
  libgoogle-perftools-dev openssl
  # PostgreSQL: libpq for lcp-ledgerd --store postgresql://, and the server for the tests' throw-away
  # cluster (tests/postgres_cluster.sh).
  libpq-dev postgresql
  # The web view: its HTTP server, and Chart.js, which it serves (lcp-ledgerd --web-listen).
  libcpp-httplib-dev libjs-chart.js
  # The web view's browser tests (tests/web): headless Chromium driven by Selenium.
  chromium chromium-driver python3-selenium
  # scripts/test's fuzz smoke runs (fuzz/, libFuzzer and clang's sanitizers) and format check.
  clang libclang-rt-dev clang-format
  python3 python3-protobuf hledger beancount
)

lcp_install_packages() {
  local missing=()
  local package
  for package in "${LCP_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: run as root to install ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

lcp_build() {
  cmake -S "$LCP_ROOT" -B "$LCP_BUILD" -G Ninja -DCMAKE_BUILD_TYPE="${LCP_BUILD_TYPE:-RelWithDebInfo}" \
    -DLCP_WERROR=ON >/dev/null
  cmake --build "$LCP_BUILD" --parallel "$(nproc)"
}
