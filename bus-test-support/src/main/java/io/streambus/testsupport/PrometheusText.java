package io.streambus.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a {@code /metrics} endpoint serves (Prometheus text exposition format 0.0.4) into series, so that tests
 * can hold a metric's name, exact label set and value against what they expect, as Prometheus itself would see them.
 * Comment lines ({@code # HELP}, {@code # TYPE}) are skipped; a sample's optional timestamp is ignored.
 */
public final class PrometheusText {

    /** One sample line: metric name, labels (in the order served) and value. */
    public record Series(String name, Map<String, String> labels, double value) {
    }

    private PrometheusText() {
    }

    /**
     * Every sample line of {@code text}.
     *
     * @throws IllegalArgumentException naming the line when one is not in the format
     */
    public static List<Series> parse(String text) {
        List<Series> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                out.add(parseLine(trimmed));
            }
        }
        return out;
    }

    /** The series of {@code text} named {@code name}. */
    public static List<Series> named(String text, String name) {
        return parse(text).stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Series parseLine(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = parseLabels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).strip().split(" ");
        if (name.isEmpty() || rest[0].isEmpty()) {
            throw new IllegalArgumentException("not a sample line: " + line);
        }
        return new Series(name, labels, parseValue(rest[0], line));
    }

    /** Reads {@code k="v",...}} from {@code start}; returns the index after the closing brace. */
    private static int parseLabels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (true) {
            if (i >= line.length()) {
                throw new IllegalArgumentException("unterminated labels: " + line);
            }
            char c = line.charAt(i);
            if (c == '}') {
                return i + 1;
            }
            if (c == ',' || c == ' ') {
                i++;
                continue;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad label at " + i + ": " + line);
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char v = line.charAt(j);
                if (v == '\\' && j + 1 < line.length()) {
                    char escaped = line.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(v);
                }
            }
            if (j >= line.length()) {
                throw new IllegalArgumentException("unterminated label value: " + line);
            }
            labels.put(line.substring(i, eq).strip(), value.toString());
            i = j + 1;
        }
    }

    private static double parseValue(String raw, String line) {
        switch (raw) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(raw);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value '" + raw + "': " + line, e);
                }
        }
    }
}
