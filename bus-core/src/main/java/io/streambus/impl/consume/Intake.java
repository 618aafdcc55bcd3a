package io.streambus.impl.consume;

import io.streambus.MessageId;
import io.streambus.impl.wire.EntryCodec;
import io.vertx.core.buffer.Buffer;

import java.util.Map;

/**
 * Where read and claimed entries come in: each is held (leased) from here on, then either settled at once without the
 * handler (replayed to another group: skipped; past the delivery limit, empty, or foreign when those are refused:
 * dead-lettered) or queued for a handler. Used from the subscription's context only.
 */
final class Intake {
  /** Where a message for the handler goes: the slots' queue, or with ordered processing the order gate first. */
  interface Handlers {
    void submit(DefaultMessage message);
  }

  private final ConsumerScope scope;
  private final Leases leases;
  private final DeliveryPolicy policy;
  private final Settlement settlement;
  private final Handlers handlers;

  /**
   * @param handlers where messages for the handler go: the slots, or with ordered processing the order gate
   */
  Intake(ConsumerScope scope, Leases leases, DeliveryPolicy policy, Settlement settlement, Handlers handlers) {
    this.scope = scope;
    this.leases = leases;
    this.policy = policy;
    this.settlement = settlement;
    this.handlers = handlers;
  }

  /**
   * @param deliveries the entry's delivery count, this delivery included (1 for a fresh read)
   * @param sentAtNanos when the read or claim that brought it was sent (System.nanoTime): the lease's start, as far
   *     as this process can tell (a pause between the reply and this call must not look like a fresh lease)
   */
  void accept(int partition, String id, Map<String, Buffer> fields, int deliveries, long sentAtNanos) {
    DefaultMessage message = new DefaultMessage(MessageId.of(scope.topic, partition, id), fields, deliveries);
    if (!leases.hold(message, sentAtNanos)) {
      return; // held already: a claim raced with the read that brought it
    }
    String target = EntryCodec.text(fields, EntryCodec.TARGET_GROUP);
    if (target != null && !target.equals(scope.group)) {
      settlement.skip(partition, id);
    } else if (policy.exhausted(deliveries)) {
      // the claim that brought it here counted a delivery that never reached a handler
      settlement.deadLetter(message, deliveries - 1, "delivery-limit", "delivered " + (deliveries - 1)
          + " times without an acknowledgement (consumers crashed, stalled or failed)");
    } else if (fields.isEmpty()) {
      settlement.deadLetter(message, deliveries, "malformed-entry", "the entry has no fields");
    } else if (message.payload() == null && !scope.options.isAcceptForeignEntries()) {
      settlement.deadLetter(message, deliveries, "foreign-entry",
          "the entry has no payload field; fields: " + fields.keySet());
    } else {
      handlers.submit(message);
    }
  }
}
