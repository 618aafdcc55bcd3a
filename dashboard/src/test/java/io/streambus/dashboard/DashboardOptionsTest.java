package io.streambus.dashboard;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardOptionsTest {

  @Test
  void defaults() {
    DashboardOptions o = new DashboardOptions();

    assertThat(o.getSampleIntervalMs()).isEqualTo(1_000);
    assertThat(o.getHistorySeconds()).isEqualTo(900);
    assertThat(o.getTrendSamples()).isEqualTo(5);
    assertThat(o.getMutationToken()).isNull();
    assertThat(o.getReadToken()).isNull();
    assertThat(o.validate()).isSameAs(o);
  }

  @Test
  void everyFieldSurvivesCopyAndJson() {
    DashboardOptions o = new DashboardOptions().setSampleIntervalMs(250).setHistorySeconds(60).setTrendSamples(7)
        .setMutationToken("mutate-token").setReadToken("read-token-1");

    assertThat(new DashboardOptions(o)).isEqualTo(o);
    JsonObject json = o.toJson().put("mutationToken", "mutate-token").put("readToken", "read-token-1");
    assertThat(new DashboardOptions(json)).isEqualTo(o);
  }

  @Test
  void jsonAndToStringNeverShowTheTokens() {
    DashboardOptions o = new DashboardOptions().setMutationToken("mutate-token").setReadToken("read-token-1");

    assertThat(o.toJson().encode()).doesNotContain("mutate-token").doesNotContain("read-token-1");
    assertThat(o.toString()).doesNotContain("mutate-token").contains("\"mutations\":true");
  }

  @Test
  void validationNamesTheField() {
    assertInvalid(new DashboardOptions().setSampleIntervalMs(50), "sampleIntervalMs");
    assertInvalid(new DashboardOptions().setHistorySeconds(5), "historySeconds");
    assertInvalid(new DashboardOptions().setTrendSamples(1), "trendSamples");
    assertInvalid(new DashboardOptions().setMutationToken("short"), "mutationToken");
    assertInvalid(new DashboardOptions().setReadToken(" padded-token "), "readToken");
  }

  private static void assertInvalid(DashboardOptions o, String field) {
    assertThatThrownBy(o::validate).isInstanceOf(io.streambus.OptionException.class).hasMessageStartingWith(field)
        .extracting(e -> ((io.streambus.OptionException) e).field()).isEqualTo(field);
  }
}
