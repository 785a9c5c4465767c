#!/bin/sh
# appstreamcli validate --no-net on the metainfo: no errors, no warnings
# (pedantic notes are printed, not counted). It must also name the project's
# version as its newest release and launch org.natter.Natter.desktop.
# usage: validate_metainfo.sh METAINFO VERSION
set -u
metainfo=$1 version=$2
if ! command -v appstreamcli >/dev/null 2>&1; then
    echo "SKIP: appstreamcli not installed (Debian: appstream)"
    exit 77
fi
out=$(appstreamcli validate --no-net --pedantic --no-color "$metainfo" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ] || printf '%s\n' "$out" | grep -q '^[EW]:'; then
    echo "FAIL: appstreamcli validate: exit $rc, errors or warnings above"
    exit 1
fi
first=$(sed -n 's/.*<release version="\([^"]*\)".*/\1/p' "$metainfo" | head -n 1)
if [ "$first" != "$version" ]; then
    echo "FAIL: newest <release> is '$first', the project is $version"
    exit 1
fi
if ! grep -q '<launchable type="desktop-id">org.natter.Natter.desktop</launchable>' "$metainfo"; then
    echo "FAIL: no <launchable> for org.natter.Natter.desktop"
    exit 1
fi
echo "ok: metainfo valid, release $version"
