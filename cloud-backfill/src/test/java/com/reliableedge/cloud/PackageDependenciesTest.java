package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Pins the direction of the dependencies between the service's packages, read from the main sources: every
 * reference to {@code com.reliableedge.cloud.<package>.} (imports and fully qualified names) is an edge. The packages
 * form no cycle, and the store depends on nothing of the domain or the adapters. Classes at the root
 * ({@link Refusal}) are shared by all and are no package of their own.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/com/reliableedge/cloud");
    private static final Pattern REFERENCE = Pattern.compile("com\\.reliableedge\\.cloud\\.([a-z][a-z0-9]*)\\.");

    @Test
    void theStoreDependsOnlyOnConfigAndCoverage() {
        assertThat(dependencies().getOrDefault("store", Set.of())).isSubsetOf("config", "coverage");
    }

    @Test
    void theDomainDependsOnNoAdapter() {
        Map<String, Set<String>> deps = dependencies();
        for (String domain : List.of("store", "coverage", "request", "scan", "security")) {
            assertThat(deps.getOrDefault(domain, Set.of())).as(domain).doesNotContain("api", "ingest");
        }
        assertThat(deps.getOrDefault("security", Set.of())).doesNotContain("api");
    }

    @Test
    void thePackagesFormNoCycle() {
        Map<String, Set<String>> deps = dependencies();
        assertThat(deps).containsKeys("api", "store", "request", "scan", "security", "ingest");
        for (String start : deps.keySet()) {
            List<String> cycle = cycleFrom(start, start, deps, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertThat(cycle).as("a cycle through " + start).isEmpty();
        }
    }

    /** A path from {@code at} back to {@code start}, or empty. */
    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> deps, List<String> path,
            Set<String> seen) {
        for (String next : deps.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, deps, path, seen);
                if (!found.isEmpty()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }

    /** For each package, the other packages its main sources refer to. */
    static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String from = relative.getName(0).toString();
                Set<String> to = deps.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        if (!m.group(1).equals(from)) {
                            to.add(m.group(1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deps;
    }
}
