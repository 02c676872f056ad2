package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.reliableedge.fixtures.AppProcess;

/**
 * A one-shot run of the packaged service ({@code -Dbackfill.mode=one-shot}) as a job platform starts it, with its
 * standard output and error in two files, so that tests can read its summary line, its reason line and its exit
 * code.
 */
public final class OneShotProcess {

    /** How a run ended. */
    public record Run(int exitCode, String stdout, String stderr) {

        /** The summary line ({@code one-shot: exit=…}). */
        public String summary() {
            return stdout.lines().filter(l -> l.startsWith("one-shot: exit=")).findFirst().orElseThrow(
                    () -> new AssertionError("no summary line on stdout:\n" + stdout));
        }

        /** One counter of the summary line. */
        public int count(String name) {
            for (String part : summary().split(" ")) {
                if (part.startsWith(name + "=")) {
                    return Integer.parseInt(part.substring(name.length() + 1));
                }
            }
            throw new AssertionError(name + " is not in " + summary());
        }
    }

    private final Process process;
    private final Path out;
    private final Path err;

    private OneShotProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code jar} in one-shot mode with {@code config} as system properties, its output under {@code dir}. */
    public static OneShotProcess start(Path jar, Map<String, String> config, Path dir, String name)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, String> all = new LinkedHashMap<>(config);
        all.putIfAbsent("backfill.mode", "one-shot");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.addAll(AppProcess.SMALL_FOOTPRINT);
        all.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        return new OneShotProcess(p, out, err);
    }

    /** Waits for the exit (killing the run past {@code timeout}) and reads its output. */
    public Run await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the one-shot run did not exit within " + timeout + "; see " + out);
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
