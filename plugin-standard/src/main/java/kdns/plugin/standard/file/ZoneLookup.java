package kdns.plugin.standard.file;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CoreDNS's file {@code Zone.Lookup} over a {@link ZoneData}: apex SOA/NS, DNAME synthesis,
 * referrals at zone cuts with glue, exact matches with CNAME chasing inside the zone, wildcards
 * (unless a closer empty non-terminal exists), empty non-terminals and NXDOMAIN. A CNAME target
 * that is not in the tree must be looked up through the server: then the lookup returns a
 * {@link Pending} that {@link #afterUpstream} completes with the server's reply.
 */
final class ZoneLookup {

    /** CoreDNS's lookup results. */
    enum Result { SUCCESS, NAME_ERROR, DELEGATION, NO_DATA, SERVER_FAILURE }

    /** What a lookup gives, or needs first. */
    sealed interface Outcome permits Answer, Pending {
    }

    /** The sections of the reply and its result. */
    record Answer(List<Record> answer, List<Record> ns, List<Record> extra, Result result) implements Outcome {
    }

    /**
     * A CNAME chain ({@code rrs}, after {@code dname} records that go first) whose last target must be
     * looked up through the server for {@code qtype}.
     */
    record Pending(List<Record> dname, List<Record> rrs, Name target, int qtype) implements Outcome {
    }

    /** How many CNAMEs inside the zone are followed before the chain is answered as it is. */
    private static final int MAX_CHASE = 8;

    private ZoneLookup() {
    }

    /**
     * @param z     the zone, null when it could not be read yet (SERVFAIL)
     * @param qname the question name in lower case, inside the zone
     */
    static Outcome lookup(ZoneData z, Name qname, int qtype) {
        if (z == null) {
            return new Answer(List.of(), List.of(), List.of(), Result.SERVER_FAILURE);
        }
        if (qname.equals(z.origin)) {
            if (qtype == Type.SOA) {
                return new Answer(List.of(z.soa), z.apexNs, List.of(), Result.SUCCESS);
            }
            if (qtype == Type.NS) {
                return new Answer(z.apexNs, List.of(), z.glue(z.apexNs), Result.SUCCESS);
            }
        }
        int below = qname.labels() - z.origin.labels();
        ZoneData.Node elem = null;
        boolean found = false;
        ZoneData.Node wildElem = null;
        Name wildName = null;
        for (int i = 0; i <= below; i++) {
            Name parts = new Name(qname, below - i);
            elem = z.search(parts);
            found = elem != null;
            if (!found) {
                if (parts.labels() > 1) {
                    Name wildcard = parts.wild(1);
                    ZoneData.Node wild = z.search(wildcard);
                    if (wild != null) {
                        wildElem = wild;
                        wildName = wildcard;
                    } else if (z.hasDescendant(wildcard)) {
                        wildElem = null;
                        wildName = wildcard;
                    }
                }
                continue;
            }
            List<Record> dnames = elem.type(Type.DNAME);
            if (!dnames.isEmpty()) {
                CNAMERecord cname = synthesize(qname, (DNAMERecord) dnames.get(0));
                if (cname != null) {
                    if (cname.getName().equals(cname.getTarget())) {
                        return new Answer(List.of(), List.of(), List.of(), Result.SERVER_FAILURE);
                    }
                    List<Record> dname = List.of(dnames.get(0));
                    if (qtype == Type.CNAME) {
                        return new Answer(concat(dname, List.of(cname)), z.apexNs, List.of(), Result.SUCCESS);
                    }
                    return prepend(dname, chase(z, List.of(cname), qtype));
                }
            }
            Answer delegation = delegation(z, elem, qname, qtype);
            if (delegation != null) {
                return delegation;
            }
        }
        if (found) {
            List<Record> cnames = elem.type(Type.CNAME);
            if (!cnames.isEmpty() && qtype != Type.CNAME) {
                return chase(z, cnames, qtype);
            }
            List<Record> rrs = elem.type(qtype);
            if (rrs.isEmpty()) {
                return new Answer(List.of(), List.of(z.soa), List.of(), Result.NO_DATA);
            }
            return new Answer(rrs, z.apexNs, z.additional(rrs), Result.SUCCESS);
        }
        if (wildName != null && !closerEmptyNonTerminal(z, qname, wildName)) {
            if (wildElem == null) {
                return new Answer(List.of(), List.of(z.soa), List.of(), Result.NO_DATA);
            }
            List<Record> cnames = expand(wildElem.type(Type.CNAME), qname);
            if (!cnames.isEmpty() && qtype != Type.CNAME) {
                return chase(z, cnames, qtype);
            }
            List<Record> rrs = expand(wildElem.type(qtype), qname);
            if (rrs.isEmpty()) {
                return new Answer(List.of(), List.of(z.soa), List.of(), Result.NO_DATA);
            }
            return new Answer(rrs, z.apexNs, z.additional(rrs), Result.SUCCESS);
        }
        Result r = z.hasDescendant(qname) ? Result.SUCCESS : Result.NAME_ERROR;
        return new Answer(List.of(), List.of(z.soa), List.of(), r);
    }

    /** CoreDNS's {@code externalLookup}: follows CNAMEs inside the zone; a target outside it is looked up through the server. */
    private static Outcome chase(ZoneData z, List<Record> start, int qtype) {
        List<Record> rrs = new ArrayList<>(start);
        Name target = ((CNAMERecord) start.get(0)).getTarget();
        for (int hops = 0; ; hops++) {
            ZoneData.Node elem = z.search(target);
            Answer delegation = findDelegation(z, target, qtype, elem);
            if (delegation != null) {
                return new Answer(rrs, delegation.ns(), delegation.extra(), Result.DELEGATION);
            }
            if (elem == null || qtype == Type.NS || qtype == Type.SOA && target.equals(z.origin)) {
                return new Pending(List.of(), rrs, target, qtype);
            }
            List<Record> cname = elem.type(Type.CNAME);
            if (cname.isEmpty()) {
                rrs.addAll(elem.type(qtype));
                return new Answer(rrs, z.apexNs, z.additional(rrs), Result.SUCCESS);
            }
            rrs.addAll(cname);
            target = ((CNAMERecord) cname.get(0)).getTarget();
            if (hops + 1 > MAX_CHASE) {
                return new Answer(rrs, z.apexNs, z.additional(rrs), Result.SUCCESS);
            }
        }
    }

    /** CoreDNS's {@code doLookup} result of the server's reply, and the sections that follow from it. */
    static Answer afterUpstream(ZoneData z, Pending p, Message reply) {
        Result result;
        List<Record> found = reply == null ? List.of() : reply.getSection(Section.ANSWER);
        if (reply == null) {
            result = Result.SUCCESS;
        } else if (reply.getRcode() == Rcode.NXDOMAIN) {
            result = Result.NAME_ERROR;
        } else if (reply.getRcode() == Rcode.SERVFAIL) {
            result = Result.SERVER_FAILURE;
        } else if (reply.getRcode() == Rcode.NOERROR && found.isEmpty()) {
            result = Result.NO_DATA;
        } else {
            result = Result.SUCCESS;
        }
        List<Record> rrs = concat(p.rrs(), found);
        List<Record> authority = result == Result.NAME_ERROR || result == Result.NO_DATA ? List.of(z.soa) : z.apexNs;
        return new Answer(concat(p.dname(), rrs), authority, z.additional(rrs), result);
    }

    private static Outcome prepend(List<Record> dname, Outcome o) {
        return switch (o) {
            case Answer a -> new Answer(concat(dname, a.answer()), a.ns(), a.extra(), a.result());
            case Pending p -> new Pending(concat(dname, p.dname()), p.rrs(), p.target(), p.qtype());
        };
    }

    /** A referral when {@code elem} holds an NS set (not for a DS question at the cut itself). */
    private static Answer delegation(ZoneData z, ZoneData.Node elem, Name qname, int qtype) {
        List<Record> ns = elem.type(Type.NS);
        if (ns.isEmpty() || qtype == Type.DS && elem.name.equals(qname)) {
            return null;
        }
        return new Answer(List.of(), ns, z.glue(ns), Result.DELEGATION);
    }

    /** The referral covering {@code name}, from the zone's apex down (CoreDNS's {@code findDelegation}). */
    private static Answer findDelegation(ZoneData z, Name name, int qtype, ZoneData.Node exact) {
        if (!name.subdomain(z.origin)) {
            return null;
        }
        int below = name.labels() - z.origin.labels();
        for (int i = 1; i <= below; i++) {
            Name part = new Name(name, below - i);
            ZoneData.Node elem = part.equals(name) ? exact : z.search(part);
            if (elem == null) {
                if (part.equals(name)) {
                    return null;
                }
                continue;
            }
            Answer d = delegation(z, elem, name, qtype);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /** True when a name between the wildcard's parent and {@code qname} has names below it. */
    private static boolean closerEmptyNonTerminal(ZoneData z, Name qname, Name wildcard) {
        Name parent = new Name(wildcard, 1);
        for (int strip = 1; strip < qname.labels(); strip++) {
            Name name = new Name(qname, strip);
            if (name.equals(parent) || !name.subdomain(parent)) {
                return false;
            }
            if (z.hasDescendant(name)) {
                return true;
            }
        }
        return false;
    }

    /** A wildcard's records owned by the question name. */
    private static List<Record> expand(List<Record> wild, Name qname) {
        List<Record> out = new ArrayList<>(wild.size());
        for (Record r : wild) {
            out.add(r.withName(qname));
        }
        return out;
    }

    /** {@code qname CNAME} the name with the DNAME's owner replaced by its target, or null at the owner itself. */
    static CNAMERecord synthesize(Name qname, DNAMERecord dname) {
        if (!qname.subdomain(dname.getName()) || qname.equals(dname.getName())) {
            return null;
        }
        try {
            Name prefix = qname.relativize(dname.getName());
            return new CNAMERecord(qname, DClass.IN, dname.getTTL(), Name.concatenate(prefix, dname.getTarget()));
        } catch (NameTooLongException e) {
            return null;
        }
    }

    private static List<Record> concat(List<Record> a, List<Record> b) {
        List<Record> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}
