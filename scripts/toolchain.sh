# Sourced by ./shop and .ci/run: puts Node >= 22.12 and the pinned pnpm on PATH, installing them from the npm
# registry into ~/.local/node24 when the machine's are missing or older (corepack does not work here).
# It runs on every `./shop <script>`, so the checks stay cheap: one `node --version` per Node binary and no pnpm start-up
# when pnpm's own package.json can tell its version (`./shop admin:token` prints in a few tenths of a second).
toolchain_prefix="$HOME/.local/node24"
# `node --version` answers before V8 starts (a few ms, where `node -e` takes ~0.1 s).
node_ok() {
  local v major minor
  v=$("${1:-node}" --version 2>/dev/null) || return 1
  v=${v#v}
  major=${v%%.*}
  minor=${v#*.}
  minor=${minor%%.*}
  [ "$major" -gt 22 ] 2>/dev/null || { [ "$major" -eq 22 ] 2>/dev/null && [ "$minor" -ge 12 ]; }
}
# The version of the pnpm at $1: read from the package.json beside an npm-installed pnpm, else by running it.
pnpm_version_of() {
  local bin real
  bin=$(command -v "$1" 2>/dev/null) || return 0
  real=$(readlink -f "$bin" 2>/dev/null || echo "$bin")
  local pkg="${real%/bin/*}/package.json"
  if [ -f "$pkg" ] && grep -q '"name": *"pnpm"' "$pkg"; then
    sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pkg" | head -1
  else
    "$bin" --version 2>/dev/null
  fi
}

if ! command -v node >/dev/null 2>&1 || ! node_ok node; then
  if [ ! -x "$toolchain_prefix/bin/node" ] || ! node_ok "$toolchain_prefix/bin/node"; then
    echo "toolchain: installing Node 24 from the npm registry into $toolchain_prefix" >&2
    npm i -g --prefix "$toolchain_prefix" node@24 >/dev/null 2>&1 || npm i -g --prefix "$toolchain_prefix" node@24 >&2
  fi
  export PATH="$toolchain_prefix/bin:$PATH"
fi

pnpm_version=$(sed -n 's/^ *"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)
if [ "$(pnpm_version_of pnpm)" != "$pnpm_version" ]; then
  if [ "$(pnpm_version_of "$toolchain_prefix/bin/pnpm")" != "$pnpm_version" ]; then
    echo "toolchain: installing pnpm $pnpm_version into $toolchain_prefix" >&2
    npm i -g --prefix "$toolchain_prefix" "pnpm@$pnpm_version" >/dev/null
  fi
  export PATH="$toolchain_prefix/bin:$PATH"
fi
