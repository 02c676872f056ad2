package com.reliableedge.systemtest.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a Dockerfile this project ships, read as far as the checks need: ARG defaults, ENV values,
 * COPY sources and EXPOSE ports. Continuation lines are joined; {@code ${NAME}} is replaced by the build argument or
 * the ARG default.
 */
record Dockerfile(Path file, Map<String, String> env, List<String> copySources, List<Integer> exposed) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    static Dockerfile read(Path file, Map<String, String> buildArgs) throws IOException {
        String text = Files.readString(file).replace("\\\n", " ");
        Map<String, String> args = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> sources = new ArrayList<>();
        List<Integer> exposed = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String rest = words.length > 1 ? words[1] : "";
            switch (words[0].toUpperCase()) {
                case "ARG" -> {
                    String[] kv = rest.split("=", 2);
                    args.put(kv[0], buildArgs.getOrDefault(kv[0], kv.length > 1 ? kv[1] : ""));
                }
                case "ENV" -> {
                    // ENV NAME=value or ENV NAME="quoted value"; one pair per line in these files.
                    String[] kv = rest.split("=", 2);
                    env.put(kv[0], kv.length > 1 ? unquote(kv[1]) : "");
                }
                case "COPY" -> {
                    List<String> operands = new ArrayList<>(Arrays.stream(rest.split("\\s+"))
                            .filter(w -> !w.startsWith("--")).toList());
                    operands.remove(operands.size() - 1); // the destination
                    operands.forEach(s -> sources.add(substitute(s, args, file)));
                }
                case "EXPOSE" -> Arrays.stream(rest.split("\\s+"))
                        .forEach(p -> exposed.add(Integer.parseInt(p.replaceAll("/.*", ""))));
                default -> {
                }
            }
        }
        return new Dockerfile(file, env, sources, exposed);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    private static String substitute(String s, Map<String, String> args, Path file) {
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = args.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException(file + " uses ${" + m.group(1) + "} without an ARG for it");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }
}
