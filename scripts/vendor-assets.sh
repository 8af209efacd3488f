#!/usr/bin/env bash
# Refresh the vendored front-end assets under src/devzone/web/static/vendor/ from the npm registry.
# Run by a developer when upgrading; the product itself never fetches anything at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/devzone/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=("@tabler/core@1.6.1" "htmx.org@2" "alpinejs@3.17.5" "echarts@6.1.0")
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "${packages[@]}" >/dev/null)
mkdir -p "$dest"/{tabler,htmx,alpine,echarts}
cp "$work/node_modules/@tabler/core/dist/css/tabler.min.css" "$dest/tabler/"
cp "$work/node_modules/@tabler/core/dist/js/tabler.min.js" "$dest/tabler/"
cp "$work/node_modules/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$work/node_modules/alpinejs/dist/cdn.min.js" "$dest/alpine/alpine.min.js"
cp "$work/node_modules/echarts/dist/echarts.min.js" "$dest/echarts/"
# Strip source-map references: the maps are not shipped.
sed -i '/sourceMappingURL/d' "$dest"/*/*.js "$dest"/*/*.css
{
  echo "# Vendored front-end assets (scripts/vendor-assets.sh)"
  for p in @tabler/core htmx.org alpinejs echarts; do
    echo "$p $(node -p "require('$work/node_modules/$p/package.json').version")"
  done
} > "$dest/VERSIONS.txt"
if grep -lE "https?://(fonts|cdn|unpkg|rsms)" "$dest"/*/*.css; then
  echo "a vendored stylesheet refers to a network resource" >&2; exit 1
fi
echo "vendored into $dest"
