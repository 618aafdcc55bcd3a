package io.streambus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tests of {@link RequestReplyTest} (requests) on ElastiCache Serverless, as {@link ManagedProfile.Serverless}
 * imitates it (its refusals answered by a proxy in front of a server with the application user and the restricted
 * commands renamed away).
 */
@Tag("managed")
@Tag("serverless")
@ExtendWith(ManagedProfile.Serverless.class)
class ServerlessRequestReplyTest extends RequestReplyTest {
}
