package kdns.plugin.standard.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What a template sees, under CoreDNS's names: {@code .Zone .Name .Regex .Match .Group .Class
 * .Type .Message .Question .Remote .Var} and the method {@code .Meta "name"}. {@code .Var} maps each
 * {@code var} to its value (String, Long, Double, Boolean, List, Map or null). {@code .Message} and
 * {@code .Question} show the request with miekg/dns's field names ({@code .Message.RecursionDesired},
 * {@code .Question.Qtype}).
 */
record TemplateData(String zone, String name, String regex, List<String> match, Map<String, String> group,
                    String qclass, String qtype, Message message, String remote, Map<String, Object> vars,
                    Function<String, String> metadata)
        implements GoTemplate.Data {

    @Override
    public Object field(String field) {
        return switch (field) {
            case "Zone" -> zone;
            case "Name" -> name;
            case "Regex" -> regex;
            case "Match" -> match;
            case "Group" -> group;
            case "Class" -> qclass;
            case "Type" -> qtype;
            case "Message" -> new MessageView(message);
            case "Question" -> new QuestionView(message.getQuestion());
            case "Remote" -> remote;
            case "Var" -> vars; // empty without var options, as Go's nil map reads
            default -> GoTemplate.MISSING;
        };
    }

    /** {@code .Meta "label"}: the request's metadata value, empty when no plugin set it (or no metadata plugin). */
    @Override
    public Object call(String method, List<Object> args) throws GoTemplate.TemplateException {
        if (!method.equals("Meta")) {
            return GoTemplate.MISSING;
        }
        if (args.size() != 1 || !(args.get(0) instanceof String)) {
            throw new GoTemplate.TemplateException("wrong number or type of args for Meta: want 1 string");
        }
        String v = metadata.apply((String) args.get(0));
        return v == null ? "" : v;
    }

    /** A dns.Msg as templates read it. */
    record MessageView(Message m) implements GoTemplate.Data {
        @Override
        public Object field(String f) {
            Header h = m.getHeader();
            return switch (f) {
                case "Id" -> (long) h.getID();
                case "Response" -> h.getFlag(Flags.QR);
                case "Opcode" -> (long) h.getOpcode();
                case "Authoritative" -> h.getFlag(Flags.AA);
                case "Truncated" -> h.getFlag(Flags.TC);
                case "RecursionDesired" -> h.getFlag(Flags.RD);
                case "RecursionAvailable" -> h.getFlag(Flags.RA);
                case "Zero" -> false;
                case "AuthenticatedData" -> h.getFlag(Flags.AD);
                case "CheckingDisabled" -> h.getFlag(Flags.CD);
                case "Rcode" -> (long) m.getRcode();
                case "Compress" -> false;
                case "Question" -> questions(m);
                case "Answer" -> records(m, Section.ANSWER);
                case "Ns" -> records(m, Section.AUTHORITY);
                case "Extra" -> records(m, Section.ADDITIONAL);
                case "MsgHdr" -> this;
                default -> GoTemplate.MISSING;
            };
        }

        private static List<Object> questions(Message m) {
            List<Object> out = new ArrayList<>();
            for (Record r : m.getSection(Section.QUESTION)) {
                out.add(new QuestionView(r));
            }
            return out;
        }

        private static List<Object> records(Message m, int section) {
            List<Object> out = new ArrayList<>();
            for (Record r : m.getSection(section)) {
                out.add(r.toString());
            }
            return out;
        }

        @Override
        public String toString() {
            return m.toString();
        }
    }

    /** A dns.Question: {@code Name} as the client spelled it, {@code Qtype} and {@code Qclass} as numbers. */
    record QuestionView(Record q) implements GoTemplate.Data {
        @Override
        public Object field(String f) {
            return switch (f) {
                case "Name" -> q.getName().toString();
                case "Qtype" -> (long) q.getType();
                case "Qclass" -> (long) q.getDClass();
                default -> GoTemplate.MISSING;
            };
        }

        @Override
        public String toString() {
            return "{" + q.getName() + " " + Type.string(q.getType()) + " " + DClass.string(q.getDClass())
                    + "}";
        }
    }
}
