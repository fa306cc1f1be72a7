#!/bin/sh
# Runs kuzet's benchmarks and prints their tables (Markdown). Figures only: nothing here fails on time.
#   bench/run.sh               every benchmark, full size (about 23 minutes on 2 cores; the store benchmark writes ~850 MB to the temp dir)
#   bench/run.sh --quick       smaller inputs, for a smoke run
#   bench/run.sh --collector   only the collector at scale (ingest SQLite/PostgreSQL, batch 1/50/500, 16 uploaders;
#                              queries with 1,000,000 stored; memory): tens of minutes, several GB in the temp dir;
#                              needs Debian's postgresql package (a throwaway server is started)
# The curl+dig baseline needs 'dig' (Debian: apt-get install bind9-dnsutils); without it that row is skipped.
set -eu
cd "$(dirname "$0")/.."
QUICK=0
COLLECTOR=0
[ "${1:-}" = "--quick" ] && QUICK=1
[ "${1:-}" = "--collector" ] && COLLECTOR=1
if [ ! -f bench/target/kuzet-bench.jar ] || [ -n "$(find . -path ./bench/target -prune -o -name '*.java' -newer bench/target/kuzet-bench.jar -print | head -n1)" ]; then
  mvn -B -q -DskipTests install >&2
fi
JAVA="${JAVA:-java}"
BENCH="$JAVA -jar bench/target/kuzet-bench.jar"
bin/kuzet --version >/dev/null   # build the agent jar now so no benchmark measures a build
if [ "$COLLECTOR" = 1 ]; then
  $BENCH collector --ingest 60000 --stored 1000000
  exit 0
fi
if [ "$QUICK" = 1 ]; then
  $BENCH throughput --urls 100 --parallel 16,64
  echo
  $BENCH footprint --repeats 3 --urls 100
  echo
  $BENCH service --idle-seconds 10 --urls 100 --large-urls 1000
  echo
  $BENCH analysis --jvm service --warmups 1 --iterations 1
  echo
  $BENCH store --measurements 10000
else
  $BENCH throughput --urls 500 --parallel 1,16,64
  echo
  $BENCH footprint --repeats 5 --urls 500
  echo
  $BENCH service --idle-seconds 60 --urls 500
  echo
  $BENCH analysis
  echo
  $BENCH store --measurements 100000
fi
