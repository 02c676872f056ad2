package com.reliableedge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares wire forms with the golden files under {@code src/test/resources/golden}, so a format cannot drift
 * unnoticed. After a deliberate change to the protocol, rewrite them with {@code -Dgolden.update=true} and review
 * the diff.
 */
public final class GoldenFiles {

    private static final Path DIR = Path.of("src/test/resources/golden");

    private GoldenFiles() {
    }

    public static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (Boolean.getBoolean("golden.update")) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            assertThat(file).as("golden file %s (rewrite with -Dgolden.update=true after a deliberate change)", file)
                    .exists();
            assertThat(actual).as("wire form against golden file %s", file).isEqualTo(Files.readString(file,
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
