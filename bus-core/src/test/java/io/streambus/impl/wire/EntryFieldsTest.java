package io.streambus.impl.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lazily read fields must answer exactly as the map built pair by pair that they replace: the same lookups, the
 * same iteration, for well-formed and malformed reply arrays alike.
 */
class EntryFieldsTest {

  /** A bulk string reply (the client's own types are not exported to this module). */
  private record Bulk(Buffer value) implements Response {
    @Override
    public ResponseType type() {
      return ResponseType.BULK;
    }

    @Override
    public Buffer toBuffer() {
      return value;
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** An array reply: elements bulk strings, or nil where null is given. */
  private record Multi(List<Response> elements) implements Response {
    @Override
    public ResponseType type() {
      return ResponseType.MULTI;
    }

    @Override
    public int size() {
      return elements.size();
    }

    @Override
    public Response get(int index) {
      return elements.get(index);
    }

    @Override
    public Iterator<Response> iterator() {
      return elements.iterator();
    }

    @Override
    public String toString() {
      return elements.toString();
    }
  }

  private static Response array(String... elements) {
    return new Multi(Arrays.stream(elements).map(e -> e == null ? null : (Response) new Bulk(Buffer.buffer(e)))
        .toList());
  }

  /** What the bus did before: every pair decoded into a map. */
  private static Map<String, Buffer> eager(Response array) {
    Map<String, Buffer> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < array.size(); i += 2) {
      if (array.get(i) != null) {
        m.put(array.get(i).toString(), array.get(i + 1) == null ? Buffer.buffer() : array.get(i + 1).toBuffer());
      }
    }
    return m;
  }

  private static void answersAsTheEagerMap(Response array, String... asked) {
    Map<String, Buffer> lazy = EntryCodec.fields(array);
    Map<String, Buffer> expected = eager(array);
    for (String name : asked) {
      assertThat(lazy.get(name)).as("get(%s)", name).isEqualTo(expected.get(name));
      assertThat(lazy.containsKey(name)).as("containsKey(%s)", name).isEqualTo(expected.containsKey(name));
    }
    assertThat(lazy.isEmpty()).isEqualTo(expected.isEmpty());
    List<String> names = new ArrayList<>(lazy.keySet());
    assertThat(names).containsExactlyElementsOf(expected.keySet());
    assertThat(lazy).isEqualTo(expected);
  }

  @Test
  void aBusEntryIsReadWithoutDecodingItAndAnswersAsAMap() {
    Response a = array("payload", "{\"n\":1}", "key", "k1", "h:trace", "abc");
    answersAsTheEagerMap(a, "payload", "key", "h:trace", "content-type", "pay", "payloadx", "");
    assertThat(EntryCodec.contentType(EntryCodec.fields(a))).isEqualTo("application/octet-stream");
  }

  @Test
  void malformedArraysGiveWhatCanBeRead() {
    // nil name left out, nil value empty, odd length: the last name has no value
    answersAsTheEagerMap(array(null, "x", "payload", null, "dangling"), "payload", "dangling", "x");
    answersAsTheEagerMap(array(), "payload");
    answersAsTheEagerMap(array(null, "v"), "payload");
    assertThat(EntryCodec.fields(array(null, "v")).isEmpty()).isTrue();
    assertThat(EntryCodec.fields(null)).isEmpty();
  }

  @Test
  void theLaterOfTwoPairsWithOneNameWins() {
    answersAsTheEagerMap(array("payload", "first", "a", "1", "payload", "second"), "payload", "a");
    assertThat(EntryCodec.fields(array("payload", "first", "payload", "second")).get("payload").toString())
        .isEqualTo("second");
  }

  @Test
  void namesBeyondAsciiAndLookupsAfterDecodingAgree() {
    Response a = array("h:größe", "42", "h:naïve", "1", "payload", "p");
    Map<String, Buffer> lazy = EntryCodec.fields(a);
    assertThat(lazy.get("h:größe").toString()).isEqualTo("42");
    assertThat(lazy.get("h:gr")).isNull();
    lazy.size(); // decodes
    answersAsTheEagerMap(a, "h:größe", "h:naïve", "payload", "key");
    assertThat(lazy.get(42)).isNull();
  }

  @Test
  void itCannotBeChanged() {
    Map<String, Buffer> lazy = EntryCodec.fields(array("payload", "p"));
    assertThatThrownBy(() -> lazy.put("x", Buffer.buffer())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> lazy.entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(lazy.get("payload").toString()).isEqualTo("p");
  }
}
