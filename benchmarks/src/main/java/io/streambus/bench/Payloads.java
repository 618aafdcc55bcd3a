package io.streambus.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The message both subjects send: a body of a fixed size (8 bytes of {@link System#nanoTime()} taken when the body is
 * made, just before the publish call, then printable filler) and two header fields. A fresh buffer each time, since
 * the client encodes it later.
 */
final class Payloads {
  /** The two headers: the bus writes them as {@code h:<name>} fields, and so does the plain loop. */
  static final String HEADER_1 = "source";
  static final String VALUE_1 = "benchmark";
  static final String HEADER_2 = "tenant";
  static final String VALUE_2 = "tenant-0042";

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

  List<Buffer> next(int n) {
    List<Buffer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(next());
    }
    return list;
  }
}
