package io.streambus.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Makes payloads of a fixed size: 8 bytes of {@link System#nanoTime()} taken when the payload is made (just before
 * the publish call), then printable filler. A fresh buffer each time, since the client encodes it later.
 */
final class Payloads {
  private final byte[] filler;

  Payloads(int size) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < size - 8) {
      sb.append("streambus-benchmark-payload ");
    }
    this.filler = sb.substring(0, size - 8).getBytes(StandardCharsets.US_ASCII);
  }

  Buffer next() {
    return Buffer.buffer(8 + filler.length).appendLong(System.nanoTime()).appendBytes(filler);
  }
}
