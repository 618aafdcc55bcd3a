package io.streambus.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS tests, made with the openssl CLI in a fresh temp directory: a CA ({@code ca}), a server
 * certificate for 127.0.0.1 ({@code server}), a client certificate ({@code client}), and a second CA that signed
 * none of them ({@code other-ca}). Each name has {@code <name>.crt} and {@code <name>.key}. {@link #close()} deletes
 * the directory.
 */
public final class TestCertificates implements AutoCloseable {
    private final Path dir;
    private SSLSocketFactory trusting;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes all four; fails with openssl's output when it refuses. */
    public static TestCertificates create() {
        Path dir;
        try {
            dir = Files.createTempDirectory("streambus-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCertificates c = new TestCertificates(dir);
        try {
            c.ca("ca");
            c.ca("other-ca");
            c.signed("server", "ca", "subjectAltName=IP:127.0.0.1");
            c.signed("client", "ca", "extendedKeyUsage=clientAuth");
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** Absolute path of a file here, e.g. {@code file("ca.crt")}. */
    public String file(String name) {
        return dir.resolve(name).toString();
    }

    /**
     * redis-server arguments for a TLS port with the server certificate, clients verified against the CA
     * ({@code --tls-auth-clients yes}); the plain port stays open on loopback for the harness's own checks.
     */
    public String[] serverArgs(int tlsPort) {
        return new String[] {"--tls-port", String.valueOf(tlsPort), "--tls-cert-file", file("server.crt"),
            "--tls-key-file", file("server.key"), "--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "yes"};
    }

    /**
     * redis-server arguments for a server that speaks TLS only, as managed services run (the caller adds
     * {@code --port 0}): the server certificate on {@code tlsPort}, clients not asked for a certificate (ElastiCache
     * does not ask), replication and the cluster bus over TLS too ({@code tls-cluster} is ignored outside a cluster).
     */
    public String[] tlsOnlyServerArgs(int tlsPort) {
        return new String[] {"--tls-port", String.valueOf(tlsPort), "--tls-cert-file", file("server.crt"),
            "--tls-key-file", file("server.key"), "--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "no",
            "--tls-replication", "yes", "--tls-cluster", "yes"};
    }

    /** Sockets that trust {@code ca.crt} alone (no client certificate), for the harness's own TLS connections. */
    public synchronized SSLSocketFactory trustingSocketFactory() {
        if (trusting == null) {
            try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                trusting = context.getSocketFactory();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot trust " + file("ca.crt"), e);
            }
        }
        return trusting;
    }

    private void ca(String name) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", file(name + ".key"), "-out", file(name + ".crt"));
    }

    private void signed(String name, String ca, String extension) {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", file(name + ".key"),
                "-out", file(name + ".csr"));
        try {
            Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("x509", "-req", "-in", file(name + ".csr"), "-CA", file(ca + ".crt"), "-CAkey", file(ca + ".key"),
                "-CAcreateserial", "-days", "2", "-extfile", file(name + ".ext"), "-out", file(name + ".crt"));
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(cmd + " failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is not worth failing a test for
        }
    }
}
