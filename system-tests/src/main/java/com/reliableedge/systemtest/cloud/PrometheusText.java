package com.reliableedge.systemtest.cloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads values out of the Prometheus text format, enough for a status line. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The Prometheus text a Quarkus app serves at {@code /q/metrics}. */
    public static String scrape(HttpClient http, URI app) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(app.resolve("/q/metrics")).timeout(Duration.ofSeconds(5)).GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
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
