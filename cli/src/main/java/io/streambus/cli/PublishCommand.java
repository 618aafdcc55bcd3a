package io.streambus.cli;

import io.streambus.MessageId;
import io.streambus.OutgoingMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code streambus publish <topic> [payload...]}. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Publish messages to a topic: each payload argument is one message; without any, each non-empty "
        + "line of standard input is one (or all of it one message, with --stdin-whole).",
        "Prints each message's id (<partition>/<entry id>), and whether an earlier publish with the same "
            + "--idempotency-key had already stored it."},
    footerHeading = "%nExamples:%n", footer = {"  streambus publish orders '{\"id\":42}' --content-type json --key "
        + "customer-42 --header source=cli",
        "  cat events.jsonl | streambus publish orders --content-type json",
        "  streambus publish orders 'retry of order 42' --idempotency-key order-42-fix"})
final class PublishCommand extends BusCommand {
  @Parameters(index = "0", paramLabel = "<topic>", description = "The topic.")
  String topic;

  @Parameters(index = "1..*", paramLabel = "<payload>", description = "Payloads; none: read standard input.")
  List<String> payloads;

  @Option(names = "--key", paramLabel = "<key>", description = "Partition key (messages with one key keep their "
      + "order in one partition).")
  String key;

  @Option(names = "--header", paramLabel = "<name=value>", description = "A header (repeat for several).")
  List<String> headers;

  @Option(names = "--idempotency-key", paramLabel = "<key>", description = "Store the message once even if "
      + "published again with this key within the idempotency window (one message only).")
  String idempotencyKey;

  @Option(names = "--content-type", paramLabel = "<type>", defaultValue = "text",
      description = "text (default), json (each payload must be valid JSON), bytes, or any media type.")
  String contentType;

  @Option(names = "--stdin-whole", description = "Publish all of standard input as one message.")
  boolean stdinWhole;

  PublishCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  int run(BusSession session) {
    Map<String, String> headerMap = EntryFilter.Headers.parse(headers, "--header");
    String type = mediaType(contentType);
    List<String> bodies = payloads != null && !payloads.isEmpty() ? payloads : readInput();
    if (bodies.isEmpty()) {
      throw new IllegalArgumentException("nothing to publish: give payloads as arguments or on standard input");
    }
    if (idempotencyKey != null && bodies.size() > 1) {
      throw new IllegalArgumentException("--idempotency-key names one message, and " + bodies.size()
          + " were given: every one after the first would be taken for a retry of it");
    }
    List<OutgoingMessage> messages = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      String body = bodies.get(i);
      if (type.equals(OutgoingMessage.JSON)) {
        try {
          Json.decodeValue(body);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("payload " + (i + 1) + " is not valid JSON (--content-type json): "
              + e.getMessage());
        }
      }
      OutgoingMessage m = OutgoingMessage.withContentType(topic, Buffer.buffer(body), type).headers(headerMap);
      if (key != null) {
        m.key(key);
      }
      if (idempotencyKey != null) {
        m.idempotencyKey(idempotencyKey);
      }
      messages.add(m);
    }
    io.streambus.StreamBus bus = session.publisherFor(topic);
    List<MessageId> ids = messages.size() == 1 ? List.of(session.await(bus.publish(messages.get(0))))
        : session.await(bus.publishAll(messages));
    if (json) {
      JsonArray array = new JsonArray();
      ids.forEach(id -> array.add(new JsonObject().put("topic", id.topic()).put("partition", id.partition())
          .put("id", id.value()).put("duplicate", id.isDuplicate())));
      print(array);
      return Cli.OK;
    }
    for (MessageId id : ids) {
      out().println(id.partition() + "/" + id.value() + (id.isDuplicate()
          ? "  (duplicate: already stored by an earlier publish with this idempotency key; nothing stored)" : ""));
    }
    return Cli.OK;
  }

  private static String mediaType(String option) {
    return switch (option.toLowerCase(Locale.ROOT)) {
      case "text" -> OutgoingMessage.TEXT;
      case "json" -> OutgoingMessage.JSON;
      case "bytes" -> OutgoingMessage.BYTES;
      default -> {
        if (!option.contains("/")) {
          throw new IllegalArgumentException("--content-type must be text, json, bytes or a media type such as "
              + "application/xml, was '" + option + "'");
        }
        yield option;
      }
    };
  }

  private List<String> readInput() {
    try {
      if (stdinWhole) {
        String all = new String(environment.in().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return all.isEmpty() ? List.of() : List.of(all);
      }
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = input().readLine()) != null) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
  }
}
