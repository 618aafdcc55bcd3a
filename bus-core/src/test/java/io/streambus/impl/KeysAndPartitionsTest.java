package io.streambus.impl;

import io.streambus.Topics;
import io.streambus.impl.connection.Channels;
import io.streambus.impl.publish.Publisher;
import io.streambus.impl.wire.Keys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class KeysAndPartitionsTest {

  @Test
  void everyKeyOfAPartitionSharesOneHashTag() {
    Keys keys = new Keys("bus");
    assertThat(keys.stream("orders", 2)).isEqualTo("bus:{orders:2}");
    assertThat(keys.deadLetters("orders", 2)).isEqualTo("bus:{orders:2}:dlq");
    assertThat(keys.retries("orders", 2, "billing")).isEqualTo("bus:{orders:2}:retry:billing");
    assertThat(keys.delayed("orders", 2)).isEqualTo("bus:{orders:2}:delayed");
    assertThat(keys.idempotency("orders", 2)).isEqualTo("bus:{orders:2}:idem");
    assertThat(keys.idempotencyExpiry("orders", 2)).isEqualTo("bus:{orders:2}:idem:expiry");
    assertThat(keys.partitionOf("bus:{orders:2}")).isEqualTo(2);
    assertThat(keys.partitionOf("nonsense")).isEqualTo(-1);
  }

  @Test
  void keyPartitionIsCrc32ModuloThePartitionCount() {
    for (String key : new String[] {"order-1", "customer-42", "", "ключ"}) {
      CRC32 crc = new CRC32();
      crc.update(key.getBytes(StandardCharsets.UTF_8));
      assertThat(Publisher.partitionOf(key, 8)).isEqualTo((int) (crc.getValue() % 8));
    }
    assertThat(Publisher.partitionOf("same", 5)).isEqualTo(Publisher.partitionOf("same", 5));
  }

  /** The public rule readers of a model use is the publisher's, for every partition count. */
  @Test
  void thePublicPartitionRuleIsThePublishers() {
    for (int partitions = 1; partitions <= 16; partitions++) {
      for (int i = 0; i < 500; i++) {
        String key = "key-" + i;
        assertThat(Topics.partitionOf(key, partitions)).isEqualTo(Publisher.partitionOf(key, partitions));
      }
    }
    assertThat(Topics.modelKey("bus", "orders", 3, "revenue")).isEqualTo("bus:{orders:3}:model:revenue")
        .startsWith(new Keys("bus").stream("orders", 3));
  }

  @Test
  void databaseComesFromTheConnectionStringPath() {
    assertThat(Channels.database("redis://h:1")).isZero();
    assertThat(Channels.database("redis://h:1/3")).isEqualTo(3);
    assertThat(Channels.database("rediss://u:p@h:1/12")).isEqualTo(12);
  }
}
