package io.streambus;

import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Credentials that change, as IAM authentication tokens do: the provider is asked before every connect, so when the
 * server's password for the bus's user changes and its connections are cut, the bus reconnects with the new one.
 */
class CredentialsProviderTest extends BusTestBase {
  private final AtomicReference<String> password = new AtomicReference<>("first-token");
  private final AtomicInteger asked = new AtomicInteger();
  private final CredentialsProvider provider = () -> {
    asked.incrementAndGet();
    return Future.succeededFuture(new CredentialsProvider.Credentials("app", password.get()));
  };

  @BeforeEach
  void createUser() {
    redis.command("ACL", "SETUSER", "app", "reset", "on", ">first-token", "~*", "&*", "+@all");
  }

  @AfterEach
  void dropUser() {
    redis.command("ACL", "DELUSER", "app");
  }

  private BusOptions withProvider(CredentialsProvider credentials) {
    BusOptions options = busOptions();
    options.getConnection().setConnectionString("redis://" + redis.host() + ":" + redis.port())
        .setCredentialsProvider(credentials);
    return options;
  }

  @Test
  void everyReconnectAuthenticatesWithWhatTheProviderAnswersThen() {
    StreamBus bus = bus(withProvider(provider));
    Set<String> received = ConcurrentHashMap.newKeySet();
    await(bus.subscribe(topic, "g", m -> {
      received.add(m.text());
      return Future.succeededFuture();
    }, fastConsumer()));
    await(bus.publish(topic, "before"));
    eventually(Duration.ofSeconds(10), () -> received.contains("before"), "the first message");
    assertThat(redis.command("CLIENT", "LIST")).contains("user=app");
    int askedBefore = asked.get();
    assertThat(askedBefore).isPositive();

    // the token rotates: the server takes only the new one, and every connection of the user is cut
    redis.command("ACL", "SETUSER", "app", "resetpass", ">second-token");
    password.set("second-token");
    redis.command("CLIENT", "KILL", "USER", "app");

    await(bus.publish(topic, "after"));
    eventually(Duration.ofSeconds(15), () -> received.contains("after"), "a message after the rotation");
    assertThat(asked.get()).as("asked again at the reconnects").isGreaterThan(askedBefore);
  }

  @Test
  void aProviderThatFailsFailsTheOperationAndTheBusRecoversWhenItAnswersAgain() {
    AtomicReference<RuntimeException> failure = new AtomicReference<>(new IllegalStateException("signer down"));
    StreamBus bus = bus(withProvider(() -> failure.get() != null ? Future.failedFuture(failure.get())
        : provider.credentials()).setPublishTimeoutMs(1_000));
    Throwable refused = awaitFailure(bus.publish(topic, "m"));
    // the timeout says why: the connect attempt, the address tried, and the provider's error
    assertThat(refused).isInstanceOf(BusException.class).hasMessageContaining("signer down")
        .hasMessageContaining("connect to " + redis.host() + ":" + redis.port());
    failure.set(null);
    assertThat(await(bus.publish(topic, "m"))).isNotNull();
  }

  @Test
  void aConnectionStringWithAPasswordAndAProviderAreRefusedTogether() {
    BusOptions options = busOptions();
    options.getConnection().setConnectionString("redis://app:secret@" + redis.host() + ":" + redis.port())
        .setCredentialsProvider(provider);
    assertThatThrownBy(options::validate).isInstanceOf(OptionException.class)
        .hasMessageContaining("credentials provider")
        .extracting(e -> ((OptionException) e).field()).isEqualTo("connection.connectionStrings");
  }
}
