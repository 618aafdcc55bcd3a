package io.streambus.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link VerifyTally} counts: lost, duplicated, out of order per key, and the latency ranks. */
class VerifyTallyTest {
  @Test
  void aMessageHandledAfterALaterOneOfItsKeyIsOutOfOrderAndOtherKeysDoNotInterfere() {
    VerifyTally t = new VerifyTally(4);
    for (int i = 0; i < 4; i++) {
      t.sending(i);
      t.confirmed(i);
    }
    t.delivered(1, "a", "100-1");
    t.delivered(0, "a", "100-0");
    t.delivered(2, "b", "99-5");
    t.delivered(3, "a", "101-0");
    assertThat(t.outOfOrder()).isEqualTo(1);
    assertThat(t.lost()).isEmpty();
  }

  @Test
  void aRepeatedDeliveryIsADuplicateNotOutOfOrderAndWhatNeverCameIsLost() {
    VerifyTally t = new VerifyTally(3);
    for (int i = 0; i < 3; i++) {
      t.sending(i);
    }
    t.confirmed(0);
    t.confirmed(2);
    t.delivered(0, "a", "1-0");
    t.delivered(1, "a", "2-0");
    t.delivered(0, "a", "1-0");
    assertThat(t.duplicatedMessages()).isEqualTo(1);
    assertThat(t.extraDeliveries()).isEqualTo(1);
    assertThat(t.outOfOrder()).isZero();
    assertThat(t.lost()).containsExactly(2);
    assertThat(t.deliveredUnconfirmed()).isEqualTo(1);
    t.delivered(7, null, null);
    assertThat(t.foreignCount()).isEqualTo(1);
    assertThat(t.latencyMs()).hasSize(4);
  }
}
