#!/usr/bin/env bash
# Archive (MAM) write throughput and query latency against a real store. See ArchiveBench.java.
#   load-tests/archive_bench.sh --backend cassandra --messages 1000000
#   load-tests/archive_bench.sh --backend embedded --messages 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests -pl load-tests/archive-bench -am install
cp_file=load-tests/archive-bench/target/classpath.txt
./mvnw -q -B -pl load-tests/archive-bench dependency:build-classpath -Dmdep.outputFile="$PWD/$cp_file"
exec java -Xmx2g -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 \
  -cp "load-tests/archive-bench/target/classes:$(cat "$cp_file")" io.switchboard.bench.ArchiveBench "$@"
