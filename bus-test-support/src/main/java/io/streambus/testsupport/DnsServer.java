package io.streambus.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real DNS server on a free UDP port of 127.0.0.1 that answers A queries for the names it is given, with a TTL of
 * one second, and NXDOMAIN for any other name: for tests of clients that must follow a name that moves to another
 * address (a managed service's failover moves its endpoint's DNS name). Only what such a client asks is served: one
 * question, class IN, type A (other types get an empty answer).
 */
public final class DnsServer implements AutoCloseable {
    private static final int TTL_SECONDS = 1;

    private final DatagramSocket socket;
    private final Map<String, InetAddress> records = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    private DnsServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "dns-server-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a server on a free port of 127.0.0.1. */
    public static DnsServer start() {
        try {
            return new DnsServer(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot open a UDP socket for the DNS server", e);
        }
    }

    /** The port it answers on (UDP, 127.0.0.1). */
    public int port() {
        return socket.getLocalPort();
    }

    /** Answers {@code name} with {@code address} from now on (a literal IPv4 address). */
    public DnsServer put(String name, String address) {
        try {
            records.put(canonical(name), InetAddress.getByName(address));
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address: " + address, e);
        }
        return this;
    }

    /** A queries answered or refused so far. */
    public int queries() {
        return queries.get();
    }

    private static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] answer = answer(buffer, packet.getLength());
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    System.err.println("[streambus] DNS server: " + e);
                }
            }
        }
    }

    /** The response to one query, or null for a packet that is not a query with one question. */
    private byte[] answer(byte[] q, int length) {
        if (length < 12 || (q[2] & 0x80) != 0 || ((q[4] & 0xff) << 8 | (q[5] & 0xff)) != 1) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        int i = 12;
        while (i < length && q[i] != 0) {
            int label = q[i] & 0xff;
            if (label > 63 || i + 1 + label > length) {
                return null;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(q, i + 1, label, StandardCharsets.US_ASCII));
            i += 1 + label;
        }
        int questionEnd = i + 5; // the zero label, QTYPE, QCLASS
        if (questionEnd > length) {
            return null;
        }
        int type = (q[i + 1] & 0xff) << 8 | (q[i + 2] & 0xff);
        queries.incrementAndGet();
        InetAddress address = records.get(canonical(name.toString()));
        boolean known = address != null;
        boolean answered = known && type == 1 && address.getAddress().length == 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q[0]);
        out.write(q[1]);
        out.write(0x84 | (q[2] & 0x01)); // a response, authoritative, the query's RD
        out.write(known ? 0 : 3); // NOERROR, or NXDOMAIN
        out.writeBytes(new byte[] {0, 1, 0, (byte) (answered ? 1 : 0), 0, 0, 0, 0});
        out.write(q, 12, questionEnd - 12);
        if (answered) {
            out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, TTL_SECONDS, 0, 4});
            out.writeBytes(address.getAddress());
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
