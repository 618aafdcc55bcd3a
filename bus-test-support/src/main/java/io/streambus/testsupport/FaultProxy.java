package io.streambus.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TCP proxy on 127.0.0.1 for fault injection between a client and Redis.
 *
 * <p>Contract: each accepted connection is paired with a fresh connection to the target and bytes are
 * copied both ways unchanged (64 KiB buffers, TCP_NODELAY, two daemon threads per connection). When
 * either side closes or fails, both sides are closed. Connections are aborted with an RST (SO_LINGER 0),
 * so a client sees a reset rather than a polite EOF, like a crashed server or a broken network.
 *
 * <p>In Serverless mode ({@link #startServerless}) the proxy reads the RESP it carries and answers as ElastiCache
 * Serverless does in front of a real server: the commands Serverless does not have, keyless scripts and requests of
 * more than 3,999 arguments are refused with its error (see {@link #refusals()}), every other request and every reply
 * passes unchanged; and {@link #dropNowAndThen} drops idle connections as its load balancing does.
 */
public final class FaultProxy implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final boolean serverless;
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final AtomicInteger drops = new AtomicInteger();
    private final int id = SEQUENCE.incrementAndGet();
    private volatile boolean refusing;
    private volatile boolean holdingReplies;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, ServerSocket server, boolean serverless) {
        this.serverless = serverless;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = server;
    }

    /** Listens on a free 127.0.0.1 port and forwards every connection to {@code targetHost:targetPort}. */
    public static FaultProxy start(String targetHost, int targetPort) {
        return start(targetHost, targetPort, false);
    }

    /**
     * Like {@link #start}, in Serverless mode: refuses what ElastiCache Serverless refuses with its answer, in order
     * among pipelined replies (the refused request is replaced by a script that answers the error), and passes the
     * rest unchanged. The target is a plain-TCP server (the proxy does not speak TLS).
     */
    public static FaultProxy startServerless(String targetHost, int targetPort) {
        return start(targetHost, targetPort, true);
    }

    private static FaultProxy start(String targetHost, int targetPort, boolean serverless) {
        ServerSocket server;
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy port", e);
        }
        FaultProxy proxy = new FaultProxy(targetHost, targetPort, server, serverless);
        daemon(proxy::acceptLoop, "fault-proxy-" + proxy.id + "-accept").start();
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code redis://127.0.0.1:<proxyPort>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port();
    }

    /** Aborts every current connection (both sides); new connections are still accepted. */
    public void dropConnections() {
        for (Link link : new ArrayList<>(links)) {
            link.abort();
        }
    }

    /** While on, every current connection is aborted and each new one is aborted right after accept. */
    public void refuse(boolean on) {
        refusing = on;
        if (on) {
            dropConnections();
        }
    }

    /**
     * While on, what the target sends is read but not forwarded: a request reaches the target and is acted on, and
     * its reply waits in the proxy. Turned off, the held bytes go on to their clients, except on connections aborted
     * meanwhile, whose held bytes are dropped: {@code holdReplies(true)}, a request, {@link #dropConnections()},
     * {@code holdReplies(false)} is a reply lost after the target acted on its request.
     */
    public void holdReplies(boolean on) {
        synchronized (this) {
            holdingReplies = on;
            notifyAll();
        }
    }

    /**
     * Serverless mode: what was refused so far, by command ({@code WAIT}, {@code CLIENT ID}, {@code EVAL without
     * keys}, {@code more than 3999 arguments}...), with how many times; empty in plain mode.
     */
    public Map<String, Integer> refusals() {
        Map<String, Integer> copy = new TreeMap<>();
        refusals.forEach((label, count) -> copy.put(label, count.get()));
        return copy;
    }

    /**
     * Serverless mode: from now on, drops an idle connection (no request waiting for its reply, nothing half sent)
     * every {@code minGap} to {@code maxGap}, as the service may to balance its load, {@code maxDrops} in all. Which
     * connection and when come from a {@link Random} of {@code seed}, so a run can be repeated (the connections are
     * numbered in accept order; the timing of the client decides which ones are idle). A request the client sends at
     * the very moment of a drop fails with the connection, as it would on the service.
     *
     * @throws IllegalStateException in plain mode: idleness needs the replies counted
     */
    public void dropNowAndThen(long seed, Duration minGap, Duration maxGap, int maxDrops) {
        if (!serverless) {
            throw new IllegalStateException("dropNowAndThen needs Serverless mode (FaultProxy.startServerless)");
        }
        if (minGap.isNegative() || maxGap.compareTo(minGap) < 0 || maxDrops < 0) {
            throw new IllegalArgumentException("0 <= minGap <= maxGap and maxDrops >= 0, not " + minGap + ", " + maxGap
                    + ", " + maxDrops);
        }
        Random random = new Random(seed);
        daemon(() -> {
            for (int dropped = 0; dropped < maxDrops && !closed; ) {
                long gap = minGap.toMillis() + (long) (random.nextDouble() * (maxGap.toMillis() - minGap.toMillis()));
                Poll.sleep(gap);
                List<Link> idle = new ArrayList<>();
                for (Link link : links) {
                    if (link.isIdle()) {
                        idle.add(link);
                    }
                }
                idle.sort(Comparator.comparingInt(link -> link.number));
                if (!idle.isEmpty() && idle.get(random.nextInt(idle.size())).abortIfIdle()) {
                    dropped++;
                    drops.incrementAndGet();
                }
            }
        }, "fault-proxy-" + id + "-drops").start();
    }

    /** How many connections {@link #dropNowAndThen} dropped so far. */
    public int drops() {
        return drops.get();
    }

    /** Connections currently being proxied. */
    public int connectionCount() {
        return links.size();
    }

    /** Stops listening and aborts every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
        dropConnections();
    }

    @Override
    public String toString() {
        return "FaultProxy[127.0.0.1:" + port() + " -> " + targetHost + ":" + targetPort + "]";
    }

    /** Blocks while replies are held and {@code link} lives; false when the link ended meanwhile. */
    private boolean awaitRepliesReleased(Link link) {
        synchronized (this) {
            while (holdingReplies && !link.done.get()) {
                try {
                    wait(10); // abort() does not notify: the short wait notices it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !link.done.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                Poll.sleep(10); // e.g. out of file descriptors: do not spin
                continue;
            }
            if (refusing || closed) {
                abort(client);
                continue;
            }
            // Connect off the accept thread: a slow or dead target must not stall other clients.
            daemon(() -> open(client), "fault-proxy-" + id + "-connect").start();
        }
    }

    private void open(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            abort(client);
            abort(upstream);
            return;
        }
        Link link = new Link(client, upstream);
        links.add(link);
        // refuse()/close() may have run between accept and here; re-check after registering.
        if (refusing || closed) {
            link.abort();
            return;
        }
        int n = link.number;
        daemon(() -> link.pump(client, upstream, false), "fault-proxy-" + id + "-" + n + "-up").start();
        daemon(() -> link.pump(upstream, client, true), "fault-proxy-" + id + "-" + n + "-down").start();
    }

    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final int number = SEQUENCE.incrementAndGet();
        private final AtomicBoolean done = new AtomicBoolean();
        // Serverless mode only: the RESP frames of each direction, and the requests sent but not yet answered.
        // Guarded by this link.
        private final RespFrames requests = new RespFrames();
        private final RespFrames replies = new RespFrames();
        // Below 0 on a RESP2 subscriber, whose messages look like replies: such a link never counts as idle.
        private int unanswered;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        /** @param fromTarget replies: held back while {@link #holdReplies} is on */
        void pump(Socket from, Socket to, boolean fromTarget) {
            byte[] buffer = new byte[BUFFER_SIZE];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (fromTarget && holdingReplies && !awaitRepliesReleased(this)) {
                        return; // aborted while held: the bytes are lost, as on a broken network
                    }
                    if (!serverless) {
                        out.write(buffer, 0, read);
                    } else if (fromTarget) {
                        synchronized (this) {
                            replies.feed(buffer, 0, read);
                            unanswered -= replies.countReplies();
                        }
                        out.write(buffer, 0, read);
                    } else if (!forwardRequests(buffer, read, out)) {
                        return;
                    }
                }
                finish(false);
            } catch (IOException e) {
                finish(true);
            }
        }

        /** Serverless mode: passes on each whole request, or the refusal in its place; false once dropped. */
        private boolean forwardRequests(byte[] buffer, int read, OutputStream out) throws IOException {
            RespFrames.Request request;
            while (true) {
                synchronized (this) {
                    if (done.get()) {
                        return false;
                    }
                    if (read > 0) {
                        requests.feed(buffer, 0, read);
                        read = 0;
                    }
                    request = requests.nextRequest();
                    if (request == null) {
                        return true;
                    }
                    unanswered++;
                }
                ServerlessRules.Refusal refusal = ServerlessRules.refusal(request);
                if (refusal == null) {
                    out.write(request.raw());
                } else {
                    refusals.computeIfAbsent(refusal.label(), k -> new AtomicInteger()).incrementAndGet();
                    out.write(ServerlessRules.errorRequest(refusal));
                }
            }
        }

        synchronized boolean isIdle() {
            return !done.get() && unanswered == 0 && !requests.hasPartial() && !replies.hasPartial();
        }

        /** Aborts the link if it is still idle: checked under the lock the pumps take, so no request slips by. */
        synchronized boolean abortIfIdle() {
            if (!isIdle()) {
                return false;
            }
            abort();
            return true;
        }

        // A clean EOF from one side closes both politely; any error (or an abort) resets both.
        private void finish(boolean reset) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            links.remove(this);
            if (reset) {
                FaultProxy.abort(client);
                FaultProxy.abort(upstream);
            } else {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        void abort() {
            finish(true);
        }
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // Already closed or never connected: a plain close is all that is left.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing useful to do.
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
