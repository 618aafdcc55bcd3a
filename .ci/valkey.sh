#!/usr/bin/env bash
# Builds valkey-server and valkey-cli (VALKEY_VERSION below) once per machine, into a cache outside the checkout, and
# prints the directory that holds them. The tests find them there (see RedisFlavor.VALKEY); without them the Valkey
# tests are skipped, with a notice.
#
# Why from source: Debian's newest suite (sid) packages Valkey, but its binaries need a newer C library than the
# machines we run on (Debian 12). Its source package is fetched with a private apt configuration, so the system's
# sources stay as they are.
#
# Usage: .ci/valkey.sh            build if missing, then print the binaries' directory (the only line on stdout)
# Env:   STREAMBUS_CACHE          cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/streambus)
set -euo pipefail
# stdout carries the one line a caller captures; everything else (apt, make, progress) goes to stderr.
exec 3>&1 1>&2

VALKEY_VERSION=9.1.2
# The upstream tarball inside Debian's source package; a different one under the same version is not the build we
# tested, so it fails rather than builds.
ORIG_SHA256=8e8557da7426a51b4e0fb514a65ef6241dc7c85cb408243af389070abf379cec

cache_root=${STREAMBUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streambus}
dest=$cache_root/valkey-$VALKEY_VERSION
bin=$dest/bin

built() {
  [ -x "$bin/valkey-server" ] && [ -x "$bin/valkey-cli" ] \
    && "$bin/valkey-server" --version 2>/dev/null | grep -q "v=$VALKEY_VERSION "
}

log() { echo "valkey.sh: $*"; }

mkdir -p "$cache_root"
# Two runs on one machine (a developer and CI) must not build into each other's directories.
exec 9>"$cache_root/valkey.lock"
flock 9

if built; then
  log "Valkey $VALKEY_VERSION already built in $bin"
  echo "$bin" >&3
  exit 0
fi

started=$(date +%s)

need=()
for tool in gcc make pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)  # BUILD_TLS=yes, so TLS tests can run on Valkey too
if [ "${#need[@]}" -gt 0 ]; then
  log "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# A private apt state: only sid's source index, in the cache, never in /etc/apt.
apt_dir=$cache_root/apt-sid
mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
cat >"$apt_dir/sources/sid.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$apt_dir/sources"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
log "fetching Debian sid's source index"
apt-get "${apt_opts[@]}" -qq update

served=$(apt-cache "${apt_opts[@]}" showsrc valkey 2>/dev/null | sed -n 's/^Version: //p' | sort -u | tr '\n' ' ')
debian_version=$(printf '%s\n' $served | grep -E "^${VALKEY_VERSION//./\\.}-" | head -1 || true)
if [ -z "$debian_version" ]; then
  log "ERROR: Debian sid no longer serves Valkey $VALKEY_VERSION (it serves: ${served:-nothing})."
  log "Pick a served version, set VALKEY_VERSION and ORIG_SHA256 here and RedisFlavor.VALKEY_VERSION to it, and"
  log "run the Valkey tests again."
  exit 1
fi

work=$cache_root/valkey-$VALKEY_VERSION.build
rm -rf "$work"
mkdir -p "$work"
log "downloading source package valkey=$debian_version"
(cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only "valkey=$debian_version" >/dev/null)
orig=$work/valkey_$VALKEY_VERSION.orig.tar.gz
if ! echo "$ORIG_SHA256  $orig" | sha256sum -c --quiet - >/dev/null 2>&1; then
  log "ERROR: $orig is not the tarball this script was written for (sha256 $(sha256sum "$orig" | cut -d' ' -f1),"
  log "expected $ORIG_SHA256)."
  exit 1
fi
src=$work/valkey-$VALKEY_VERSION
mkdir -p "$src"
# GitHub-style top directory (valkey-io-valkey-<commit>): strip it rather than guess its name.
tar -xzf "$orig" -C "$src" --strip-components=1

# Only the two programs the tests run (not the benchmark and check tools), with libc's malloc: the bundled jemalloc
# is one more configure-and-compile step, that step is the one that failed here under /tmp, and the tests do not
# measure the allocator. Both cuts together took the build from 195 s to about 100 s here. -j2: 2 cores, shared.
log "building valkey-server and valkey-cli (make -j2, TLS on)"
# Straight into src/: the top-level Makefile hands each goal to its own sub-make, and two of those in parallel would
# race on the shared dependencies.
if ! make -C "$src/src" -j2 BUILD_TLS=yes USE_SYSTEMD=no MALLOC=libc valkey-server valkey-cli >"$work/make.log" 2>&1; then
  tail -40 "$work/make.log"
  log "ERROR: the build failed; full log: $work/make.log"
  exit 1
fi

# Install by rename, so a half-copied directory never looks like a finished build.
rm -rf "$dest.tmp" "$dest"
mkdir -p "$dest.tmp/bin"
cp "$src/src/valkey-server" "$src/src/valkey-cli" "$dest.tmp/bin/"
mv "$dest.tmp" "$dest"
rm -rf "$work"

built || { log "ERROR: $bin/valkey-server does not report v=$VALKEY_VERSION"; exit 1; }
log "built Valkey $VALKEY_VERSION in $(( $(date +%s) - started )) s: $bin"
echo "$bin" >&3
