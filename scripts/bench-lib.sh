# Shared by the scripts that run the sync benchmark's cold child by hand under a tool
# (bench-instructions.sh: callgrind; bench-profile.sh: perf). Sourced from the repository root.

# Installs Debian package `package` unless `command` is on the PATH.
bench_tool() {
  local command=$1 package=$2
  command -v "$command" >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$package"
}

# Builds the sync benchmark (release) and prints its binary's path.
bench_binary() {
  local bin
  bin=$(cargo bench --locked --no-run -p virtumancer --bench sync 2>&1 |
    sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
  [ -x "$bin" ] || { echo "no benchmark binary found" >&2; return 1; }
  echo "$bin"
}

# Writes the generated test-driver node of `n` domains (seed 1, as `make bench` uses) to `path`.
bench_node() {
  local n=$1 path=$2
  cargo run --release --locked -q -p xtask -- gen-node --domains "$n" --seed 1 -o "$path" >/dev/null 2>&1 ||
    { echo "generating a $n-domain node failed" >&2; return 1; }
}
