package io.streambus.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import javax.net.ssl.SSLSocketFactory;

/**
 * How the harness reaches a server: over TLS or not, and as which user. A managed-like server has no plain port and
 * no usable {@code default} user, so its own checks (PING, INFO, CLUSTER NODES) go through the same door as a client.
 *
 * @param user ACL user for {@code AUTH user password}; null for {@code AUTH password} (the {@code default} user)
 * @param password null: no AUTH at all
 * @param tls null: plain TCP
 */
record ServerAccess(String user, String password, SSLSocketFactory tls) {

    static final ServerAccess NONE = new ServerAccess(null, null, null);

    static ServerAccess password(String password) {
        return password == null ? NONE : new ServerAccess(null, password, null);
    }

    /** Writes the AUTH this access needs, if any; true when it wrote one (its reply must be read first). */
    boolean writeAuth(OutputStream out) throws IOException {
        if (password == null) {
            return false;
        }
        if (user == null) {
            Resp.write(out, "AUTH", password);
        } else {
            Resp.write(out, "AUTH", user, password);
        }
        return true;
    }

    @Override
    public String toString() {
        return "ServerAccess[user=" + user + ", password=" + (password == null ? "none" : "***") + ", tls="
                + (tls != null) + "]";
    }
}
