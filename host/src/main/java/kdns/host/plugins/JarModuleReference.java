package kdns.host.plugins;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A module in a jar whose descriptor is already known (from the folder's {@link ModuleIndex}), so the
 * jar is opened only when the layer's class loader first reads a class or resource of it. The reader
 * reads the jar as the JDK's own jar module reader does: multi-release entries for the running Java
 * version, signatures checked, {@code jar:} URIs for resources.
 */
final class JarModuleReference extends ModuleReference {

    private final Path jar;

    JarModuleReference(ModuleDescriptor descriptor, Path jar) {
        super(descriptor, jar.toUri());
        this.jar = jar;
    }

    @Override
    public ModuleReader open() throws IOException {
        return new Reader(jar);
    }

    private static final class Reader implements ModuleReader {
        private final JarFile file;
        private final String uri;
        private volatile boolean closed;

        Reader(Path jar) throws IOException {
            this.file = new JarFile(new File(jar.toString()), true, ZipFile.OPEN_READ, JarFile.runtimeVersion());
            this.uri = jar.toUri().toString();
        }

        private JarEntry entry(String name) throws IOException {
            Objects.requireNonNull(name);
            if (closed) {
                throw new IOException("ModuleReader is closed");
            }
            return file.getJarEntry(name);
        }

        @Override
        public Optional<URI> find(String name) throws IOException {
            JarEntry e = entry(name);
            if (e == null) {
                return Optional.empty();
            }
            String path = file.isMultiRelease() ? e.getRealName() : name;
            if (e.isDirectory() && !path.endsWith("/")) {
                path += "/";
            }
            try {
                return Optional.of(new URI("jar:" + uri + "!/" + new URI(null, null, "/" + path, null).getRawPath().substring(1)));
            } catch (URISyntaxException x) {
                throw new IOException("entry " + path + " of " + file.getName() + " has no URI: " + x.getMessage(), x);
            }
        }

        @Override
        public Optional<InputStream> open(String name) throws IOException {
            JarEntry e = entry(name);
            return e == null || e.isDirectory() ? Optional.empty() : Optional.of(file.getInputStream(e));
        }

        @Override
        public Stream<String> list() throws IOException {
            if (closed) {
                throw new IOException("ModuleReader is closed");
            }
            return file.versionedStream().map(JarEntry::getName).toList().stream();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            file.close();
        }
    }
}
