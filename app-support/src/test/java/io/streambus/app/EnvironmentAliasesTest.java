package io.streambus.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentAliasesTest {
  private static final EnvironmentAliases ALIASES = new EnvironmentAliases(Map.of("OLD_PORT", "BUS_HTTP_PORT"));

  @Test
  void anAliasIsReadAsItsCanonicalName() {
    assertThat(ALIASES.apply(Map.of("OLD_PORT", "9000"))).containsEntry("BUS_HTTP_PORT", "9000");
    assertThat(ALIASES.apply(Map.of("BUS_HTTP_PORT", "9001"))).containsEntry("BUS_HTTP_PORT", "9001");
    assertThat(ALIASES.apply(Map.of("OLD_PORT", " ", "BUS_HTTP_PORT", "9001"))).containsEntry("BUS_HTTP_PORT",
        "9001");
  }

  @Test
  void bothSetToDifferentValuesIsRefused() {
    assertThat(ALIASES.apply(Map.of("OLD_PORT", "9000", "BUS_HTTP_PORT", "9000"))).containsEntry("BUS_HTTP_PORT",
        "9000");
    assertThatThrownBy(() -> ALIASES.apply(Map.of("OLD_PORT", "9000", "BUS_HTTP_PORT", "9001")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("OLD_PORT ('9000') and BUS_HTTP_PORT ('9001')");
  }

  @Test
  void anErrorAboutASettingSetUnderItsAliasNamesTheAlias() {
    AppRunner.Factory build = (vertx, s) -> {
      HttpConfig.from(s, 8080);
      return null;
    };
    assertThatThrownBy(() -> AppRunner.prepare(java.util.List.of(), Map.of("OLD_PORT", "x"), Map.of(), ALIASES,
        build)).isInstanceOf(ConfigException.class)
        .hasMessage("BUS_HTTP_PORT must be an integer 0..65535, was 'x' (set as OLD_PORT, its older name)");
    assertThatThrownBy(() -> AppRunner.prepare(java.util.List.of(), Map.of("BUS_HTTP_PORT", "x"), Map.of(), ALIASES,
        build)).hasMessage("BUS_HTTP_PORT must be an integer 0..65535, was 'x'");
  }

  @Test
  void twoAliasesForOneNameAreAMistakeOfTheApplication() {
    assertThatThrownBy(() -> new EnvironmentAliases(Map.of("A", "BUS_X", "B", "BUS_X")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
