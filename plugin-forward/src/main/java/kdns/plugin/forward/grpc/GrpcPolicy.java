package kdns.plugin.forward.grpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** CoreDNS's grpc {@code policy}: the order in which one query tries the upstreams. */
abstract class GrpcPolicy {

    abstract <T> List<T> list(List<T> upstreams);

    static GrpcPolicy of(String name) {
        return switch (name) {
            case "random" -> new Random();
            case "round_robin" -> new RoundRobin();
            case "sequential" -> new Sequential();
            default -> null;
        };
    }

    /** A swap for two, a permutation for more. */
    static final class Random extends GrpcPolicy {
        @Override
        <T> List<T> list(List<T> p) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            switch (p.size()) {
                case 0, 1:
                    return p;
                case 2:
                    return rnd.nextBoolean() ? List.of(p.get(1), p.get(0)) : p;
                default:
                    List<T> out = new ArrayList<>(p);
                    Collections.shuffle(out, rnd);
                    return out;
            }
        }
    }

    /** Each query starts one further along; the others follow in the configured order. */
    static final class RoundRobin extends GrpcPolicy {
        private final AtomicInteger robin = new AtomicInteger();

        @Override
        <T> List<T> list(List<T> p) {
            if (p.isEmpty()) {
                return p;
            }
            int i = Math.floorMod(robin.incrementAndGet(), p.size());
            List<T> out = new ArrayList<>(p.size());
            out.add(p.get(i));
            out.addAll(p.subList(0, i));
            out.addAll(p.subList(i + 1, p.size()));
            return out;
        }
    }

    /** Always the configured order. */
    static final class Sequential extends GrpcPolicy {
        @Override
        <T> List<T> list(List<T> p) {
            return p;
        }
    }
}
