package io.streambus.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/** Minimal RESP2 client: one fresh socket per call, so a test helper can never be left in a bad protocol state. */
final class Resp {

    static final int CONNECT_TIMEOUT_MS = 2_000;
    // Generous enough for a blocking XREADGROUP a test might issue on purpose.
    static final int READ_TIMEOUT_MS = 30_000;

    private Resp() {
    }

    /** Sends AUTH first when {@code password} is not null, then {@code args}; returns the reply to {@code args}. */
    static Object call(String host, int port, String password, String... args) {
        return callAs(host, port, ServerAccess.password(password), args);
    }

    /** Connects as {@code access} says (TLS, AUTH), then sends {@code args}; returns the reply to {@code args}. */
    static Object callAs(String host, int port, ServerAccess access, String... args) {
        try (Socket socket = connect(host, port, access, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            boolean auth = access.writeAuth(out);
            write(out, args);
            out.flush();
            if (auth) {
                read(in);
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis " + host + ":" + port + " " + describe(args) + ": " + e, e);
        }
    }

    static Socket connect(String host, int port, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        return connect(host, port, ServerAccess.NONE, connectTimeoutMs, readTimeoutMs);
    }

    /** A plain socket, or a TLS one over it (handshake done) when {@code access} has a trust store. */
    static Socket connect(String host, int port, ServerAccess access, int connectTimeoutMs, int readTimeoutMs)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            socket.setSoTimeout(readTimeoutMs);
            if (access.tls() == null) {
                return socket;
            }
            SSLSocket tls = (SSLSocket) access.tls().createSocket(socket, host, port, true);
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    static void write(OutputStream out, String... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    /** Reads one reply: String, Long, null or List; an error reply is thrown as {@link RedisReplyException}. */
    static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by server");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new RedisReplyException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("truncated bulk string");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                // Errors nested in an array (e.g. EXEC) are values, not a failure of the whole call.
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        items.add(read(in));
                    } catch (RedisReplyException e) {
                        items.add(e);
                    }
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte '" + (char) type + "' followed by: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(32);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed RESP line");
                }
                return buffer.toString(StandardCharsets.UTF_8);
            }
            buffer.write(b);
        }
    }

    /** Text rendering used by {@link RedisServer#command}: arrays become newline-joined lines, nested nil becomes "null". */
    static String render(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof List<?>) {
            StringBuilder text = new StringBuilder();
            for (Object item : (List<?>) reply) {
                if (text.length() > 0) {
                    text.append('\n');
                }
                text.append(item instanceof RedisReplyException ? "ERR: " + ((RedisReplyException) item).getMessage()
                        : render(item));
            }
            return text.toString();
        }
        return reply.toString();
    }

    static String describe(String... args) {
        // AUTH and similar secrets must not end up in test reports.
        if (args.length > 0 && args[0].equalsIgnoreCase("AUTH")) {
            return "AUTH ***";
        }
        String joined = String.join(" ", args);
        return joined.length() > 200 ? joined.substring(0, 200) + "..." : joined;
    }
}
