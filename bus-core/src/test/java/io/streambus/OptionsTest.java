package io.streambus;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options: every field survives the copy constructor and JSON; validation names the field. */
class OptionsTest {

  private static BusOptions customBus() {
    return new BusOptions().setConnectionStrings(List.of("redis://a:1", "redis://b:2")).setTopology(
            BusOptions.Topology.CLUSTER).setSentinelMasterName("m").setTlsCaPemPath("/ca").setTlsCertPemPath("/c")
        .setTlsKeyPemPath("/k").setTlsVerifyHostname(false).setKeyPrefix("px").setPartitions(3)
        .setTopicPartitions(Map.of("orders", 6)).setPublishTimeoutMs(1234).setMaxPendingPublishes(77)
        .setPublishWaitReplicas(1).setIdempotencyWindowMs(3_600_000).setTrimPolicy(BusOptions.TrimPolicy.MAXLEN).setMaxLen(99)
        .setRetentionMs(77_000).setTopicTrim("events", BusOptions.TopicTrim.retention(java.time.Duration.ofDays(30)))
        .setTopicTrim("capped", BusOptions.TopicTrim.maxLen(5)).setTopicTrim("kept", BusOptions.TopicTrim.none()).setTrimIntervalMs(555)
        .setReconnectInitialMs(11).setReconnectMaxMs(222)
        .setRequests(new RequestOptions().setRequestTimeoutMs(2_500).setResponderTtlMs(900).setReplyTtlMs(4_000));
  }

  @Test
  void busOptionsRoundTripEveryField() {
    BusOptions o = customBus();
    assertThat(new BusOptions(o)).isEqualTo(o);
    assertThat(new BusOptions(o.toJson())).isEqualTo(o);
    assertThat(new BusOptions(new JsonObject(o.toJson().encode()))).isEqualTo(o);
    assertThat(new BusOptions()).isNotEqualTo(o);
    assertThat(o.partitionsOf("orders")).isEqualTo(6);
    assertThat(o.partitionsOf("other")).isEqualTo(3);
    assertThat(o.trimOf("events")).isEqualTo(BusOptions.TopicTrim.retention(java.time.Duration.ofDays(30)));
    assertThat(o.trimOf("other")).isEqualTo(BusOptions.TopicTrim.maxLen(99));
  }

  @Test
  void consumerOptionsRoundTripEveryField() {
    ConsumerOptions o = new ConsumerOptions().setConsumerName("c-1").setMaxInFlight(9).setMaxDeliveries(2)
        .setBlockMs(33).setClaimMinIdleMs(44).setReclaimIntervalMs(55).setHandlerTimeoutMs(66).setCloseTimeoutMs(77)
        .setAckBatchSize(88).setConsumerCleanupIdleMs(99).setMaxRatePerSecond(12.5).setAcceptForeignEntries(false)
        .setStartPosition(StartPosition.BEGINNING).setOrdering(Ordering.KEY)
        .setRetry(new RetryOptions().setInitialBackoffMs(5).setMaxBackoffMs(50).setMultiplier(3).setJitter(0.1));
    assertThat(new ConsumerOptions(o)).isEqualTo(o);
    assertThat(new ConsumerOptions(o.toJson())).isEqualTo(o);
    assertThat(new ConsumerOptions()).isNotEqualTo(o);
    assertThat(new ConsumerOptions(new JsonObject().put("startPosition", "1700000000000-5")).getStartPosition())
        .isEqualTo(StartPosition.afterId("1700000000000-5"));
  }

  @Test
  void busOptionsAreWrittenByPartAndTheSingleFieldsOfEarlierVersionsAreStillRead() {
    BusOptions o = customBus();
    JsonObject json = o.toJson();
    assertThat(json.fieldNames()).containsExactlyInAnyOrder("connection", "topics", "publish", "requests");
    assertThat(json.getJsonObject("requests")).isEqualTo(new JsonObject().put("requestTimeoutMs", 2_500)
        .put("responderTtlMs", 900).put("replyTtlMs", 4_000));
    assertThat(new BusOptions(new JsonObject().put("requests", new JsonObject().put("requestTimeoutMs", 7)))
        .getRequests().getRequestTimeoutMs()).isEqualTo(7);
    assertThat(json.getJsonObject("publish").getLong("publishTimeoutMs")).isEqualTo(1234);
    assertThat(o.getConnection().getTopology()).isEqualTo(BusOptions.Topology.CLUSTER);
    assertThat(o.getTopics().getPartitions()).isEqualTo(3);

    // the JSON BusOptions wrote before it had parts: every field at the top, enum constants in any case
    JsonObject flat = new JsonObject().put("connectionString", "redis://x:7").put("topology", "cluster")
        .put("tlsCaPemPath", "/ca").put("keyPrefix", "px").put("partitions", 4)
        .put("topicPartitions", new JsonObject().put("orders", 8)).put("trimPolicy", "maxlen").put("maxLen", 10)
        .put("topicTrims", new JsonObject().put("events", new JsonObject().put("policy", "retention")
            .put("retentionMs", 5_000)))
        .put("publishTimeoutMs", 999).put("publishWaitReplicas", 1).put("reconnectMaxMs", 3_000);
    BusOptions read = new BusOptions(flat);
    assertThat(read).isEqualTo(new BusOptions().setConnectionString("redis://x:7")
        .setTopology(BusOptions.Topology.CLUSTER).setTlsCaPemPath("/ca").setKeyPrefix("px").setPartitions(4)
        .setTopicPartitions(Map.of("orders", 8)).setTrimPolicy(BusOptions.TrimPolicy.MAXLEN).setMaxLen(10)
        .setTopicTrim("events", BusOptions.TopicTrim.retention(java.time.Duration.ofSeconds(5)))
        .setPublishTimeoutMs(999).setPublishWaitReplicas(1).setReconnectMaxMs(3_000));
  }

  @Test
  void aRefusedFieldIsNamedAsData() {
    assertThat(field(() -> new BusOptions().setPartitions(0).validate())).isEqualTo("topics.partitions");
    assertThat(field(() -> new BusOptions().setPublishTimeoutMs(3_600_001).validate()))
        .isEqualTo("publish.publishTimeoutMs");
    assertThat(field(() -> new BusOptions().setRequests(new RequestOptions().setRequestTimeoutMs(0)).validate()))
        .isEqualTo("requests.requestTimeoutMs");
    assertThat(field(() -> new BusOptions().setRequests(new RequestOptions().setResponderTtlMs(299)).validate()))
        .isEqualTo("requests.responderTtlMs");
    assertThat(field(() -> new BusOptions().setRequests(null).validate())).isEqualTo("requests");
    assertThat(field(() -> new BusOptions(new JsonObject().put("requests",
        new JsonObject().put("replyTtlMs", "long"))))).isEqualTo("requests.replyTtlMs");
    assertThat(field(() -> new BusOptions().setConnectionString("http://x").validate()))
        .isEqualTo("connection.connectionStrings");
    assertThat(field(() -> new BusOptions().setTopicPartitions(Map.of("orders", 0)).validate()))
        .isEqualTo("topics.topicPartitions");
    assertThat(field(() -> new ConsumerOptions().setAckBatchSize(1_001).validate())).isEqualTo("ackBatchSize");
    assertThat(field(() -> new ConsumerOptions().setRetry(new RetryOptions().setJitter(1)).validate()))
        .isEqualTo("retry.jitter");
    // reading JSON: a value of the wrong type, a name that is no option, an unknown constant
    assertThat(field(() -> new BusOptions(new JsonObject().put("publish",
        new JsonObject().put("publishTimeoutMs", "soon"))))).isEqualTo("publish.publishTimeoutMs");
    assertThat(field(() -> new BusOptions(new JsonObject().put("partitons", 3)))).isEqualTo("partitons");
    assertThat(field(() -> new BusOptions(new JsonObject().put("topics",
        new JsonObject().put("topicPartitions", new JsonObject().put("orders", "six"))))))
        .isEqualTo("topics.topicPartitions");
    assertThat(field(() -> new ConsumerOptions(new JsonObject().put("ordering", "sorted")))).isEqualTo("ordering");
    assertThat(field(() -> new ConsumerOptions(new JsonObject().put("retry",
        new JsonObject().put("multiplier", true))))).isEqualTo("retry.multiplier");
    assertThatThrownBy(() -> new BusOptions(new JsonObject().put("publish",
        new JsonObject().put("publishTimeoutMs", "soon"))))
        .hasMessage("publish.publishTimeoutMs must be a number, was 'soon'");
  }

  @Test
  void aRangeIsCheckedAtBothEnds() {
    assertThat(PublishOptions.PUBLISH_TIMEOUT_MS.contains(1)).isTrue();
    assertThat(PublishOptions.PUBLISH_TIMEOUT_MS.contains(3_600_000)).isTrue();
    assertThat(PublishOptions.PUBLISH_TIMEOUT_MS.contains(0)).isFalse();
    assertThat(PublishOptions.PUBLISH_TIMEOUT_MS.contains(3_600_001)).isFalse();
    assertThatThrownBy(() -> new PublishOptions().setPublishTimeoutMs(0).validate())
        .hasMessage("publish.publishTimeoutMs must be in 1..3600000, was 0");
    assertThatThrownBy(() -> new TopicOptions().setTrimIntervalMs(0).validate())
        .hasMessage("topics.trimIntervalMs must be in 1..86400000, was 0");
  }

  private static String field(Runnable refused) {
    try {
      refused.run();
    } catch (OptionException e) {
      return e.field();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void validationNamesTheField() {
    assertThatThrownBy(() -> new BusOptions().setPartitions(0).validate()).hasMessageContaining("partitions");
    assertThatThrownBy(() -> new BusOptions().setConnectionString("http://x").validate())
        .hasMessageContaining("connectionString");
    assertThatThrownBy(() -> new BusOptions().setConnectionString("redis://u:secret@h:1/x{").validate())
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> new BusOptions().setKeyPrefix("a:b").validate()).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> new BusOptions().setTrimPolicy(BusOptions.TrimPolicy.MAXLEN).validate())
        .hasMessageContaining("maxLen");
    assertThatThrownBy(() -> new BusOptions().setTrimPolicy(BusOptions.TrimPolicy.RETENTION).setRetentionMs(0)
        .validate()).hasMessageContaining("retentionMs");
    assertThatThrownBy(() -> new BusOptions().setTopicTrim("events", BusOptions.TopicTrim.maxLen(0)).validate())
        .hasMessageContaining("topicTrims.events.maxLen");
    assertThatThrownBy(() -> new BusOptions().setTopicTrim("a:b", BusOptions.TopicTrim.acked()).validate())
        .hasMessageContaining("topicTrims").hasMessageContaining("a:b");
    assertThatThrownBy(() -> new BusOptions().setIdempotencyWindowMs(0).validate())
        .hasMessageContaining("idempotencyWindowMs");
    assertThatThrownBy(() -> new ConsumerOptions().setMaxDeliveries(0).validate())
        .hasMessageContaining("maxDeliveries");
    assertThatThrownBy(() -> new ConsumerOptions().setRetry(new RetryOptions().setMultiplier(0.5)).validate())
        .hasMessageContaining("retry.multiplier");
    assertThatThrownBy(() -> StartPosition.parse("yesterday")).hasMessageContaining("startPosition");
    assertThat(new BusOptions().setConnectionString("redis://u:secret@h:1").toString()).doesNotContain("secret");
  }

  @Test
  void backoffGrowsExponentiallyUpToTheCap() {
    RetryOptions r = new RetryOptions().setInitialBackoffMs(100).setMaxBackoffMs(1000).setMultiplier(2).setJitter(0);
    assertThat(List.of(r.backoffMs(1), r.backoffMs(2), r.backoffMs(3), r.backoffMs(4), r.backoffMs(5)))
        .containsExactly(100L, 200L, 400L, 800L, 1000L);
    RetryOptions jittered = new RetryOptions().setInitialBackoffMs(100).setJitter(0.2);
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.backoffMs(1)).isBetween(80L, 120L);
    }
  }
}
