package io.streambus.app;

import io.streambus.BusOptions;
import io.streambus.OptionException;
import io.streambus.PublishOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusConfigTest {

  @Test
  void mapsEverySettingToBusOptions() {
    BusOptions o = BusConfig.busOptions(Settings.of(Map.of(
        "BUS_REDIS_URL", "redis://a:1,redis://b:2", "BUS_REDIS_TOPOLOGY", "cluster", "BUS_KEY_PREFIX", "p",
        "BUS_PARTITIONS", "4", "BUS_TOPIC_PARTITIONS", "orders=3", "BUS_PUBLISH_TIMEOUT_MS", "1500",
        "BUS_MAX_PENDING_PUBLISHES", "99", "BUS_TRIM_POLICY", "maxlen", "BUS_MAX_LEN", "1000")));
    assertThat(o.getConnectionStrings()).containsExactly("redis://a:1", "redis://b:2");
    assertThat(o.getTopology()).isEqualTo(BusOptions.Topology.CLUSTER);
    assertThat(o.getKeyPrefix()).isEqualTo("p");
    assertThat(o.getPartitions()).isEqualTo(4);
    assertThat(o.partitionsOf("orders")).isEqualTo(3);
    assertThat(o.getPublishTimeoutMs()).isEqualTo(1500);
    assertThat(o.getMaxPendingPublishes()).isEqualTo(99);
    assertThat(o.getTrimPolicy()).isEqualTo(BusOptions.TrimPolicy.MAXLEN);
    assertThat(o.getMaxLen()).isEqualTo(1000);
  }

  @Test
  void mapsRetentionAndTheIdempotencyWindow() {
    BusOptions o = BusConfig.busOptions(Settings.of(Map.of("BUS_TRIM_POLICY", "retention",
        "BUS_RETENTION_MS", "86400000", "BUS_IDEMPOTENCY_WINDOW_MS", "60000")));
    assertThat(o.getTrimPolicy()).isEqualTo(BusOptions.TrimPolicy.RETENTION);
    assertThat(o.getRetentionMs()).isEqualTo(86_400_000);
    assertThat(o.getIdempotencyWindowMs()).isEqualTo(60_000);
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_RETENTION_MS", "0"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("BUS_RETENTION_MS");
  }

  @Test
  void defaultsAreTheLibraryDefaults() {
    assertThat(BusConfig.busOptions(Settings.of(Map.of()))).isEqualTo(new BusOptions());
  }

  @Test
  void libraryValidationErrorsNameTheSetting() {
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_REDIS_URL", "http://x:1"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("BUS_REDIS_URL: ");
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_KEY_PREFIX", "a{b}"))))
        .hasMessageStartingWith("BUS_KEY_PREFIX: ");
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_TRIM_POLICY", "maxlen"))))
        .hasMessageStartingWith("BUS_MAX_LEN: ");
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_TLS_CA_PEM", "/no/such.pem"))))
        .hasMessageStartingWith("BUS_TLS_CA_PEM names a file that cannot be read");
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_REDIS_TOPOLOGY", "sentinel",
        "BUS_REDIS_URL", List.of("redis://s:1").get(0)))))
        .hasMessageStartingWith("BUS_REDIS_SENTINEL_MASTER: ");
  }

  @Test
  void aSettingAcceptsWhatItsOptionAccepts() {
    // one range per setting: the library's constant bounds the setting, so its ends are the option's ends
    assertThat(BusConfig.busOptions(Settings.of(Map.of("BUS_PUBLISH_TIMEOUT_MS", "3600000"))).getPublish()
        .getPublishTimeoutMs()).isEqualTo(PublishOptions.PUBLISH_TIMEOUT_MS.max());
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_PUBLISH_TIMEOUT_MS", "3600001"))))
        .hasMessage("BUS_PUBLISH_TIMEOUT_MS must be an integer 1..3600000, was '3600001'");
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_PARTITIONS", "1025"))))
        .hasMessage("BUS_PARTITIONS must be an integer 1..1024, was '1025'");
    assertThat(BusConfig.busOptions(Settings.of(Map.of("BUS_PUBLISH_WAIT_REPLICAS", "1"))).getPublish()
        .getPublishWaitReplicas()).isEqualTo(1);
    assertThatThrownBy(() -> BusConfig.busOptions(Settings.of(Map.of("BUS_PUBLISH_WAIT_REPLICAS", "-1"))))
        .hasMessage("BUS_PUBLISH_WAIT_REPLICAS must be an integer 0..16, was '-1'");
  }

  @Test
  void anOptionNoSettingFeedsIsABugNotAConfigurationError() {
    assertThatThrownBy(() -> ConfigException.ofOption(new OptionException("connection.reconnectMaxMs", "too low"),
        Map.of("topics.partitions", "BUS_PARTITIONS")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("connection.reconnectMaxMs");
    assertThat(ConfigException.ofOption(new OptionException("topics.partitions", "partitions must be in 1..1024"),
        Map.of("topics.partitions", "BUS_PARTITIONS")))
        .hasMessage("BUS_PARTITIONS: partitions must be in 1..1024").extracting(ConfigException::setting)
        .isEqualTo("BUS_PARTITIONS");
  }
}
