package io.streambus;

import io.vertx.core.Future;

/**
 * Gives the user name and password for each connection the bus opens, asked anew before every connect and
 * reconnect, for servers whose credentials change: an ElastiCache or Memorystore IAM authentication token lasts 15
 * minutes (an hour on Memorystore), while an authenticated connection stays open for hours, so a token signed at each
 * connect is always fresh. Set with {@link ConnectionOptions#setCredentialsProvider}; without one, the user and
 * password come from the connection strings ({@code redis://user:password@host:port}).
 *
 * <p>The bus calls {@link #credentials()} on a Vert.x event loop: sign the token there if that is cheap (an IAM
 * token is a SigV4-presigned URL, computed locally), or return a future completed off the event loop. A failed future
 * fails that connect attempt, which the bus retries with its reconnect backoff until the operation's deadline.
 */
public interface CredentialsProvider {

  /** The user and password to authenticate a new connection with. */
  Future<Credentials> credentials();

  /**
   * What a connection authenticates with ({@code AUTH user password}).
   *
   * @param user     the ACL user; null for the {@code default} user
   * @param password the password, or the authentication token; not null
   */
  record Credentials(String user, String password) {
    /**
     * @throws NullPointerException when the password is null
     */
    public Credentials {
      java.util.Objects.requireNonNull(password, "password");
    }

    /** The password is left out: credentials are not for logs. */
    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=***]";
    }
  }
}
