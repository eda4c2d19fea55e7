#!/usr/bin/env bash
# Builds the Debian package of Outpost: a self-contained single-file program for linux-x64 (no .NET needed
# on the target), the systemd unit, a commented /etc/outpost/outpost.json and the maintainer scripts.
#   packaging/build-deb.sh [OUT_DIR]      # default: ./dist; prints the path of the .deb it made
# The publish takes a few minutes on a small machine (the runtime pack comes from the package registry like any
# package); the packing is gzip, which dpkg everywhere reads and which takes seconds where xz took ten minutes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$repo/dist}" && cd "${1:-$repo/dist}" && pwd)"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")"
commit="$(git -C "$repo" rev-parse HEAD 2>/dev/null || true)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Built from a copy of the sources (no bin/ or obj/), so the publish neither uses nor disturbs a build in the checkout.
mkdir -p "$work/src"
(cd "$repo" && tar --exclude=bin --exclude=obj --exclude=node_modules -cf - Directory.Build.props Directory.Packages.props global.json src) | tar -xf - -C "$work/src"
# The commit is passed explicitly, so the copy (no .git) still says which one it was (outpost --version).
if ! log=$(dotnet publish "$work/src/src/Outpost" -c Release -r linux-x64 --self-contained true -p:PublishSingleFile=true \
    -p:DebugType=none -p:SourceRevisionId="$commit" -m:1 --nologo -v q -o "$work/publish" 2>&1); then
  echo "$log" >&2
  exit 1
fi

pkg="$work/pkg"
install -d "$pkg/DEBIAN" "$pkg/usr/lib/outpost" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/etc/outpost" "$pkg/usr/share/doc/outpost"
# The program and the native libraries it loads (SQLite, ML.NET) side by side: nothing is extracted at run time,
# which a read-only /usr (ProtectSystem=strict) would not allow anyway.
# Debug symbols of native libraries (libLdaNative.so.dbg) are not shipped: 1 MB nobody on a server reads.
find "$work/publish" -name '*.dbg' -delete
cp -a "$work/publish/." "$pkg/usr/lib/outpost/"
chmod 0755 "$pkg/usr/lib/outpost"/*.so "$pkg/usr/lib/outpost/outpost"
chmod 0644 "$pkg/usr/lib/outpost/outpost.json"
# The packaged defaults name the absolute data directory the service's unit makes writable.
sed -i 's|"DataDirectory": *"[^"]*"|"DataDirectory": "/var/lib/outpost"|' "$pkg/usr/lib/outpost/outpost.json"
grep -q '"DataDirectory": "/var/lib/outpost"' "$pkg/usr/lib/outpost/outpost.json"
ln -s ../lib/outpost/outpost "$pkg/usr/bin/outpost"
install -m 0644 "$repo/packaging/outpost.service" "$pkg/lib/systemd/system/outpost.service"
install -m 0640 "$repo/packaging/outpost.json" "$pkg/etc/outpost/outpost.json"
install -m 0644 "$repo/README.md" "$pkg/usr/share/doc/outpost/README.md"
for script in postinst prerm postrm; do
  install -m 0755 "$repo/packaging/debian/$script" "$pkg/DEBIAN/$script"
done
echo "/etc/outpost/outpost.json" > "$pkg/DEBIAN/conffiles"
size="$(du -sk "$pkg" | cut -f1)"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: outpost
Version: $version
Architecture: amd64
Maintainer: Outpost <outpost@localhost>
Section: mail
Priority: optional
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, libssl3 | libssl3t64, passwd, util-linux
Description: Outpost outbound mail system
 The outbound mail system of a domain-mail host: SMTP submission, policy, DKIM signing,
 a durable queue, delivery through several channels, bounces and a send log.
 Built from commit ${commit:-unknown}.
CONTROL
deb="$out/outpost_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$deb" >/dev/null
echo "$deb"
