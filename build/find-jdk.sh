#!/bin/sh
# Prints the home of a JDK >= 21 (JAVA_HOME, then java on PATH, then /usr/lib/jvm/*, newest first).
# Exits 1 with a message on stderr when there is none.
min=21

feature() { # java home -> feature version, or 0
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -x "$1/bin/jlink" ] || { echo 0; return; }
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

ok() {
    v=$(feature "$1")
    [ -n "$v" ] && [ "$v" -ge "$min" ] 2>/dev/null
}

if [ -n "${JAVA_HOME:-}" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if ok "$home"; then echo "$home"; exit 0; fi
fi
best=""; bestv=0
for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$d" ] || continue
    v=$(feature "$d")
    if [ -n "$v" ] && [ "$v" -ge "$min" ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
done
if [ -n "$best" ]; then echo "$best"; exit 0; fi
echo "kdns needs a JDK >= $min (with javac and jlink). None found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
echo "Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 25) or set JAVA_HOME." >&2
exit 1
