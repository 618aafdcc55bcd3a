package io.streambus.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports. A returned port was bindable on 127.0.0.1 a moment ago, is never 6379, and is
 * not handed out again by this JVM for the next {@value #REMEMBERED} calls (the port is unbound
 * until the caller binds it, so two quick callers must not get the same one).
 */
public final class Ports {

    private static final int REMEMBERED = 512;
    private static final int CLUSTER_BUS_OFFSET = 10_000;
    private static final Deque<Integer> recent = new ArrayDeque<>();
    private static final Set<Integer> recentSet = new HashSet<>();

    private Ports() {
    }

    /** A port that is currently free on 127.0.0.1. */
    public static int free() {
        return pick(false);
    }

    /** A free port whose cluster bus port (port + 10000) is a valid port and free as well. */
    static int freeForCluster() {
        return pick(true);
    }

    private static synchronized int pick(boolean cluster) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = bindEphemeral();
            if (port == 6379 || recentSet.contains(port)) {
                continue;
            }
            if (cluster && (port + CLUSTER_BUS_OFFSET > 65_535 || !isBindable(port + CLUSTER_BUS_OFFSET))) {
                continue;
            }
            remember(port);
            if (cluster) {
                remember(port + CLUSTER_BUS_OFFSET);
            }
            return port;
        }
        throw new IllegalStateException("no free loopback port found after 200 attempts");
    }

    private static void remember(int port) {
        recent.addLast(port);
        recentSet.add(port);
        if (recent.size() > REMEMBERED) {
            recentSet.remove(recent.removeFirst());
        }
    }

    private static int bindEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an ephemeral loopback port", e);
        }
    }

    static boolean isBindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
