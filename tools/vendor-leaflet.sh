#!/usr/bin/env bash
# Re-vendor Leaflet into assets/leaflet/ from the npm registry (npm pack) and
# check the files against the hashes recorded in assets/leaflet/README.md.
# Usage: tools/vendor-leaflet.sh            (needs npm)
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.9.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "leaflet@$version" >/dev/null && tar xzf "leaflet-$version.tgz")
pkg="$work/package"
dest=assets/leaflet
mkdir -p "$dest/images"
cp "$pkg/dist/leaflet.js" "$pkg/dist/leaflet.css" "$pkg/LICENSE" "$dest/"
cp "$pkg/dist/images/layers.png" "$pkg/dist/images/layers-2x.png" \
   "$pkg/dist/images/marker-icon.png" "$dest/images/"
check() {
    local want=$1 file=$2 got
    got=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        echo "vendor-leaflet: $file: sha256 $got, expected $want" >&2
        exit 1
    fi
}
check db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a "$dest/leaflet.js"
check a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6 "$dest/leaflet.css"
echo "vendor-leaflet: leaflet $version in $dest, hashes match"
