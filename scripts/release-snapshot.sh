#!/usr/bin/env bash
# Builds a release locally without publishing anything: checks
# .goreleaser.yaml, then `goreleaser release --snapshot` in a throwaway clone
# of HEAD (so uncommitted files never reach an archive), and lists what each
# archive holds. Output: the clone's dist/ directory, printed at the end.
#
# Needs goreleaser v2 and cyclonedx-gomod (the SBOM) on PATH, or installs
# them with `go install` from the Go module proxy (several minutes the
# first time). The six cross-builds take long on a small machine (about 40
# minutes on a loaded 2-core one), so CI (.ci/run) does not run this:
#   go install github.com/goreleaser/goreleaser/v2@v2.15.1
#   go install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

export PATH="$(go env GOPATH)/bin:$PATH"
if ! command -v goreleaser >/dev/null 2>&1; then
  echo "== installing goreleaser v2.15.1"
  GOFLAGS= go install github.com/goreleaser/goreleaser/v2@v2.15.1
fi
if ! command -v cyclonedx-gomod >/dev/null 2>&1; then
  echo "== installing cyclonedx-gomod v1.10.0 (SBOMs)"
  GOFLAGS= go install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/amlaks-release.XXXXXX")
git clone -q "$repo" "$work/amlaks"
git -C "$work/amlaks" checkout -q "$(git rev-parse HEAD)"
cd "$work/amlaks"

echo "== goreleaser check"
goreleaser check

echo "== goreleaser release --snapshot --clean --skip=publish"
goreleaser release --snapshot --clean --skip=publish

echo "== archives"
for a in dist/*.tar.gz; do
  echo "-- $a"
  tar tzf "$a"
done
for z in dist/*.zip; do
  echo "-- $z"
  unzip -Z1 "$z"
done
echo "== packages and SBOMs"
ls -1 dist/*.deb dist/*.rpm dist/*.cdx.json 2>/dev/null || true
echo "== done: $work/amlaks/dist"
