# node-serve.sh - sourced by the node-based CTest scripts (tests/contract,
# examples/typed-client): a caller defines fail() and sets here (its folder
# with package.json and package-lock.json), dir (its install folder) and
# cohort (the executable).
#
# npm_tooling TOOL: fail without node; install the pinned packages into
# $dir (npm ci) when $dir/node_modules/.bin/TOOL is missing or the lock
# file changed; $dir becomes absolute.
npm_tooling() {
  command -v node >/dev/null 2>&1 || fail "node is not installed (scripts/setup.sh installs nodejs and npm)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -x "$dir/node_modules/.bin/$1" ] || ! cmp -s "$here/package-lock.json" "$dir/package-lock.json"; then
    command -v npm >/dev/null 2>&1 || fail "npm is not installed (scripts/setup.sh installs it)"
    cp "$here/package.json" "$here/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
      fail "npm ci in $dir could not install the pinned packages"
  fi
}

# start_serve: `cohort serve` on a free loopback port over a temporary
# database (removed, and the server stopped, on exit); sets url (without a
# trailing slash) and token (an admin token).
start_serve() {
  tmp=$(mktemp -d)
  pid=
  trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi; wait 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
  token=$("$cohort" token create --role admin --db "$tmp/c.db" 2>/dev/null) || fail "cohort token create"
  "$cohort" serve --db "$tmp/c.db" --port 0 --quiet > "$tmp/serve.out" 2>&1 &
  pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/serve.out" | head -n 1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$tmp/serve.out"; fail "cohort serve did not start"; }
  url=${url%/}
}
