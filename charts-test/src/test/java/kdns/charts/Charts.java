package kdns.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.Yaml;

/** Renders charts/kdns with helm-java and reads the result; finds and installs the tools the tests run. */
final class Charts {

    /** The release name and namespace deploy/kdns.yaml is rendered with (the cluster DNS's). */
    static final String RELEASE = "kdns";
    static final String NAMESPACE = "kube-system";

    private Charts() {
    }

    /** The source tree's root (the directory holding charts/kdns). */
    static Path root() {
        String prop = System.getProperty("kdns.project.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "charts", "kdns"))) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("charts/kdns"))) {
                return p;
            }
        }
        throw new AssertionError("charts/kdns not found above " + Path.of("").toAbsolutePath());
    }

    static Path chart() {
        return root().resolve("charts/kdns");
    }

    /** A values file of this module's test resources (src/test/resources/values/NAME.yaml). */
    static Path values(String name) {
        Path p = root().resolve("charts-test/src/test/resources/values").resolve(name + ".yaml");
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("no values file " + p);
        }
        return p;
    }

    /** helm template with the release name kdns in kube-system: the rendered text. */
    static String renderText(List<Path> valuesFiles, Map<String, Object> sets) {
        TemplateCommand t = new Helm(chart()).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Path v : valuesFiles) {
            t = t.withValuesFile(v);
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return t.call();
    }

    /** The rendered objects, in the order helm prints them. */
    static Rendering render(String... valuesNames) {
        List<Path> files = new ArrayList<>();
        for (String n : valuesNames) {
            files.add(values(n));
        }
        return new Rendering(renderText(files, Map.of()));
    }

    /** Rendered manifests: the text and the objects. */
    record Rendering(String text, List<Map<String, Object>> objects) {
        @SuppressWarnings("unchecked")
        Rendering(String text) {
            this(text, parse(text));
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> parse(String text) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object o : new Yaml().loadAll(text)) {
                if (o != null) {
                    out.add((Map<String, Object>) o);
                }
            }
            return out;
        }

        Optional<Map<String, Object>> find(String kind, String name) {
            return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(Y.str(o, "metadata.name")))
                    .findFirst();
        }

        Map<String, Object> get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in\n" + kinds()));
        }

        List<String> kinds() {
            return objects.stream().map(o -> o.get("kind") + "/" + Y.str(o, "metadata.name")).sorted().toList();
        }

        /** The kdns ConfigMap's Corefile. */
        String corefile() {
            Object c = Y.map(get("ConfigMap", RELEASE), "data").get("Corefile");
            assertNotNull(c, "the ConfigMap has a Corefile");
            return (String) c;
        }
    }

    /** Is the command on the PATH? */
    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static boolean isRoot() {
        try {
            return "0".equals(run(List.of("id", "-u")).output().trim());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes sure a tool is there: build/install-test-deps.sh installs its Debian package when it is
     * missing (as root, as make test does before the tests); without root the test is skipped with the
     * reason, as root a tool that still is not there fails it.
     */
    static void requireTool(String command, String debianPackage) throws IOException {
        if (onPath(command)) {
            return;
        }
        Result r = run(List.of(root().resolve("build/install-test-deps.sh").toString(), command + ":" + debianPackage));
        if (onPath(command)) {
            return;
        }
        if (isRoot()) {
            fail(command + " (Debian package " + debianPackage + ") could not be installed:\n" + r.output());
        }
        Assumptions.abort(command + " is missing and cannot be installed without root: apt-get install "
                + debianPackage + " (" + r.output().trim() + ")");
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command to completion (at most five minutes: apt-get), stdout and stderr together. */
    static Result run(List<String> command) throws IOException {
        Path out = Files.createTempFile("kdns-charts", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within five minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void assertSuccess(Result r, String what) {
        assertEquals(0, r.exitCode(), what + ":\n" + r.output());
    }
}
