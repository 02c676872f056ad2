package com.reliableedge.cloud.api;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.WaitForSelectorState;
import com.reliableedge.cloud.testing.Chromium;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.cloud.testing.TestClock;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The coverage dashboard in a real headless Chromium against the service with a seeded database: the key prompt,
 * the fleet view, the stream view's timeline, a backfill asked from the page, the requests view. Also writes the
 * screenshots of the README (to {@code target/dashboard-screenshots}, or {@code -Ddashboard.screenshots=DIR}).
 */
@QuarkusTest
class DashboardBrowserTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URI root;

    private BrowserContext context;
    private Page page;
    private Seeded seeded;

    /** The requests the scan sent for the seeded gaps of plant-b/line-2 (and the oven's). */
    record Seeded(BackfillRequest open, BackfillRequest closed, BackfillRequest lost, BackfillRequest partial,
            long ovenGapStart, long ovenGapEnd) {
    }

    @BeforeAll
    static void startBrowser() {
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void seedAndOpen() {
        seeded = seed();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
        context.setDefaultTimeout(15_000);
        page = context.newPage();
    }

    @AfterEach
    void closePage() {
        context.close();
    }

    /**
     * plant-a/line-1 complete; plant-a/oven (time) with one gap; plant-b/line-9 without a live batch for 6 minutes
     * (STALLED); plant-b/line-2 with an open gap [400, 600) under a REQUESTED request, a gap [1200, 1250) closed by
     * backfill, a window [1500, 1550) the edge reported unavailable (lost), and a gap [1800, 1900) half filled whose
     * rest was requested again (attempt 2).
     */
    private Seeded seed() {
        Edge a = Edge.register("plant-a", fakeEdge.url());
        Edge b = Edge.register("plant-b", fakeEdge.url());
        b.live("line-9", SEQ, 0, 100, 1, 0).then().statusCode(200);
        advance(Duration.ofMinutes(6));
        a.live("line-1", SEQ, 0, 500, 1, 0).then().statusCode(200);
        a.live("line-1", SEQ, 500, 1000, 2, 0).then().statusCode(200);
        long t0 = TestClock.CLOCK.instant().minus(Duration.ofMinutes(10)).toEpochMilli() / 60_000 * 60_000;
        a.live("oven", IndexKind.TIME, t0, t0 + 60_000, 1, t0).then().statusCode(200);
        a.live("oven", IndexKind.TIME, t0 + 90_000, t0 + 150_000, 2, t0).then().statusCode(200);
        long[][] live = {{0, 400}, {600, 1200}, {1250, 1500}, {1550, 1800}, {1900, 2000}};
        for (int i = 0; i < live.length; i++) {
            b.live("line-2", SEQ, live[i][0], live[i][1], i + 1, 0).then().statusCode(200);
        }
        advance(Duration.ofSeconds(31));
        scan();
        BackfillRequest open = call("line-2", "400");
        BackfillRequest closed = call("line-2", "1200");
        BackfillRequest lost = call("line-2", "1500");
        BackfillRequest partial = call("line-2", "1800");
        b.backfill("line-2", SEQ, 1200, 1250, closed.requestId()).then().statusCode(200);
        b.status("line-2", SEQ, 1200, 1250, closed.requestId(), BackfillStatus.Outcome.COMPLETED, null).then()
                .statusCode(200);
        b.status("line-2", SEQ, 1500, 1550, lost.requestId(), BackfillStatus.Outcome.UNAVAILABLE, "horizon").then()
                .statusCode(200);
        b.backfill("line-2", SEQ, 1800, 1850, partial.requestId()).then().statusCode(200);
        b.status("line-2", SEQ, 1800, 1850, partial.requestId(), BackfillStatus.Outcome.COMPLETED, null).then()
                .statusCode(200);
        b.status("line-2", SEQ, 1850, 1900, partial.requestId(), BackfillStatus.Outcome.FAILED, "pastLiveCursor")
                .then().statusCode(200);
        scan(); // sends attempt 2 of [1850, 1900)
        return new Seeded(open, closed, lost, partial, t0 + 60_000, t0 + 90_000);
    }

    private BackfillRequest call(String batchId, String start) {
        return fakeEdge.calls().stream().map(c -> c.request())
                .filter(r -> r.batchId().equals(batchId) && r.startWindow().equals(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no request sent for " + batchId + " from " + start));
    }

    private void open(String hash) {
        page.navigate(root.resolve("/" + hash).toString());
    }

    private void login() {
        page.locator("#key-input").fill(Edge.OPERATOR_KEY);
        page.locator("#key-submit").click();
        assertThat(page.locator("#key-dialog")).not().isVisible();
    }

    @Test
    void aWrongKeyIsRefusedAndAskedAgainAndTheRightOneIsKeptInTheSessionOnly() {
        open("");
        assertThat(page.locator("#key-dialog")).isVisible();
        page.locator("#key-input").fill("not-the-key");
        page.locator("#key-submit").click();
        assertThat(page.locator("#key-error")).isVisible();
        assertThat(page.locator("#key-error")).containsText("the operator key is wrong");
        assertThat(page.locator("#key-dialog")).isVisible();
        assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);

        login();
        assertThat(page.locator("#fleet-table tbody tr.stream-row")).hasCount(4);
        assertThat(page.url()).doesNotContain(Edge.OPERATOR_KEY);
        assertThat(page.evaluate("() => Object.values(sessionStorage)")).isEqualTo(List.of(Edge.OPERATOR_KEY));
        assertThat(page.evaluate("() => localStorage.length")).isEqualTo(0);

        // Another tab of the same session keeps the key; a fresh context (another session) is asked again.
        Page second = context.newPage();
        second.navigate(root.resolve("/#/requests").toString());
        assertThat(second.locator("#key-dialog")).isVisible();
        second.close();

        // A key that stops working (rotated) is asked for again with the API's message.
        page.evaluate("() => sessionStorage.setItem('backfill.operatorKey', 'rotated')");
        page.reload();
        assertThat(page.locator("#key-dialog")).isVisible();
        assertThat(page.locator("#key-error")).containsText("the operator key is wrong");
    }

    @Test
    void theFleetListsTheSeededStreamsWithTheirStatesSortableFilterableAndRefreshing() throws Exception {
        open("");
        login();
        Locator rows = page.locator("#fleet-table tbody tr.stream-row");
        assertThat(rows).hasCount(4);
        assertThat(row("plant-a", "line-1")).hasAttribute("data-state", "HEALTHY");
        assertThat(row("plant-a", "oven")).hasAttribute("data-state", "GAPPED");
        assertThat(row("plant-b", "line-2")).hasAttribute("data-state", "GAPPED");
        assertThat(row("plant-b", "line-9")).hasAttribute("data-state", "STALLED");
        JsonPath api = Edge.operator().get("/api/v1/streams").then().statusCode(200).extract().jsonPath();
        assertThat(row("plant-b", "line-2").locator("td").nth(5))
                .hasText(String.valueOf(api.getInt("streams.find { it.batchId == 'line-2' }.openGaps")));
        assertThat(row("plant-a", "line-1").locator("td").nth(4)).hasText("100 %");
        // line-2: [0, 2000) of which [400, 600), [1500, 1550) and [1850, 1900) are missing: 85 %.
        assertThat(row("plant-b", "line-2").locator("td").nth(4)).hasText("85.0 %");

        page.locator("#fleet-state").selectOption("STALLED");
        assertThat(rows).hasCount(1);
        assertThat(rows.first()).hasAttribute("data-batch", "line-9");
        page.locator("#fleet-state").selectOption("");
        page.locator("#fleet-filter").fill("plant-a");
        assertThat(rows).hasCount(2);
        page.locator("#fleet-filter").fill("");

        // Sorted by open gaps, descending on the second click.
        page.locator("#fleet-table th[data-key=openGaps]").click();
        page.locator("#fleet-table th[data-key=openGaps]").click();
        assertThat(page.locator("#fleet-table th[data-key=openGaps]")).hasAttribute("aria-sort", "descending");
        assertThat(rows.first()).hasAttribute("data-batch", "line-2");
        assertThat(rows.last()).hasAttribute("data-state", Pattern.compile("HEALTHY|STALLED"));
        page.locator("#fleet-table th[data-key=deviceId]").click();

        screenshot("dashboard-fleet.png");

        // It refreshes by itself: a new stream appears without a reload.
        Edge.register("plant-c", fakeEdge.url()).live("line-7", SEQ, 0, 10, 1, 0).then().statusCode(200);
        assertThat(rows).hasCount(5, new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                .setTimeout(15_000));

        row("plant-b", "line-2").locator("a").click();
        assertThat(page.locator("#timeline")).isVisible();
        assertThat(page).hasURL(Pattern.compile("#/stream/plant-b/line-2$"));
    }

    @Test
    void theStreamViewDrawsTheGapWhereItIsZoomsAndShowsTheGapsRequests() {
        open("#/stream/plant-b/line-2");
        login();
        Locator svg = page.locator("svg#timeline");
        assertThat(svg).isVisible();
        // The whole stream: [0, 2000).
        assertThat(svg).hasAttribute("data-from", "0");
        assertThat(svg).hasAttribute("data-to", "2000");
        Locator gap = page.locator("svg#timeline rect.gap-open[data-start='400']");
        assertThat(gap).hasAttribute("data-end", "600");
        assertDrawnAt(svg, gap, 400, 600);
        assertDrawnAt(svg, page.locator("svg#timeline rect.gap-closed[data-start='1200']"), 1200, 1250);
        assertDrawnAt(svg, page.locator("svg#timeline rect.lost[data-start='1500']"), 1500, 1550);
        assertDrawnAt(svg, page.locator("svg#timeline rect.covered[data-start='0']"), 0, 400);
        Locator request = page.locator("svg#timeline rect.request[data-request-id='" + seeded.open().requestId()
                + "']");
        assertThat(request).hasAttribute("data-state", "REQUESTED");
        assertDrawnAt(svg, request, 400, 600);
        assertThat(page.locator("svg#timeline rect.request[data-state=UNRECOVERABLE]")).hasCount(1);

        // Zoomed to [300, 700) with the range inputs: the gap spans the middle half.
        page.locator("#view-from").fill("300");
        page.locator("#view-to").fill("700");
        page.locator("#view-apply").click();
        assertThat(svg).hasAttribute("data-from", "300");
        assertDrawnAt(svg, gap, 400, 600);
        double x0 = Double.parseDouble(svg.getAttribute("data-x0"));
        double x1 = Double.parseDouble(svg.getAttribute("data-x1"));
        assertThat(Double.parseDouble(gap.getAttribute("x"))).isCloseTo(x0 + (x1 - x0) / 4, within(0.5));
        assertThat(page.locator("svg#timeline rect.lost")).hasCount(0);
        // The wheel zooms in around the cursor.
        BoundingBox box = svg.boundingBox();
        page.mouse().move(box.x + box.width / 2, box.y + 60);
        page.mouse().wheel(0, -300);
        page.waitForCondition(() -> !"300".equals(svg.getAttribute("data-from")));
        assertThat(Long.parseLong(svg.getAttribute("data-from"))).isGreaterThan(300);
        assertDrawnAt(svg, gap, 400, 600);
        page.locator("#view-all").click();
        assertThat(svg).hasAttribute("data-from", "0");

        // Clicking the gap shows its requests and fills the form with its window.
        gap.click();
        Locator gapRequests = page.locator("#gap-requests tbody tr");
        assertThat(gapRequests).hasCount(1);
        assertThat(gapRequests.first()).hasAttribute("data-request-id", seeded.open().requestId());
        assertThat(gapRequests.first()).hasAttribute("data-state", "REQUESTED");
        assertThat(page.locator("#bf-start")).hasValue("400");
        assertThat(page.locator("#bf-end")).hasValue("600");

        // A time stream's index is shown as ISO instants.
        open("#/stream/plant-a/oven");
        Locator ovenGap = page.locator("svg#timeline rect.gap-open");
        assertThat(ovenGap).hasAttribute("data-start", Instant.ofEpochMilli(seeded.ovenGapStart()).toString()
                .replace("Z", ".000Z"));
        assertThat(page.locator("#view-from"))
                .hasValue(Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z$"));
        assertDrawnAt(page.locator("svg#timeline"), ovenGap, seeded.ovenGapStart(), seeded.ovenGapEnd());
    }

    @Test
    void aBackfillRequestedFromThePageReachesTheApiAndARefusalIsShown() throws Exception {
        open("#/stream/plant-b/line-2");
        login();
        page.locator("svg#timeline rect.gap-closed[data-start='1200']").click();
        assertThat(page.locator("#bf-start")).hasValue("1200");
        page.locator("#bf-start").fill("1210");
        page.locator("#bf-end").fill("1240");
        page.locator("#bf-submit").click();
        assertThat(page.locator("#bf-ok")).containsText("1 request(s) created now");
        String shownId = page.locator("#bf-answer li").first().getAttribute("data-request-id");

        JsonPath operator = Edge.operator().get("/api/v1/backfills").then().statusCode(200).extract().jsonPath();
        List<String> ids = operator.getList("findAll { it.operatorRequest }.requestId");
        assertThat(ids).containsExactly(shownId);
        assertThat(operator.getString("find { it.operatorRequest }.startWindow")).isEqualTo("1210");
        assertThat(operator.getString("find { it.operatorRequest }.endWindow")).isEqualTo("1240");
        assertThat(operator.getString("find { it.operatorRequest }.state")).isEqualTo("PENDING");
        // The timeline shows it after the answer.
        assertThat(page.locator("svg#timeline rect.request[data-request-id='" + shownId + "']"))
                .hasAttribute("data-state", "PENDING");

        page.locator("svg#timeline rect.gap-open[data-start='400']").click();
        assertThat(page.locator("#gap-requests tbody tr")).hasCount(1);
        screenshot("dashboard-stream.png");

        page.locator("#bf-start").fill("1240");
        page.locator("#bf-end").fill("1210");
        page.locator("#bf-submit").click();
        assertThat(page.locator("#bf-error")).containsText("(400)");
        assertThat(page.locator("#bf-error")).containsText("field");
        assertThat(Edge.operator().get("/api/v1/backfills").then().extract().jsonPath()
                .getList("findAll { it.operatorRequest }")).hasSize(1);

    }

    @Test
    void theRequestsViewListsRequestsByStateWithTheirHistory() {
        open("#/requests/REQUESTED");
        login();
        Locator tabs = page.locator("#request-tabs");
        assertThat(tabs.locator("[data-state=REQUESTED] .count")).hasText("3");
        assertThat(tabs.locator("[data-state=COMPLETED] .count")).hasText("2");
        assertThat(tabs.locator("[data-state=UNRECOVERABLE] .count")).hasText("1");
        Locator rows = page.locator("#requests-table tbody tr.request-row");
        assertThat(rows).hasCount(3);

        // The second attempt at [1850, 1900): its history holds the first attempt and its outcome.
        Locator second = page.locator("#requests-table tr.request-row[data-state=REQUESTED]",
                new Page.LocatorOptions().setHasText("1850"));
        second.click();
        Locator history = page.locator("#history-table tbody tr");
        assertThat(history).hasCount(2);
        assertThat(history.nth(0)).hasAttribute("data-request-id", seeded.partial().requestId());
        assertThat(history.nth(0)).hasAttribute("data-attempt", "1");
        assertThat(history.nth(0)).containsText("COMPLETED");
        assertThat(history.nth(0)).containsText("remainder re-requested as");
        // The edge reported both halves: [1800, 1850) filled, [1850, 1900) failed.
        assertThat(history.nth(0)).containsText("[1800, 1900)");
        assertThat(history.nth(1)).hasAttribute("data-attempt", "2");
        assertThat(history.nth(1)).containsText("REQUESTED");

        tabs.locator("[data-state=UNRECOVERABLE]").click();
        assertThat(rows).hasCount(1);
        assertThat(rows.first()).hasAttribute("data-request-id", seeded.lost().requestId());
    }

    private Locator row(String device, String batch) {
        return page.locator("#fleet-table tr.stream-row[data-device='" + device + "'][data-batch='" + batch + "']");
    }

    /** The rect spans {@code [start, end)} on the SVG's scale, both in its attributes and on the screen. */
    private static void assertDrawnAt(Locator svg, Locator rect, long start, long end) {
        rect.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED));
        double d0 = Double.parseDouble(svg.getAttribute("data-domain-start"));
        double d1 = Double.parseDouble(svg.getAttribute("data-domain-end"));
        double x0 = Double.parseDouble(svg.getAttribute("data-x0"));
        double x1 = Double.parseDouble(svg.getAttribute("data-x1"));
        double left = x0 + (start - d0) / (d1 - d0) * (x1 - x0);
        double right = x0 + (end - d0) / (d1 - d0) * (x1 - x0);
        double x = Double.parseDouble(rect.getAttribute("x"));
        double width = Double.parseDouble(rect.getAttribute("width"));
        assertThat(x).as("x of [%d, %d)", start, end).isCloseTo(Math.max(x0 - 2, left), within(0.5));
        assertThat(x + width).as("right end of [%d, %d)", start, end).isCloseTo(Math.min(x1 + 2, right),
                within(0.5));
        // On the screen: the SVG is drawn at its viewBox's scale.
        BoundingBox svgBox = svg.boundingBox();
        BoundingBox box = rect.boundingBox();
        double scale = svgBox.width / Double.parseDouble(svg.getAttribute("width"));
        assertThat(box.x - svgBox.x).isCloseTo(x * scale, within(1.0));
        assertThat(box.width).isCloseTo(width * scale, within(1.0));
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of(System.getProperty("dashboard.screenshots", "target/dashboard-screenshots"));
        Files.createDirectories(dir);
        page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name)).setFullPage(true));
    }
}
