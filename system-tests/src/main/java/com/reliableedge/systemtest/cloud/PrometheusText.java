package com.reliableedge.systemtest.cloud;

/** Reads values out of the Prometheus text format, enough for a status line. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The sum of every sample of {@code metric} whose labels contain {@code labelFilter} (for example
     * {@code lane="backfill"}; empty for all).
     */
    public static double sum(String text, String metric, String labelFilter) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (!name.equals(metric) || !series.contains(labelFilter)) {
                continue;
            }
            try {
                total += Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                // NaN or a malformed line: skip it.
            }
        }
        return total;
    }
}
