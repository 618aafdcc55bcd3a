package io.streambus.dashboard.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadViewTest {

  @Test
  void jsonIsPrettyPrintedTextStaysTextAndBytesBecomeHex() {
    assertThat(PayloadView.of(Buffer.buffer("{\"a\":[1,2]}"), null).getString("kind")).isEqualTo("json");
    assertThat(PayloadView.of(Buffer.buffer("{\"a\":[1,2]}"), null).getString("text")).contains("\n");
    // a bare number is JSON only when the content type says so
    assertThat(PayloadView.of(Buffer.buffer("42"), null).getString("kind")).isEqualTo("text");
    assertThat(PayloadView.of(Buffer.buffer("42"), "application/json").getString("kind")).isEqualTo("json");
    assertThat(PayloadView.of(Buffer.buffer("{broken"), "application/json").getString("kind")).isEqualTo("text");
    JsonObject text = PayloadView.of(Buffer.buffer("zürich\tline\n<b>"), null);
    assertThat(text.getString("kind")).isEqualTo("text");
    assertThat(text.getString("text")).isEqualTo("zürich\tline\n<b>");
    assertThat(text.getInteger("size")).isEqualTo("zürich\tline\n<b>".getBytes(StandardCharsets.UTF_8).length);
    assertThat(PayloadView.of(Buffer.buffer(new byte[] {'a', 0x1b, 'b'}), null).getString("kind"))
        .isEqualTo("binary");
    JsonObject bytes = PayloadView.of(Buffer.buffer(new byte[] {(byte) 0xc3, 0x28}), null);
    assertThat(bytes.getString("kind")).isEqualTo("binary");
    assertThat(bytes.getString("text")).isEqualTo("00000000  c3 28" + " ".repeat(14 * 3) + "  |.(|\n");
    assertThat(PayloadView.of(null, null)).isNull();
  }

  @Test
  void onlyTheFirst64KiBAreRenderedAndACutCharacterIsNoReasonForHex() {
    StringBuilder big = new StringBuilder();
    while (big.length() < PayloadView.SHOWN_BYTES) {
      big.append("é"); // two bytes each: the cut at 64 KiB falls on a character boundary or inside one
    }
    big.append("x");
    JsonObject view = PayloadView.of(Buffer.buffer("y" + big), null);
    assertThat(view.getBoolean("truncated")).isTrue();
    assertThat(view.getString("kind")).isEqualTo("text");
    assertThat(view.getInteger("size")).isGreaterThan(PayloadView.SHOWN_BYTES);
    assertThat(view.getString("text").getBytes(StandardCharsets.UTF_8).length)
        .isBetween(PayloadView.SHOWN_BYTES - 3, PayloadView.SHOWN_BYTES);
  }

  @Test
  void previewsAreOneShortLine() {
    assertThat(PayloadView.preview(Buffer.buffer("a\n  b"), 10)).isEqualTo("a b");
    assertThat(PayloadView.preview(Buffer.buffer("abcdefghijkl"), 5)).isEqualTo("abcde…");
    assertThat(PayloadView.preview(Buffer.buffer(new byte[] {0, 1}), 5)).isEqualTo("binary, 2 bytes");
  }

  @Test
  void entryIdsCompareAsRedisOrdersThem() {
    assertThat(EntryPages.compareIds("10-0", "9-5")).isPositive();
    assertThat(EntryPages.compareIds("9-10", "9-9")).isPositive();
    assertThat(EntryPages.compareIds("9-9", "9-9")).isZero();
    assertThat(EntryPages.next("9-9")).isEqualTo("9-10");
    assertThat(EntryPages.next("9-18446744073709551615")).isEqualTo("10-0");
  }
}
