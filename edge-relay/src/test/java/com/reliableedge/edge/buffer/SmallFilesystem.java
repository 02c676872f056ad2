package com.reliableedge.edge.buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a given size mounted for a test: a real filesystem that fills up, which SQLite's {@code max_page_count}
 * cannot imitate (a delete needs no new page, but it needs room in the WAL). Needs root, as CI runs; fails otherwise,
 * saying so.
 */
final class SmallFilesystem implements AutoCloseable {

    private final Path dir;

    private SmallFilesystem(Path dir) {
        this.dir = dir;
    }

    static SmallFilesystem mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()),
                "mounting a " + megabytes + " MB tmpfs at " + dir + " needs root (CAP_SYS_ADMIN), as CI runs");
        return new SmallFilesystem(dir);
    }

    Path dir() {
        return dir;
    }

    long usableBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    private static void run(List<String> command, String need) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + out.strip() + "): " + need);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("umount", "-l", dir.toString()), "unmounting " + dir);
    }
}
