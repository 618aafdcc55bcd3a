package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String TEXT = """
            # HELP streambus_group_backlog Entries not yet delivered
            # TYPE streambus_group_backlog gauge
            streambus_group_backlog{group="billing",topic="orders"} 6.0
            streambus_group_backlog{group="a \\"quoted\\", odd}",topic="x"} 1.0 1700000000000
            jvm_threads_live_threads 23.0
            process_start_time_seconds NaN
            """;

    @Test
    void readsNamesLabelsAndValuesAndSkipsComments() {
        List<PrometheusText.Series> all = PrometheusText.parse(TEXT);
        assertThat(all).hasSize(4);
        assertThat(all.get(0)).isEqualTo(new PrometheusText.Series("streambus_group_backlog",
                Map.of("group", "billing", "topic", "orders"), 6.0));
        assertThat(all.get(2).labels()).isEmpty();
        assertThat(all.get(2).value()).isEqualTo(23.0);
        assertThat(all.get(3).value()).isNaN();
    }

    @Test
    void labelValuesMayHoldEscapedQuotesCommasAndBraces() {
        PrometheusText.Series odd = PrometheusText.named(TEXT, "streambus_group_backlog").get(1);
        assertThat(odd.labels()).containsExactly(Map.entry("group", "a \"quoted\", odd}"), Map.entry("topic", "x"));
        assertThat(odd.value()).isEqualTo(1.0);
    }

    @Test
    void aLineOutOfFormatIsNamed() {
        assertThatThrownBy(() -> PrometheusText.parse("broken{group=\"x} 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken");
    }
}
