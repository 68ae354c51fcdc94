package kdns.e2e;

import java.util.ArrayList;
import java.util.List;

/** knot's kdig against a server on 127.0.0.1, one try, and the answer section of what it printed. */
final class Kdig {

    private Kdig() {
    }

    /** Runs kdig against 127.0.0.1 on {@code port} with {@code args} (options, name, type). */
    static String ask(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kdig", "@127.0.0.1", "-p", String.valueOf(port),
                "+retry=0", "+timeout=3"));
        cmd.addAll(List.of(args));
        return CommandLine.run(cmd.toArray(new String[0]));
    }

    /** The records of the answer section, one per line with single spaces, in the order printed. */
    static String answer(String out) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String l : out.split("\n")) {
            if (l.startsWith(";; ANSWER SECTION:")) {
                in = true;
                continue;
            }
            if (in && (l.isBlank() || l.startsWith(";;"))) {
                break;
            }
            if (in) {
                sb.append(l.strip().replaceAll("\\s+", " ")).append('\n');
            }
        }
        return sb.toString();
    }
}
