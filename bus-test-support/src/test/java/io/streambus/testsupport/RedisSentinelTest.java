package io.streambus.testsupport;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSentinelTest {

    @Test
    void replicatesAndPromotesTheReplicaOnFailoverAndWhenTheMasterDies() {
        try (RedisSentinel setup = RedisSentinel.start()) {
            RedisServer first = setup.master();
            assertThat(first).isSameAs(setup.dataNodes().get(0));
            first.command("SET", "k", "v");
            RedisServer replica = setup.dataNodes().get(1);
            Poll.until(Duration.ofSeconds(10), () -> "v".equals(replica.command("GET", "k")), () -> "replicated");

            RedisServer second = setup.failover();
            assertThat(second).isSameAs(replica);
            assertThat(second.command("GET", "k")).isEqualTo("v");

            // the demoted master follows the new one; killing the new master promotes it back
            Poll.until(Duration.ofSeconds(20), () -> "up".equals(RedisServer.infoField(
                    first.command("INFO", "replication"), "master_link_status")), () -> "old master re-attached");
            second.kill();
            assertThat(setup.awaitNewMaster(second, Duration.ofSeconds(30))).isSameAs(first);
        }
    }
}
