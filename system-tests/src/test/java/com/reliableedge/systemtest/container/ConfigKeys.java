package com.reliableedge.systemtest.container;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The configuration keys an app knows, as the environment variable names that set them: every property of its
 * {@code @ConfigMapping} root (walked by reflection, nested groups and maps included), and the {@code quarkus.*} keys
 * its application.properties sets (an environment variable overrides those; SmallRye maps an ambiguous name such as
 * {@code QUARKUS_DATASOURCE_JDBC_URL} to a dotted key only when that key is known from another source).
 */
final class ConfigKeys {

    private final List<String> keys = new ArrayList<>();
    private final List<Pattern> envNames = new ArrayList<>();

    private ConfigKeys() {
    }

    static ConfigKeys of(Class<?> mappingRoot, Path applicationProperties) throws IOException {
        ConfigMapping mapping = mappingRoot.getAnnotation(ConfigMapping.class);
        if (mapping == null) {
            throw new IllegalArgumentException(mappingRoot + " is not a @ConfigMapping root");
        }
        ConfigKeys known = new ConfigKeys();
        known.walk(mapping.prefix(), mappingRoot);
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(applicationProperties)) {
            props.load(in);
        }
        for (String name : props.stringPropertyNames()) {
            // %dev.quarkus.x and quarkus.x name the same key.
            String key = name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name;
            if (key.startsWith("quarkus.")) {
                known.add(key);
            }
        }
        return known;
    }

    /** Whether the environment variable sets one of these keys. */
    boolean knows(String envName) {
        return envNames.stream().anyMatch(p -> p.matcher(envName).matches());
    }

    List<String> keys() {
        return keys;
    }

    private void walk(String prefix, Class<?> group) {
        for (Method m : group.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            String key = m.isAnnotationPresent(WithParentName.class)
                    ? prefix
                    : prefix + "." + (m.isAnnotationPresent(WithName.class)
                            ? m.getAnnotation(WithName.class).value()
                            : kebab(m.getName()));
            property(key, m.getGenericReturnType());
        }
    }

    private void property(String key, Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            property(key, p.getActualTypeArguments()[0]);
        } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
            property(key + ".*", p.getActualTypeArguments()[1]);
        } else if (type instanceof Class<?> c && c.isInterface() && !c.getName().startsWith("java.")) {
            walk(key, c);
        } else {
            add(key);
        }
    }

    private void add(String key) {
        keys.add(key);
        StringBuilder regex = new StringBuilder();
        for (String part : key.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(part.replaceAll("[^A-Za-z0-9]", "_").toUpperCase()));
        }
        envNames.add(Pattern.compile(regex.toString()));
    }

    /** SmallRye's default naming: {@code maxStreamsPerDevice} is {@code max-streams-per-device}. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
