package io.streambus;

import io.streambus.BusOptions.Topology;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Redis is and how the bus connects to it: the endpoints, the topology, TLS, and how it reconnects. Part of
 * {@link BusOptions} ({@link BusOptions#getConnection()}); its JSON is the {@code connection} object of the bus's.
 * All times are in milliseconds.
 */
@DataObject
@JsonGen(publicConverter = false)
public class ConnectionOptions {
  /** Default Redis: {@value}. */
  public static final String DEFAULT_CONNECTION_STRING = "redis://127.0.0.1:6379";
  /** Default first reconnect delay: {@value} ms. */
  public static final long DEFAULT_RECONNECT_INITIAL_MS = 50;
  /** Default longest reconnect delay: {@value} ms. */
  public static final long DEFAULT_RECONNECT_MAX_MS = 2_000;
  /** The first reconnect delay's range: 1 ms to 1 minute. */
  public static final OptionRange RECONNECT_INITIAL_MS = OptionRange.of(1, 60_000);
  /** The longest reconnect delay's range: 1 ms to 10 minutes (and at least the first delay). */
  public static final OptionRange RECONNECT_MAX_MS = OptionRange.of(1, 600_000);

  private List<String> connectionStrings;
  private Topology topology;
  private String sentinelMasterName;
  private String tlsCaPemPath;
  private String tlsCertPemPath;
  private String tlsKeyPemPath;
  private boolean tlsVerifyHostname;
  private long reconnectInitialMs;
  private long reconnectMaxMs;
  private CredentialsProvider credentialsProvider;

  /** The defaults: one standalone Redis at {@value #DEFAULT_CONNECTION_STRING}, no TLS settings. */
  public ConnectionOptions() {
    connectionStrings = new ArrayList<>(List.of(DEFAULT_CONNECTION_STRING));
    topology = Topology.STANDALONE;
    tlsVerifyHostname = true;
    reconnectInitialMs = DEFAULT_RECONNECT_INITIAL_MS;
    reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;
  }

  /** A copy of {@code other} (the credentials provider is shared, not copied). */
  public ConnectionOptions(ConnectionOptions other) {
    this(other.toJson());
    credentialsProvider = other.credentialsProvider;
  }

  /**
   * Reads the fields {@link #toJson()} writes; missing fields keep their defaults.
   *
   * @throws OptionException naming a field that is not an option, or whose value has the wrong type
   */
  public ConnectionOptions(JsonObject json) {
    this();
    OptionsJson.read("connection.", json, this, ConnectionOptionsConverter::fromJson);
    OptionsJson.verify("connection.", json, toJson());
  }

  /** Every option as JSON (the unset TLS files and sentinel master left out). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ConnectionOptionsConverter.toJson(this, json);
    return json;
  }

  /**
   * @return this
   * @throws OptionException naming the first invalid field
   */
  public ConnectionOptions validate() {
    if (connectionStrings == null || connectionStrings.isEmpty()) {
      throw new OptionException("connection.connectionStrings", "connectionStrings must not be empty");
    }
    connectionStrings.forEach(ConnectionOptions::validateConnectionString);
    if (topology == null) {
      throw new OptionException("connection.topology", "topology must not be null");
    }
    if (topology == Topology.SENTINEL && sentinelMasterName == null) {
      throw new OptionException("connection.sentinelMasterName",
          "sentinelMasterName is required when topology is SENTINEL");
    }
    if (credentialsProvider != null && connectionStrings.stream().anyMatch(ConnectionOptions::hasUserInfo)) {
      // the client prefers a connection string's password to the provider's: one of the two would be ignored
      throw new OptionException("connection.connectionStrings",
          "connectionStrings must not hold a user or password when a credentials provider is set");
    }
    if ((tlsCertPemPath == null) != (tlsKeyPemPath == null)) {
      throw new OptionException("connection.tlsCertPemPath", "tlsCertPemPath and tlsKeyPemPath must be set together");
    }
    RECONNECT_INITIAL_MS.check("connection.reconnectInitialMs", reconnectInitialMs);
    RECONNECT_MAX_MS.check("connection.reconnectMaxMs", reconnectMaxMs);
    if (reconnectMaxMs < reconnectInitialMs) {
      throw new OptionException("connection.reconnectMaxMs", "reconnectMaxMs must be >= reconnectInitialMs ("
          + reconnectInitialMs + "), was " + reconnectMaxMs);
    }
    return this;
  }

  private static void validateConnectionString(String s) {
    String field = "connection.connectionStrings";
    if (s == null || s.isBlank()) {
      throw new OptionException(field, "connectionString must not be blank");
    }
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new OptionException(field, "connectionString is not a URI: " + BusOptions.redact(s));
    }
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme) && !"unix".equals(scheme)) {
      throw new OptionException(field, "connectionString must start with redis://, rediss:// or unix://, was "
          + BusOptions.redact(s));
    }
    if (!"unix".equals(scheme) && uri.getHost() == null) {
      throw new OptionException(field, "connectionString has no host: " + BusOptions.redact(s));
    }
  }

  private static boolean hasUserInfo(String s) {
    try {
      return URI.create(s).getRawUserInfo() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Asked for the user and password before every connect, or null: they come from the connection strings. */
  @GenIgnore
  public CredentialsProvider getCredentialsProvider() {
    return credentialsProvider;
  }

  /**
   * Sets what gives the user and password of every new connection, asked before each connect and reconnect (for
   * IAM authentication tokens that expire); null (the default) takes them from the connection strings, which must
   * then hold them, and which must not hold them when a provider is set ({@link #validate()} refuses both at once).
   * Not part of the JSON.
   *
   * @return this
   */
  @GenIgnore
  public ConnectionOptions setCredentialsProvider(CredentialsProvider credentialsProvider) {
    this.credentialsProvider = credentialsProvider;
    return this;
  }

  /** The first connection string. */
  @GenIgnore
  public String getConnectionString() {
    return connectionStrings.get(0);
  }

  /**
   * Sets one Redis endpoint, replacing the list: {@code redis://[user:password@]host:port[/db]}, {@code rediss://}
   * for TLS. Default {@value #DEFAULT_CONNECTION_STRING}. Checked by {@link #validate()}.
   *
   * @return this
   */
  @GenIgnore
  public ConnectionOptions setConnectionString(String connectionString) {
    this.connectionStrings = new ArrayList<>(List.of(connectionString));
    return this;
  }

  /** All endpoints: the one server, the seed nodes of a cluster, or the sentinels. */
  public List<String> getConnectionStrings() {
    return connectionStrings;
  }

  /**
   * Sets all endpoints (a copy of the list is kept): seed nodes of a cluster (any reachable one is enough to find the
   * others), or the sentinels. Each is checked as {@link #setConnectionString} says.
   *
   * @return this
   */
  public ConnectionOptions setConnectionStrings(List<String> connectionStrings) {
    this.connectionStrings = connectionStrings == null ? null : new ArrayList<>(connectionStrings);
    return this;
  }

  /** Standalone (default), cluster or sentinel. */
  public Topology getTopology() {
    return topology;
  }

  /**
   * Sets how Redis is deployed; {@link Topology#SENTINEL} needs {@link #setSentinelMasterName}. Default
   * {@link Topology#STANDALONE}.
   *
   * @return this
   */
  public ConnectionOptions setTopology(Topology topology) {
    this.topology = topology;
    return this;
  }

  /** The master name to ask the sentinels for (SENTINEL only), or null. */
  public String getSentinelMasterName() {
    return sentinelMasterName;
  }

  /**
   * Sets the master name the sentinels know the bus's Redis by; required with {@link Topology#SENTINEL}, ignored
   * otherwise.
   *
   * @return this
   */
  public ConnectionOptions setSentinelMasterName(String sentinelMasterName) {
    this.sentinelMasterName = sentinelMasterName;
    return this;
  }

  /** PEM file of the CA that signed Redis's certificate, or null for the JVM's default CAs. */
  public String getTlsCaPemPath() {
    return tlsCaPemPath;
  }

  /**
   * Sets the PEM file of the CA that signed Redis's certificate, for {@code rediss://} endpoints; null (the default)
   * trusts the JVM's default CAs (enough for managed services with public certificates).
   *
   * @return this
   */
  public ConnectionOptions setTlsCaPemPath(String tlsCaPemPath) {
    this.tlsCaPemPath = tlsCaPemPath;
    return this;
  }

  /** PEM client certificate, or null. */
  public String getTlsCertPemPath() {
    return tlsCertPemPath;
  }

  /**
   * Sets the PEM client certificate, for a Redis configured with {@code tls-auth-clients yes}; set together with
   * {@link #setTlsKeyPemPath} ({@link #validate()} refuses one without the other).
   *
   * @return this
   */
  public ConnectionOptions setTlsCertPemPath(String tlsCertPemPath) {
    this.tlsCertPemPath = tlsCertPemPath;
    return this;
  }

  /** PEM private key of the client certificate, or null. */
  public String getTlsKeyPemPath() {
    return tlsKeyPemPath;
  }

  /**
   * Sets the PEM private key of the client certificate ({@link #setTlsCertPemPath}).
   *
   * @return this
   */
  public ConnectionOptions setTlsKeyPemPath(String tlsKeyPemPath) {
    this.tlsKeyPemPath = tlsKeyPemPath;
    return this;
  }

  /** Whether the server certificate's host name must match the endpoint's host. Default true. */
  public boolean isTlsVerifyHostname() {
    return tlsVerifyHostname;
  }

  /**
   * Sets whether the server certificate's host name must match the endpoint's host (default true); turn it off only
   * for servers reached by an address their certificate does not name.
   *
   * @return this
   */
  public ConnectionOptions setTlsVerifyHostname(boolean tlsVerifyHostname) {
    this.tlsVerifyHostname = tlsVerifyHostname;
    return this;
  }

  /** First delay before reconnecting after a lost connection, in ms. */
  public long getReconnectInitialMs() {
    return reconnectInitialMs;
  }

  /**
   * Sets the first delay before reconnecting after a lost connection; it doubles with each failure up to
   * {@link #getReconnectMaxMs()}. In {@link #RECONNECT_INITIAL_MS}; default {@value #DEFAULT_RECONNECT_INITIAL_MS} ms.
   *
   * @return this
   */
  public ConnectionOptions setReconnectInitialMs(long reconnectInitialMs) {
    this.reconnectInitialMs = reconnectInitialMs;
    return this;
  }

  /** Longest delay between reconnect attempts, in ms. */
  public long getReconnectMaxMs() {
    return reconnectMaxMs;
  }

  /**
   * Sets the longest delay between reconnect attempts: in {@link #RECONNECT_MAX_MS} and at least the first delay.
   * Default {@value #DEFAULT_RECONNECT_MAX_MS} ms.
   *
   * @return this
   */
  public ConnectionOptions setReconnectMaxMs(long reconnectMaxMs) {
    this.reconnectMaxMs = reconnectMaxMs;
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionOptions other && toJson().equals(other.toJson())
        && java.util.Objects.equals(credentialsProvider, other.credentialsProvider);
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  /** The JSON, with any password in the endpoints replaced by {@code ***}. */
  @Override
  public String toString() {
    JsonArray redacted = new JsonArray();
    connectionStrings.forEach(s -> redacted.add(BusOptions.redact(s)));
    return toJson().put("connectionStrings", redacted).encode();
  }
}
