package kdns.host.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line, parsed like Go's {@code flag} package as CoreDNS uses it: {@code -name value},
 * {@code -name=value} or {@code --name}, booleans without a value, and no positional arguments.
 */
record Flags(String conf, int dnsPort, boolean plugins, boolean verbose, boolean version, boolean quiet,
             String pidfile, boolean validate) {

    static final String USAGE = """
            Usage of kdns:
              -conf string
                    Corefile to load (default "Corefile")
              -dns.port string
                    Default port (default "53")
              -p string
                    Default port (alias of -dns.port)
              -pidfile string
                    File path to write pid file
              -plugins
                    List installed plugins (with -v: their modules and descriptions)
              -quiet
                    Quiet mode (no initialization output)
              -validate
                    Parse the Corefile and run every plugin's setup without serving; print 'Corefile OK'
              -version
                    Show version
            """;

    /** A command line that cannot be run; the message is what to print before the usage. */
    static final class UsageException extends Exception {
        final int exitCode;

        UsageException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    static Flags parse(String[] args) throws UsageException {
        String conf = null;
        int port = 53;
        boolean plugins = false;
        boolean verbose = false;
        boolean version = false;
        boolean quiet = false;
        boolean validate = false;
        String pidfile = null;
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-") || !extra.isEmpty()) {
                extra.add(a);
                continue;
            }
            if (a.equals("--")) {
                for (int j = i + 1; j < args.length; j++) {
                    extra.add(args[j]);
                }
                break;
            }
            String name = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "plugins" -> plugins = bool(name, value);
                case "v" -> verbose = bool(name, value);
                case "version" -> version = bool(name, value);
                case "quiet" -> quiet = bool(name, value);
                case "validate" -> validate = bool(name, value);
                case "conf", "dns.port", "p", "pidfile" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("flag needs an argument: -" + name, 2);
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "conf" -> conf = value;
                        case "pidfile" -> pidfile = value;
                        default -> port = port(name, value);
                    }
                }
                case "h", "help" -> throw new UsageException("", 0);
                default -> throw new UsageException("flag provided but not defined: -" + name, 2);
            }
        }
        if (!extra.isEmpty()) {
            throw new UsageException("extra command line arguments: " + extra, 1);
        }
        return new Flags(conf, port, plugins, verbose, version, quiet, pidfile, validate);
    }

    private static boolean bool(String name, String value) throws UsageException {
        if (value == null || value.equals("true") || value.equals("1")) {
            return true;
        }
        if (value.equals("false") || value.equals("0")) {
            return false;
        }
        throw new UsageException("invalid boolean value \"" + value + "\" for -" + name, 2);
    }

    private static int port(String name, String value) throws UsageException {
        try {
            int p = Integer.parseInt(value);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value \"" + value + "\" for -" + name
                    + ": a port number from 0 to 65535", 2);
        }
    }
}
