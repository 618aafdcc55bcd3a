#!/usr/bin/env sh
# Streambus quick start: builds what is missing (or out of date), then runs the live demo in the foreground.
# Needs JDK 17+ and Maven. Ctrl-C stops everything. Settings: BUS_REDIS_URL (use your Redis instead of a local
# one), BUS_HTTP_PORT (default 8081), BUS_DEMO_RATE (messages per second, default 40).
set -e
cd "$(dirname "$0")"
JAR=demo/target/streambus-demo.jar
stale() {
  [ ! -f "$JAR" ] && return 0
  changed=$(find . -path ./.git -prune -o -path '*/target' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$JAR" -print | head -n 1)
  [ -n "$changed" ]
}
if stale; then
  echo "Building Streambus (the first build downloads dependencies and takes a few minutes)..."
  mvn -B -q -DskipTests -pl demo -am package
fi
exec java -jar "$JAR" "$@"
