package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

/**
 * Debian's headless Chromium for the dashboard's browser tests, driven by Playwright's bundled driver (no browser
 * download). Installs the {@code chromium} package when it is missing and the tests run as root; otherwise fails
 * saying what to install. Never skips.
 */
public final class Chromium {

    public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    // Flags for a machine without a display, a sandbox or outside network (ENVIRONMENT.md).
    private static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
            "--disable-dev-shm-usage");

    private Chromium() {
    }

    /** Playwright with its own browser download switched off. */
    public static Playwright playwright() {
        ensureInstalled();
        return Playwright
                .create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    public static Browser launch(Playwright playwright) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(EXECUTABLE)
                .setHeadless(true).setArgs(FLAGS));
    }

    static synchronized void ensureInstalled() {
        if (Files.isExecutable(EXECUTABLE)) {
            return;
        }
        if (!isRoot()) {
            throw new IllegalStateException(EXECUTABLE + " is missing: run `apt-get install -y chromium` (as root)"
                    + " before the dashboard's browser tests");
        }
        if (run("apt-get", "install", "-y", "chromium") != 0) {
            // A fresh machine may not have read the package lists yet.
            run("apt-get", "update");
            if (run("apt-get", "install", "-y", "chromium") != 0) {
                throw new IllegalStateException("`apt-get install -y chromium` failed; install it by hand");
            }
        }
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException("apt-get installed chromium but " + EXECUTABLE + " is missing");
        }
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static int run(String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
