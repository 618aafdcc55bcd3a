package io.streambus.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void returnsTheFirstAcceptedValue() {
        AtomicInteger calls = new AtomicInteger();
        int value = Poll.until(Duration.ofSeconds(5), calls::incrementAndGet, n -> n >= 3, "third call");
        assertThat(value).isEqualTo(3);
    }

    @Test
    void timeoutNamesWhatAndTheLastValue() {
        assertThatThrownBy(() -> Poll.until(Duration.ofMillis(100), () -> "red", "green"::equals, "the light"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the light")
                .hasMessageContaining("last value: red");
    }

    @Test
    void timeoutUsesTheDescriptionAndKeepsTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Poll.until(Duration.ofMillis(100), () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("not yet");
        }, () -> "described"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("described")
                .hasRootCauseMessage("not yet");
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void conditionThatThrowsThenPassesIsAccepted() {
        AtomicInteger calls = new AtomicInteger();
        Poll.until(Duration.ofSeconds(5), () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("warming up");
            }
            return true;
        }, () -> "never");
        assertThat(calls.get()).isEqualTo(3);
    }
}
