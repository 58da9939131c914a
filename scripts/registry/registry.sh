#!/usr/bin/env bash
# A real Confluent-compatible Schema Registry for the tests: Apicurio Registry 2.4.2.Final with
# in-memory (H2) storage, API at <url>/apis/ccompat/v7. Maven Central has the app only as a plain,
# pre-augmentation jar, so `build` runs Quarkus' build over it (pom.xml here) once; the result is
# cached in .cache/registry/app and rebuilt only when pom.xml, settings.xml or
# application.properties change. Needs Java 17+ and Maven (Debian: openjdk-17-jre-headless, maven).
#
#   scripts/registry/registry.sh build                  build the app if missing (idempotent)
#   scripts/registry/registry.sh start <port> [dir]     build if needed, start on 127.0.0.1:<port>,
#                                                       wait until it answers, print its base URL;
#                                                       pid and log in <dir> (default .cache/registry/run)
#   scripts/registry/registry.sh stop [dir]             stop the registry whose pid is in <dir>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.cache/registry"
app="$cache/app/quarkus-app/quarkus-run.jar"

inputs_hash() {
  cat "$here/pom.xml" "$here/settings.xml" "$here/application.properties" | sha256sum | cut -d' ' -f1
}

build() {
  local hash
  hash="$(inputs_hash)"
  if [[ -f "$app" && -f "$cache/app/.inputs-sha256" && "$(cat "$cache/app/.inputs-sha256")" == "$hash" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "registry.sh: Maven (mvn) is needed to build the test registry" >&2; exit 1; }
  local work="$cache/build"
  rm -rf "$work" "$cache/app"
  mkdir -p "$work/src/main/resources" "$cache/app"
  cp "$here/pom.xml" "$work/pom.xml"
  cp "$here/application.properties" "$work/src/main/resources/application.properties"
  echo "registry.sh: building Apicurio Registry with Quarkus (first time only; log in $work/build.log)" >&2
  if ! (cd "$work" && mvn -B -ntp -s "$here/settings.xml" package -DskipTests >build.log 2>&1); then
    tail -40 "$work/build.log" >&2
    echo "registry.sh: the Maven build failed; full log in $work/build.log" >&2
    exit 1
  fi
  mv "$work/target/quarkus-app" "$cache/app/quarkus-app"
  echo "$hash" >"$cache/app/.inputs-sha256"
  rm -rf "$work/target"
}

start() {
  local port="${1:?usage: registry.sh start <port> [dir]}"
  local dir="${2:-$cache/run}"
  build
  mkdir -p "$dir"
  if [[ -f "$dir/pid" ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "registry.sh: a registry is already running from $dir (pid $(cat "$dir/pid"))" >&2
    exit 1
  fi
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  # setsid: the registry outlives this script and gets its own process group, stopped by its pid.
  setsid "$java" -Xmx384m \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dquarkus.log.console.json=false \
    -jar "$app" >"$dir/registry.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  local url="http://127.0.0.1:$port/apis/ccompat/v7"
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$url/subjects" 2>/dev/null; then
      echo "$url"
      return 0
    fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      tail -30 "$dir/registry.log" >&2
      echo "registry.sh: the registry exited during startup; log in $dir/registry.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "registry.sh: the registry did not answer on $url within 120 s; log in $dir/registry.log" >&2
  stop "$dir"
  exit 1
}

stop() {
  local dir="${1:-$cache/run}"
  [[ -f "$dir/pid" ]] || return 0
  local pid
  pid="$(cat "$dir/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$dir/pid"
}

case "${1:-}" in
  build) build ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: registry.sh build | start <port> [dir] | stop [dir]" >&2; exit 2 ;;
esac
