package com.reliableedge.edge.buffertool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import com.reliableedge.edge.buffer.StoreView;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.DotEnvConfigSourceProvider;
import io.smallrye.config.PropertiesConfigSourceLoader;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import picocli.CommandLine.Option;

/**
 * Where the store is: {@code --data-dir}, else {@code relay.data-dir} read from the relay's own config sources
 * (system properties, environment such as {@code RELAY_DATA_DIR}, {@code .env}, {@code config/application.properties},
 * the packaged {@code application.properties}, at their Quarkus ordinals and with the active profile), since the
 * tool runs before (and without) Quarkus.
 */
@RegisterForReflection
public class StoreOptions {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the relay's data directory (default: relay"
            + ".data-dir from the relay's configuration, else 'data')")
    Path dataDir;

    /** The store file to open. */
    Path storeFile() {
        return (dataDir != null ? dataDir : configuredDataDir(config())).resolve(StoreView.FILE_NAME);
    }

    /** {@code relay.lanes.live-window}: the live/backlog boundary, as the relay's sender uses it. */
    Duration liveWindow() {
        return liveWindow(config());
    }

    static Path configuredDataDir(SmallRyeConfig config) {
        return Path.of(config.getOptionalValue("relay.data-dir", String.class).orElse("data"));
    }

    static Duration liveWindow(SmallRyeConfig config) {
        Optional<String> value = config.getOptionalValue("relay.lanes.live-window", String.class);
        return value.map(DurationConverter::parseDuration).orElse(Duration.ofSeconds(60));
    }

    static SmallRyeConfig config() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        String profile = Optional.ofNullable(System.getProperty("quarkus.profile")).or(() -> Optional.ofNullable(System
                .getenv("QUARKUS_PROFILE"))).orElse("prod");
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDefaultSources().withSources(
                PropertiesConfigSourceLoader.inClassPath("application.properties", 250, cl)).withSources(
                        PropertiesConfigSourceLoader.inFileSystem(Path.of("config", "application.properties")
                                .toAbsolutePath().toUri().toString(), 260, cl))
                .withSources(DotEnvConfigSourceProvider
                        .dotEnvSources(cl))
                .withProfile(profile).build();
    }
}
