package com.reliableedge.systemtest.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a given size mounted on a directory, for a process whose disk must really fill up. Mounting needs root
 * (CI runs as root): without it {@link #mount} fails, saying what is needed, rather than letting a test pass unproven.
 */
public final class SmallFilesystem implements AutoCloseable {

    private final Path dir;
    private boolean mounted;

    private SmallFilesystem(Path dir) {
        this.dir = dir;
    }

    public static SmallFilesystem mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()), "mounting a "
                + megabytes + " MB tmpfs at " + dir + " needs root (CAP_SYS_ADMIN), as CI runs; run the test as"
                + " root");
        SmallFilesystem fs = new SmallFilesystem(dir);
        fs.mounted = true;
        return fs;
    }

    public Path dir() {
        return dir;
    }

    /** Free bytes on the filesystem. */
    public long usableBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    private static void run(List<String> command, String need) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + out.strip() + "): " + need);
        }
    }

    /** Unmounts (lazily, so a process still holding a file cannot keep it mounted). */
    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            mounted = false;
            run(List.of("umount", "-l", dir.toString()), "unmounting " + dir);
        }
    }
}
