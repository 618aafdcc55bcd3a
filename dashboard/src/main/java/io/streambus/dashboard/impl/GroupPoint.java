package io.streambus.dashboard.impl;

/**
 * One sample of a group, reduced to what its state is judged on.
 *
 * @param delivered entries delivered since the previous sample, null when unknown (first sample of the group)
 * @param acked entries that left the pending list since the previous sample, null when unknown
 */
record GroupPoint(long lag, long pending, long oldestUndeliveredAgeMs, Long delivered, Long acked) {
}
