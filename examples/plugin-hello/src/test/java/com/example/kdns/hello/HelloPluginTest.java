package com.example.kdns.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** A handler test written with module-api alone (no kdns test-support needed). */
class HelloPluginTest {

    @Test
    void answersTxtWithTheGreeting() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("World.example."), Type.TXT, DClass.IN));
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 5353);
        Request r = new Request(q, Transport.UDP, a, a, ".");
        Message[] written = new Message[1];
        ResponseWriter w = new ResponseWriter() {
            @Override
            public void write(Message reply) {
                written[0] = reply;
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return a;
            }

            @Override
            public InetSocketAddress localAddress() {
                return a;
            }
        };
        new HelloHandler("Hi", null).serve(r, w);
        TXTRecord txt = (TXTRecord) written[0].getSection(Section.ANSWER).get(0);
        assertEquals("Hi, world.example.", txt.getStrings().get(0));
    }
}
