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
import java.util.ArrayList;
import java.util.Set;
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
 */
public final class FaultProxy implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final int id = SEQUENCE.incrementAndGet();
    private volatile boolean refusing;
    private volatile boolean holdingReplies;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, ServerSocket server) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = server;
    }

    /** Listens on a free 127.0.0.1 port and forwards every connection to {@code targetHost:targetPort}. */
    public static FaultProxy start(String targetHost, int targetPort) {
        ServerSocket server;
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy port", e);
        }
        FaultProxy proxy = new FaultProxy(targetHost, targetPort, server);
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

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        /** @param replies from the target: held back while {@link #holdReplies} is on */
        void pump(Socket from, Socket to, boolean replies) {
            byte[] buffer = new byte[BUFFER_SIZE];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (replies && holdingReplies && !awaitRepliesReleased(this)) {
                        return; // aborted while held: the bytes are lost, as on a broken network
                    }
                    out.write(buffer, 0, read);
                }
                finish(false);
            } catch (IOException e) {
                finish(true);
            }
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
