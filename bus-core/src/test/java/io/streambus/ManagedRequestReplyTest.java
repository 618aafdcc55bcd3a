package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests of {@link RequestReplyTest} (requests) on the managed-Redis profile ({@link ManagedProfile.Cluster}: TLS,
 * an ACL user limited to the bus's keys, the commands ElastiCache refuses renamed away); any refusal fails the class.
 */
@Tag("managed")
@ExtendWith(ManagedProfile.Cluster.class)
class ManagedRequestReplyTest extends RequestReplyTest {
}
