package kdns.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A module jar whose descriptor came from the folder's {@link ModuleList}: the jar is opened only
 * when the module's class loader first reads from it. Its location is the jar's file URI, as
 * {@code ModuleFinder.of} gives it, so code sources (and the AOT cache's view of them) are unchanged.
 */
final class ListedJarModule extends ModuleReference {

    private final Path jar;

    ListedJarModule(ModuleDescriptor descriptor, Path jar) {
        super(descriptor, jar.toUri());
        this.jar = jar;
    }

    @Override
    public ModuleReader open() throws IOException {
        // As the JDK's module path reads a jar: verified, the runtime's view of a multi-release jar.
        return new JarReader(new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, JarFile.runtimeVersion()),
                jar.toUri());
    }

    /** Reads a module's resources from its jar, as the JDK's module path reader does. */
    private static final class JarReader implements ModuleReader {
        private final JarFile jarFile;
        private final URI jarUri;
        private volatile boolean closed;

        JarReader(JarFile jarFile, URI jarUri) {
            this.jarFile = jarFile;
            this.jarUri = jarUri;
        }

        @Override
        public Optional<URI> find(String name) throws IOException {
            JarEntry entry = entry(name);
            if (entry == null) {
                return Optional.empty();
            }
            String real = jarFile.isMultiRelease() ? entry.getRealName() : name;
            if (entry.isDirectory() && !real.endsWith("/")) {
                real += "/";
            }
            try {
                String path = new URI(null, null, real, null).getRawPath();
                return Optional.of(new URI("jar:" + jarUri + "!/" + path));
            } catch (URISyntaxException e) {
                throw new IOException("cannot make a URI of entry " + real + " in " + jarUri, e);
            }
        }

        @Override
        public Optional<InputStream> open(String name) throws IOException {
            JarEntry entry = entry(name);
            if (entry == null) {
                return Optional.empty();
            }
            if (entry.isDirectory()) {
                return Optional.of(InputStream.nullInputStream());
            }
            return Optional.of(jarFile.getInputStream(entry));
        }

        @Override
        public Stream<String> list() throws IOException {
            ensureOpen();
            return jarFile.versionedStream().map(JarEntry::getName);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            jarFile.close();
        }

        private JarEntry entry(String name) throws IOException {
            ensureOpen();
            return jarFile.getJarEntry(name);
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("ModuleReader of " + jarUri + " is closed");
            }
        }
    }
}
