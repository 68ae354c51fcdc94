#!/bin/sh
# Resolves the external plugins of a plugin.cfg (name:groupId:artifactId:version lines) from the
# Maven repositories (the local one first): each artifact with its runtime dependencies goes to
# target/external-plugins/<artifactId>/, which assemble-dist.sh turns into plugins/<artifactId>/.
#   resolve-external.sh PLUGIN_CFG
# plugin.cfg is read by the server's parser from the built host jar (JAVA, default java on the PATH).
set -eu
cfg=$1
top=$(cd "$(dirname "$0")/.." && pwd)
mvn=${MVN:-mvn}
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$top/pom.xml" | head -n 1)
external=$("${JAVA:-java}" -cp "$top/host/target/kdns-host-$version.jar" kdns.host.plugins.PluginCfgCommand external "$cfg")
[ -n "$external" ] || exit 0
while read -r g a v; do
    dir="$top/target/external-plugins/$a"
    rm -rf "$dir"; mkdir -p "$dir"
    # A throw-away project whose only dependency is the plugin: copy-dependencies then yields the
    # plugin and everything it needs at run time (module-api is 'provided' in a plugin, so it stays out).
    cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.kdns.external</groupId>
  <artifactId>resolve-$a</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>
  </dependencies>
</project>
POM
    if ! $mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
            -DoutputDirectory="$dir" >"$dir/resolve.log" 2>&1 </dev/null; then
        echo "cannot resolve external plugin $g:$a:$v (is it installed or published?):" >&2
        grep -E "ERROR" "$dir/resolve.log" | head -5 >&2
        exit 1
    fi
    rm -f "$dir/pom.xml"
    echo "external plugin $g:$a:$v: $(ls "$dir"/*.jar | wc -l) jar(s)"
done <<EXTERNAL
$external
EXTERNAL
