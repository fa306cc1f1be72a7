#!/bin/sh
# Regenerates kuzet's offline IP → AS number / AS name / country table
# (probe-core/src/main/resources/org/kuzet/core/identity/ip-asn-country.bin.gz) from pinned npm packages of
# ip-location-db, and copies their licence files beside it. Run from anywhere; needs npm, a JDK 17 and Maven.
# The Maven build never fetches this data: the generated table is checked in, so builds stay offline and
# reproducible. To refresh: bump the versions below, run this script, update SOURCE.md's date, commit.
set -eu

ASN_PACKAGE=@ip-location-db/asn
ASN_VERSION=2.3.2026061719
COUNTRY_PACKAGE=@ip-location-db/geo-whois-asn-country
COUNTRY_VERSION=2.3.2026061719

repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/probe-core/src/main/resources/org/kuzet/core/identity"
mkdir -p "$out/licenses"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "$ASN_PACKAGE@$ASN_VERSION" "$COUNTRY_PACKAGE@$COUNTRY_VERSION" >/dev/null
mkdir asn country
tar xzf ip-location-db-asn-"$ASN_VERSION".tgz -C asn
tar xzf ip-location-db-geo-whois-asn-country-"$COUNTRY_VERSION".tgz -C country

(cd "$repo" && mvn -B -q -o -pl probe-core -am compile)
java -Xmx3g -cp "$repo/probe-core/target/classes" org.kuzet.core.identity.IpDatabaseWriter \
  "$out/ip-asn-country.bin.gz" \
  "$ASN_PACKAGE $ASN_VERSION (CC-BY-4.0: RouteViews, NRO, DB-IP); $COUNTRY_PACKAGE $COUNTRY_VERSION (CC0-1.0; NRO data CC-BY-4.0)" \
  --asn asn/package/asn-ipv4.csv asn/package/asn-ipv6.csv \
  --country country/package/geo-whois-asn-country-ipv4.csv country/package/geo-whois-asn-country-ipv6.csv

for f in DBIP-LICENSE NRO_LICENSE ROUTEVIEWS-LICENSE MODIFICATIONS; do
  cp "asn/package/$f" "$out/licenses/asn-$f"
done
cp country/package/NRO_LICENSE "$out/licenses/country-NRO_LICENSE"
echo "now update the versions and date in $out/SOURCE.md"
