package io.streambus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

  @Test
  void fileStyleNamesAreCanonicalised() {
    assertThat(Settings.canonicalName("redis.url")).isEqualTo("BUS_REDIS_URL");
    assertThat(Settings.canonicalName("max-in-flight")).isEqualTo("BUS_MAX_IN_FLIGHT");
    assertThat(Settings.canonicalName("BUS_GROUP")).isEqualTo("BUS_GROUP");
  }

  @Test
  void badIntegerNamesTheSettingTheRangeAndTheValue() {
    Settings s = Settings.of(Map.of("BUS_MAX_IN_FLIGHT", "abc"));
    assertThatThrownBy(() -> s.integer("BUS_MAX_IN_FLIGHT", 64, 1, 100_000))
        .isInstanceOf(ConfigException.class)
        .hasMessage("BUS_MAX_IN_FLIGHT must be an integer 1..100000, was 'abc'")
        .extracting(e -> ((ConfigException) e).setting()).isEqualTo("BUS_MAX_IN_FLIGHT");
  }

  @Test
  void outOfRangeIsRejectedAndBlankMeansDefault() {
    Settings s = Settings.of(Map.of("BUS_A", "0", "BUS_B", "  "));
    assertThatThrownBy(() -> s.integer("BUS_A", 5, 1, 10)).hasMessageContaining("BUS_A must be an integer 1..10");
    assertThat(s.integer("BUS_B", 5, 1, 10)).isEqualTo(5);
    assertThat(s.integer("BUS_MISSING", 7, 1, 10)).isEqualTo(7);
  }

  @Test
  void valuesFromFilesKeepTheirJsonTypes() {
    Settings s = new Settings(new JsonObject().put("BUS_N", 12).put("BUS_L", new JsonArray().add("a").add("b"))
        .put("BUS_F", true).put("BUS_D", 0.5));
    assertThat(s.integer("BUS_N", 0, 0, 100)).isEqualTo(12);
    assertThat(s.list("BUS_L", List.of())).containsExactly("a", "b");
    assertThat(s.bool("BUS_F", false)).isTrue();
    assertThat(s.decimal("BUS_D", 0, 0, 1)).isEqualTo(0.5);
  }

  @Test
  void listsBooleansChoicesAndMaps() {
    Settings s = Settings.of(Map.of("BUS_TOPICS", " orders, payments ,", "BUS_FLAG", "yes", "BUS_MODE", "Cluster",
        "BUS_MAP", "orders=3, payments=1", "BUS_BAD", "maybe"));
    assertThat(s.list("BUS_TOPICS", List.of())).containsExactly("orders", "payments");
    assertThat(s.bool("BUS_FLAG", false)).isTrue();
    assertThat(s.choice("BUS_MODE", io.streambus.BusOptions.Topology.class, null))
        .isEqualTo(io.streambus.BusOptions.Topology.CLUSTER);
    assertThat(s.intMap("BUS_MAP", 1, 10)).containsExactly(Map.entry("orders", 3), Map.entry("payments", 1));
    assertThatThrownBy(() -> s.bool("BUS_BAD", false)).hasMessage("BUS_BAD must be true or false, was 'maybe'");
    assertThatThrownBy(() -> s.choice("BUS_BAD", io.streambus.BusOptions.Topology.class, null))
        .hasMessage("BUS_BAD must be one of standalone, cluster, sentinel, was 'maybe'");
  }

  @Test
  void unknownNamesAreReportedAndToStringHidesValues() {
    Settings s = Settings.of(Map.of("BUS_REDIS_URL", "redis://u:secret@h:1", "BUS_TYPO", "1"));
    assertThat(s.unknown(Set.of("BUS_REDIS_URL"))).containsExactly("BUS_TYPO");
    assertThat(s.toString()).doesNotContain("secret");
  }
}
