package kdns.plugin.forward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.plugin.forward.proxy.Upstream;

/** How the upstreams are ordered for one query (CoreDNS's {@code policy}). */
abstract class Policy {

    /** The upstreams in the order this query tries them. */
    abstract List<Upstream> list(List<Upstream> upstreams);

    abstract String name();

    static Policy of(String name) {
        return switch (name) {
            case "random" -> new Random();
            case "round_robin" -> new RoundRobin();
            case "sequential" -> new Sequential();
            default -> null;
        };
    }

    /** A random order: a swap for two, a permutation for more. */
    static final class Random extends Policy {
        @Override
        List<Upstream> list(List<Upstream> p) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            switch (p.size()) {
                case 1:
                    return p;
                case 2:
                    return rnd.nextBoolean() ? List.of(p.get(1), p.get(0)) : p;
                default:
                    List<Upstream> out = new ArrayList<>(p);
                    Collections.shuffle(out, rnd);
                    return out;
            }
        }

        @Override
        String name() {
            return "random";
        }
    }

    /** Each query starts one further along the list; the rest follow in configured order. */
    static final class RoundRobin extends Policy {
        private final AtomicInteger robin = new AtomicInteger();

        @Override
        List<Upstream> list(List<Upstream> p) {
            int i = Math.floorMod(robin.incrementAndGet(), p.size());
            List<Upstream> out = new ArrayList<>(p.size());
            out.add(p.get(i));
            out.addAll(p.subList(0, i));
            out.addAll(p.subList(i + 1, p.size()));
            return out;
        }

        @Override
        String name() {
            return "round_robin";
        }
    }

    /** Always the configured order. */
    static final class Sequential extends Policy {
        @Override
        List<Upstream> list(List<Upstream> p) {
            return p;
        }

        @Override
        String name() {
            return "sequential";
        }
    }
}
