# Sourced by ./shop and .ci/run: puts Node >= 22.12 and the pinned pnpm on PATH, installing them from the npm
# registry into ~/.local/node24 when the machine's are missing or older (corepack does not work here).
toolchain_prefix="$HOME/.local/node24"
node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
node_minor() { "${1:-node}" -p 'process.versions.node.split(".")[1]' 2>/dev/null || echo 0; }
node_ok() { local M m; M=$(node_major "$@"); m=$(node_minor "$@"); [ "$M" -gt 22 ] || { [ "$M" -eq 22 ] && [ "$m" -ge 12 ]; }; }

if ! command -v node >/dev/null 2>&1 || ! node_ok node; then
  if [ ! -x "$toolchain_prefix/bin/node" ] || ! node_ok "$toolchain_prefix/bin/node"; then
    echo "toolchain: installing Node 24 from the npm registry into $toolchain_prefix" >&2
    npm i -g --prefix "$toolchain_prefix" node@24 >/dev/null 2>&1 || npm i -g --prefix "$toolchain_prefix" node@24 >&2
  fi
  export PATH="$toolchain_prefix/bin:$PATH"
fi

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  if [ ! -x "$toolchain_prefix/bin/pnpm" ] || [ "$("$toolchain_prefix/bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
    echo "toolchain: installing pnpm $pnpm_version into $toolchain_prefix" >&2
    npm i -g --prefix "$toolchain_prefix" "pnpm@$pnpm_version" >/dev/null
  fi
  export PATH="$toolchain_prefix/bin:$PATH"
fi
