package io.streambus.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What ElastiCache Serverless refuses that a node-based server runs, and what it answers, for {@link FaultProxy}'s
 * Serverless mode. Sources (AWS ElastiCache developer guide):
 * <ul>
 *   <li>SupportedCommands.html: the commands Serverless supports; those below are not among them, and an unsupported
 *       command is answered as unknown;</li>
 *   <li>BestPractices.Clients.Redis.LuaScripts.html: {@code eval 'return "Hello World"' 0} answers
 *       {@code (error) ERR Lua scripts without any input keys are not supported.};</li>
 *   <li>RedisConfiguration.html, Serverless caches: "clients cannot issue a request with more than 3,999 arguments"
 *       (the error's text is not given there: the one here is ours).</li>
 * </ul>
 * Not imitated: a script touching keys of another slot (a standalone server behind the proxy has no slots) and keys
 * over 4 KiB.
 */
final class ServerlessRules {

    /** The most arguments (command name included) a request may have. */
    static final int MAX_ARGUMENTS = 3_999;
    static final String KEYLESS_SCRIPT = "ERR Lua scripts without any input keys are not supported.";
    static final String TOO_MANY_ARGUMENTS = "ERR Request has more than " + MAX_ARGUMENTS + " arguments.";

    private static final Set<String> UNKNOWN = Set.of("WAIT", "WAITAOF", "KEYS", "FUNCTION", "FCALL", "FCALL_RO",
            "MEMORY", "OBJECT", "LATENCY", "SLOWLOG", "MONITOR", "PSUBSCRIBE", "PUNSUBSCRIBE", "SWAPDB", "MOVE");
    private static final Set<String> CLIENT_UNKNOWN = Set.of("ID", "LIST", "KILL", "UNBLOCK", "PAUSE", "UNPAUSE",
            "TRACKING", "TRACKINGINFO", "CACHING", "GETREDIR", "NO-EVICT");
    private static final Set<String> SCRIPTS = Set.of("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO");

    /** A refused request: what to count it as, and the error line the client gets (without the leading '-'). */
    record Refusal(String label, String error) {
    }

    private ServerlessRules() {
    }

    /** Null when Serverless runs {@code request}; else how it refuses it. */
    static Refusal refusal(RespFrames.Request request) {
        if (request.argc() > MAX_ARGUMENTS) {
            return new Refusal("more than " + MAX_ARGUMENTS + " arguments", TOO_MANY_ARGUMENTS);
        }
        String command = request.upper(0);
        if (UNKNOWN.contains(command)) {
            return new Refusal(command, unknownCommand(request));
        }
        if (command.equals("CLIENT") && CLIENT_UNKNOWN.contains(request.upper(1))) {
            // Redis's own answer to a subcommand it does not have
            return new Refusal("CLIENT " + request.upper(1), "ERR unknown subcommand '" + request.head().get(1)
                    + "'. Try CLIENT HELP.");
        }
        if (SCRIPTS.contains(command) && "0".equals(request.upper(2))) {
            return new Refusal(command + " without keys", KEYLESS_SCRIPT);
        }
        return null;
    }

    /**
     * What the proxy sends the server instead of a refused request, so that the refusal comes back in its place among
     * pipelined replies: a script that answers the error.
     */
    static byte[] errorRequest(Refusal refusal) {
        return resp("EVAL", "return redis.error_reply(ARGV[1])", "0", refusal.error());
    }

    /** Redis's text for an unknown command: {@code ERR unknown command 'x', with args beginning with: 'a' 'b' }. */
    private static String unknownCommand(RespFrames.Request request) {
        StringBuilder text = new StringBuilder("ERR unknown command '").append(request.head().get(0))
                .append("', with args beginning with: ");
        for (int i = 1; i < request.head().size(); i++) {
            // an error line cannot hold a line break
            text.append('\'').append(request.head().get(i).replaceAll("[\r\n]", " ")).append("' ");
        }
        return text.toString();
    }

    private static byte[] resp(String... args) {
        StringBuilder text = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            text.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                    .append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
