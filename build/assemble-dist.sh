#!/bin/sh
# Assembles a distribution from built modules and a plugin.cfg:
#   assemble-dist.sh JDK_HOME PLUGIN_CFG OUT_DIR [portable]
# OUT_DIR gets bin/kdns, lib/ (boot modules), plugins/<module>/ (one folder per plugin module with
# its own dependencies and modules.list, their module descriptors), conf/plugin.cfg, conf/compile-commands (bin/kdns's JIT compile commands)
# and, unless 'portable', a jlink'd runtime/ and the JDK 25 ahead-of-time caches aot/*.aot, one per
# kind of Corefile (build/aot-train.sh).
set -eu
jdk=$1; cfg=$2; out=$3; mode=${4:-full}
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$top/pom.xml" | head -n 1)

[ -f "$cfg" ] || { echo "plugin.cfg not found: $cfg" >&2; exit 1; }
rm -rf "$out.tmp"; mkdir -p "$out.tmp/bin" "$out.tmp/lib" "$out.tmp/plugins" "$out.tmp/conf"

# Boot layer: the host, module-api and what the API exposes.
cp "$top/host/target/kdns-host-$version.jar" "$out.tmp/lib/"
cp "$top/host/target/boot-layer/"*.jar "$out.tmp/lib/"

# plugin.cfg is read by the server's own parser (kdns.host.plugins.PluginCfgCommand), which also
# rejects a malformed file here rather than at the first start.
hostjar="$top/host/target/kdns-host-$version.jar"
layers=$("$jdk/bin/java" -cp "$hostjar" kdns.host.plugins.PluginCfgCommand modules "$cfg")

# External plugins (name:groupId:artifactId:version) come from the Maven repositories.
if echo "$layers" | grep -q ' '; then
    JAVA="$jdk/bin/java" "$top/build/resolve-external.sh" "$cfg"
fi

# Plugin layers, in plugin.cfg order; jars already in the boot layer are left out. A line of
# 'modules' is "folder" for an in-tree module, "folder groupId:artifactId:version" for an external one.
modules=$(echo "$layers" | cut -d' ' -f1)
while read -r m coordinates; do
    dest="$out.tmp/plugins/$m"; mkdir -p "$dest"
    if [ -n "$coordinates" ]; then
        [ -d "$top/target/external-plugins/$m" ] || { echo "external plugin $coordinates was not resolved" >&2; exit 1; }
        for dep in "$top/target/external-plugins/$m/"*.jar; do
            [ -f "$out.tmp/lib/$(basename "$dep")" ] || cp "$dep" "$dest/"
        done
    elif [ -d "$top/$m/target" ]; then
        jar=$(ls "$top/$m/target/"kdns-"$m"-"$version".jar 2>/dev/null || true)
        [ -n "$jar" ] || { echo "module $m is not built: $top/$m/target/kdns-$m-$version.jar missing (run make build)" >&2; exit 1; }
        cp "$jar" "$dest/"
        for dep in "$top/$m/target/plugin-layer/"*.jar; do
            [ -f "$dep" ] || continue
            [ -f "$out.tmp/lib/$(basename "$dep")" ] || cp "$dep" "$dest/"
        done
    else
        echo "plugin.cfg names module '$m', but there is no folder $top/$m and no resolved external plugin of that name" >&2
        exit 1
    fi
done <<LAYERS
$layers
LAYERS

# A plugin module built on another one (its folder holds that module's jar, as multicluster's holds
# kubernetes's) gets that module's layer as parent at run time (host's PluginLayers): its folder
# keeps only the jars the other folder does not have, so each jar is in the distribution once.
for m in $modules; do
    for y in $modules; do
        [ "$m" != "$y" ] && [ -f "$out.tmp/plugins/$y/kdns-$y-$version.jar" ] \
            && [ -f "$out.tmp/plugins/$m/kdns-$y-$version.jar" ] || continue
        for j in "$out.tmp/plugins/$y/"*.jar; do
            rm -f "$out.tmp/plugins/$m/$(basename "$j")"
        done
    done
done

# Signed jars lose their signature files (build/UnsignJars.java says why): the JDK would check them
# at every start.
"$jdk/bin/java" "$top/build/UnsignJars.java" "$out.tmp"/lib/*.jar "$out.tmp"/plugins/*/*.jar

# Each plugin folder's module descriptors, plugins/*/modules.list (host's ModuleList): the server
# reads them instead of listing every entry of each automatic module's jar at start (0.16 s for
# plugin-kubernetes). Written after the last change to the jars; a jar whose size or time differs
# later, or one added by hand, makes the server read that folder's jars as before.
"$jdk/bin/java" -cp "$hostjar" kdns.host.plugins.ModuleListCommand "$out.tmp/plugins"

# Netty's epoll library, unpacked into native/ (bin/kdns puts that folder on java.library.path,
# where Netty looks first): otherwise every start extracts it from its jar into a temporary file and
# loads that. The jars keep their copy, which Netty falls back to when this one cannot be loaded.
mkdir -p "$out.tmp/native"
for j in "$out.tmp"/lib/netty-transport-native-epoll-*-linux-*.jar; do
    [ -f "$j" ] || continue
    (cd "$out.tmp/native" && "$jdk/bin/jar" xf "$j" META-INF/native)
done
if [ -d "$out.tmp/native/META-INF/native" ]; then
    mv "$out.tmp/native/META-INF/native/"*.so "$out.tmp/native/"
    rm -rf "$out.tmp/native/META-INF"
fi

cp "$cfg" "$out.tmp/conf/plugin.cfg"
cp "$top/build/compile-commands" "$out.tmp/conf/compile-commands"
commit=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
sed "s/@COMMIT@/$commit/" "$top/build/kdns.sh" > "$out.tmp/bin/kdns"; chmod +x "$out.tmp/bin/kdns"

if [ "$mode" != portable ]; then
    # One runtime per JDK: reuse it when the cached copy came from the same JDK.
    cache="$top/target/runtime"
    stamp="$jdk $(cat "$jdk/release" 2>/dev/null | md5sum | cut -c1-12)"
    if [ ! -x "$cache/bin/java" ] || [ "$(cat "$top/target/runtime.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$cache"; mkdir -p "$top/target"
        mods=java.se,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.localedata,jdk.charsets,jdk.jcmd,jdk.attach
        avail=$("$jdk/bin/java" --list-modules | sed 's/@.*//' | tr '\n' ' ')
        use=""; for x in $(echo "$mods" | tr ',' ' '); do case " $avail " in *" $x "*) use="$use,$x";; esac; done
        "$jdk/bin/jlink" --add-modules "${use#,}" --strip-debug --no-header-files --no-man-pages \
            --compress=zip-6 --output "$cache"
        echo "$stamp" > "$top/target/runtime.stamp"
    fi
    cp -a "$cache" "$out.tmp/runtime"
fi

rm -rf "$out"; mv "$out.tmp" "$out"

# The JDK 25 ahead-of-time caches (bin/kdns uses one): training runs of the distribution in its final
# place (the JVM ties the cache to the module path), bounded in time. A failed training leaves a
# distribution without a cache and one warning line. AOT=off skips it (the release archives: they
# are unpacked elsewhere, where the cache would not be used).
if [ "$mode" != portable ] && [ "${AOT:-on}" != off ]; then
    "$top/build/aot-train.sh" "$jdk" "$out" || true
fi
echo "distribution: $out ($(du -sh "$out" | cut -f1))"
