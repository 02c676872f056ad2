package com.reliableedge.edge.config;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * Every configuration key of the relay's {@link RelayConfig} mapping, read by reflection over the
 * {@code @ConfigMapping} interfaces as SmallRye Config names them (method names in kebab case, nested groups as
 * segments, {@code @WithName} honoured), with the environment variable that sets each, as Quarkus maps them: upper
 * case, every character other than a letter or digit replaced by {@code _}.
 */
final class RelayConfigKeys {

    private RelayConfigKeys() {
    }

    /** Environment variable name to key, e.g. {@code RELAY_UPSTREAM_IOTHUB_IDENTITY} to its key. */
    static Map<String, String> byEnvironmentName() {
        Map<String, String> keys = new TreeMap<>();
        String prefix = RelayConfig.class.getAnnotation(ConfigMapping.class).prefix();
        collect(RelayConfig.class, prefix, keys);
        return keys;
    }

    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static void collect(Class<?> group, String prefix, Map<String, String> keys) {
        for (Method m : group.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.getParameterCount() != 0) {
                continue;
            }
            WithName name = m.getAnnotation(WithName.class);
            String key = prefix + "." + (name != null ? name.value() : kebab(m.getName()));
            Class<?> type = m.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == RelayConfig.class) {
                collect(type, key, keys);
            } else {
                keys.put(environmentName(key), key);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
