#!/usr/bin/env bash
# Runs the sysmem-sim command line (dev.sysmem.sim.cli.SysmemSim) from this checkout on JDK 25,
# whatever the default java: builds sysmem-core, device-sim and sysmem-cli first (quietly, without tests), then
# replaces itself with java, so Ctrl-C and SIGTERM reach the device process directly and its exit
# code is this script's. Try: scripts/sysmem-sim.sh list
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

java=
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25*/bin/java /usr/lib/jvm/*25*/bin/java "$(command -v java || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
        java=$candidate
        break
    fi
done
[ -n "$java" ] || { echo "sysmem-sim.sh: no JDK 25 or later found (set JAVA_HOME)" >&2; exit 1; }

(cd "$root" && mvn -B -q -pl sysmem-cli -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime) >&2
jar=$(ls "$root"/sysmem-cli/target/sysmem-cli-*.jar | grep -v -e sources -e javadoc | head -n 1)

exec "$java" --enable-native-access=ALL-UNNAMED -cp "$jar:$(cat "$root/sysmem-cli/target/classpath.txt")" \
    dev.sysmem.sim.cli.SysmemSim "$@"
