package com.example.kdns.hello;

import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Answers TXT queries itself and passes everything else on. Stateless, so thread-safe. */
final class HelloHandler implements Handler {

    private final String greeting;
    private final Handler next;

    HelloHandler(String greeting, Handler next) {
        this.greeting = greeting;
        this.next = next;
    }

    @Override
    public String name() {
        return "hello";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (request.qtype() != Type.TXT) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        Message reply = new Message(request.id());
        reply.getHeader().setFlag(Flags.AA);
        reply.addRecord(request.message().getQuestion(), Section.QUESTION);
        reply.addRecord(new TXTRecord(request.qname(), DClass.IN, 0, greeting + ", " + request.name()),
                Section.ANSWER);
        writer.write(reply); // the server fills in the ID, the question spelling and EDNS0
        return Rcodes.NOERROR;
    }
}
