package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.csvimport.config.Settings;
import dev.csvimport.store.AppStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The uploads page in headless Chromium against the local runner on the emulators: sign in, preview
 * a file with good and bad rows, upload it, watch it finish, read its failed rows; a broken file,
 * markup in cells, the production key. Screenshots go to {@code target/ui} ({@code
 * -Dui.screenshots=../docs/ui} refreshes the committed ones).
 */
@ExtendWith(EmulatorsExtension.class)
class UploadsPageIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS =
      Path.of(System.getProperty("ui.screenshots", "target/ui"));
  private static final String APP = "app-ui";
  private static final String XSS = "<img src=x onerror=alert(1)>";

  private LocalCloud cloud;
  private AppStore.Keys keys;
  private WebDriver browser;
  private WebDriverWait wait;
  private Path downloads;

  @BeforeEach
  void start(Emulators emulators, @TempDir Path profile) throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium and ChromeDriver are installed (apt-get install chromium chromium-driver; .ci/run"
            + " does it)");
    cloud =
        LocalCloud.start(
            emulators,
            new Settings(
                Map.of(
                    Settings.BUCKET_APPS,
                    LocalCloud.BUCKET + "=" + APP,
                    Settings.PARTITIONS,
                    "2")));
    keys = cloud.stages().apps().create(APP, List.of(LocalCloud.BUCKET));
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1000",
                "--user-data-dir=" + profile.resolve("chromium"));
    downloads = Files.createDirectories(profile.resolve("downloads"));
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  private WebElement byId(String id) {
    return browser.findElement(By.id(id));
  }

  private void signIn(String key) {
    browser.get(cloud.apiUrl("/"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appId")));
    byId("appId").sendKeys(APP);
    byId("clientKey").sendKeys(key);
    byId("email").sendKeys("ann@example.com");
    byId("signIn").click();
  }

  private void choose(Path file) {
    byId("file").sendKeys(file.toAbsolutePath().toString());
  }

  private void screenshot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }

  /**
   * The cells of the uploads list's row once it says Finished. The list refreshes while imports
   * run, replacing its rows: each look reads a row whole, again if it was replaced.
   */
  private List<String> finishedCells(By uploadRow) {
    return wait.ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              List<String> texts =
                  d.findElement(uploadRow).findElements(By.tagName("td")).stream()
                      .map(WebElement::getText)
                      .toList();
              return texts.stream().anyMatch(text -> text.contains("Finished")) ? texts : null;
            });
  }

  /** Clicks a row of the uploads list, again if the list replaced it meanwhile. */
  private void clickRow(By row) {
    wait.ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(row).click();
              return true;
            });
  }

  @Test
  void aPersonPreviewsUploadsAndReadsTheFailedRowsOfAnImport(@TempDir Path dir) throws Exception {
    signIn("wrong-key");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("signInError"), "Invalid access key"));

    byId("appId").clear();
    byId("clientKey").clear();
    byId("email").clear();
    signIn(keys.development());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appPanel")));
    assertFalse(browser.getCurrentUrl().contains(keys.development()), "the key is never in a URL");

    Path csv = dir.resolve("spring-users.csv");
    Files.writeString(
        csv,
        "userId,Plan,Age<int>,Vip<bool>\nu1,gold,34,true\nu2,"
            + XSS
            + ",40,\nu3,null,x,no\n"
            + "u4,silver,,\n",
        StandardCharsets.UTF_8);
    choose(csv);
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#previewTable tbody tr")));
    List<WebElement> rows = browser.findElements(By.cssSelector("#previewTable tbody tr"));
    assertEquals(4, rows.size());
    assertTrue(
        rows.get(0).getText().contains("34 (int)") && rows.get(0).getText().contains("true (bool)"),
        rows.get(0).getText());
    assertTrue(rows.get(1).getText().contains(XSS + " (text)"), "markup in a cell shows as text");
    assertTrue(browser.findElements(By.cssSelector("img")).isEmpty(), "and is no element");
    assertEquals("failed", rows.get(2).getAttribute("class"), "the failed row is highlighted");
    assertTrue(rows.get(2).getText().contains("'x' is not a whole number"), rows.get(2).getText());
    assertFalse(rows.get(2).getText().contains("\"x\" 'x'"), "the message names the value once");
    List<WebElement> failedCells = rows.get(2).findElements(By.tagName("td"));
    assertEquals("u3", failedCells.get(1).getText(), "a failed row shows its cells");
    assertEquals("no", failedCells.get(4).getText());
    assertEquals("x", failedCells.get(3).getText());
    assertTrue(
        failedCells.get(3).getAttribute("class").contains("bad"), "and marks the cell at fault");
    assertFalse(failedCells.get(2).getAttribute("class").contains("bad"));
    assertTrue(
        byId("previewTable").getText().contains("attribute Age (int)"), "what each column means");
    screenshot("preview");

    byId("importName").clear();
    byId("importName").sendKeys("Spring users " + XSS);
    byId("upload").click();
    // The list refreshes while imports run, replacing its rows: each look reads a row whole, again
    // if it was replaced.
    By uploadRow = By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'Spring users')]]");
    List<String> cells = finishedCells(uploadRow);
    assertEquals("Spring users " + XSS, cells.get(0));
    assertEquals("ann@example.com", cells.get(2));
    assertEquals("1", cells.get(4), "No. of errors");
    assertEquals("3", cells.get(5), "No. of records: the rows applied, as CleverTap counts them");
    screenshot("uploads");

    clickRow(uploadRow);
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#resultsTable tbody tr")));
    String failedRow = browser.findElement(By.cssSelector("#resultsTable tbody tr")).getText();
    assertTrue(
        failedRow.contains("Age<int>")
            && failedRow.contains("'x' is not a whole number")
            && failedRow.contains("u3"),
        failedRow);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("jobNotice"),
            "Told when it ended: published on the job-events topic; the app has no webhook."));
    screenshot("failed-rows");
    assertTrue(
        browser.findElements(By.cssSelector("img")).isEmpty(),
        "no markup from the import's name ran");
  }

  /**
   * A gzip-compressed, semicolon-separated export: previewed in the browser (decompressed there),
   * uploaded as it is, imported whole.
   */
  @Test
  void aGzippedSemicolonExportIsPreviewedAndImported(@TempDir Path dir) throws Exception {
    signIn(keys.development());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appPanel")));
    Path gz = dir.resolve("export-eu.csv.gz");
    try (java.util.zip.GZIPOutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("userId;Plan;Age<int>\nz1;gold;34\nz2;silver;x\n".getBytes(StandardCharsets.UTF_8));
    }
    choose(gz);
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#previewTable tbody tr")));
    List<WebElement> rows = browser.findElements(By.cssSelector("#previewTable tbody tr"));
    assertEquals(2, rows.size());
    assertTrue(rows.get(0).getText().contains("34 (int)"), rows.get(0).getText());
    assertEquals("failed", rows.get(1).getAttribute("class"));

    byId("upload").click();
    By uploadRow = By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'export-eu')]]");
    List<String> cells = finishedCells(uploadRow);
    assertEquals("1", cells.get(4), "No. of errors");
    assertEquals("1", cells.get(5), "No. of records");
    assertEquals(
        "gold",
        cloud.stages().profiles().profile(APP, "z1").orElseThrow().attributes().get("Plan"));
  }

  /**
   * Check the whole file: a dry run, marked as one, that writes no profile; its failed rows
   * download as a CSV to fix.
   */
  @Test
  void aPersonChecksTheWholeFileThenDownloadsItsFailedRows(@TempDir Path dir) throws Exception {
    signIn(keys.development());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appPanel")));
    Path csv = dir.resolve("autumn-users.csv");
    Files.writeString(
        csv,
        "userId,Plan,Age<int>\nd1,gold,34\nd2,silver,x\nd3,\"a, b\",y\n",
        StandardCharsets.UTF_8);
    choose(csv);
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#previewTable tbody tr")));
    byId("dryRun").click();
    By uploadRow = By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'autumn-users')]]");
    List<String> cells = finishedCells(uploadRow);
    assertTrue(cells.get(0).contains("dry run"), cells.get(0));
    assertTrue(cells.get(3).contains("nothing was written"), cells.get(3));
    assertEquals("2", cells.get(4), "No. of errors");
    assertEquals("1", cells.get(5), "the rows that would apply");
    assertTrue(cloud.stages().profiles().profile(APP, "d1").isEmpty(), "a dry run writes nothing");
    screenshot("dry-run");

    clickRow(uploadRow);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("downloadFailed")));
    assertTrue(byId("jobSummary").getText().startsWith("Dry run, nothing written"));
    screenshot("failed-rows-download");
    byId("downloadFailed").click();
    Path saved =
        wait.until(
            d -> {
              try (var files = Files.list(downloads)) {
                return files
                    .filter(f -> f.toString().endsWith("-failed.csv"))
                    .findFirst()
                    .orElse(null);
              } catch (java.io.IOException e) {
                return null;
              }
            });
    assertEquals(
        "#error,userId,Plan,Age<int>\r\n"
            + "Age<int>: 'x' is not a whole number,d2,silver,x\r\n"
            + "Age<int>: 'y' is not a whole number,d3,\"a, b\",y\r\n",
        Files.readString(saved));

    byId("importChecked").click();
    By realRow =
        By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'autumn-users') and not(span)]]");
    List<String> real = finishedCells(realRow);
    assertEquals("2", real.get(4), "the real import fails the same rows");
    assertEquals("1", real.get(5));
    assertEquals(
        "gold",
        cloud.stages().profiles().profile(APP, "d1").orElseThrow().attributes().get("Plan"));
  }

  private Select mappingOf(String header, String control) {
    return new Select(
        browser.findElement(
            By.cssSelector("#mappingTable tr[data-header='" + header + "'] select." + control)));
  }

  private void waitForPreviewHeader(String text) {
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#previewTable thead"), text));
  }

  /**
   * An export whose headers are not csvimport's: the page proposes the user key and email, the
   * person maps the rest, is refused a mapping with two user keys, and the import reads the file as
   * mapped; after a dry run, importing it for real keeps the mapping.
   */
  @Test
  void aPersonMapsAnExportsColumnsAndItImportsAsMapped(@TempDir Path dir) throws Exception {
    signIn(keys.development());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appPanel")));
    Path csv = dir.resolve("crm-export.csv");
    Files.writeString(
        csv,
        "customer_id,E-mail,Full Name,Score,Internal\n"
            + "c1,ann@example.com,Ann,12,x\n"
            + "c2,not-an-email,Bob,7,y\n",
        StandardCharsets.UTF_8);
    choose(csv);
    waitForPreviewHeader("read as userId");
    assertEquals(
        "userId", mappingOf("customer_id", "field").getFirstSelectedOption().getAttribute("value"));
    assertEquals(
        "attribute", mappingOf("E-mail", "field").getFirstSelectedOption().getAttribute("value"));
    assertEquals(
        "email",
        browser
            .findElement(By.cssSelector("#mappingTable tr[data-header='E-mail'] input.name"))
            .getAttribute("value"));
    assertEquals(
        "header", mappingOf("Score", "field").getFirstSelectedOption().getAttribute("value"));

    mappingOf("Score", "field").selectByValue("attribute");
    mappingOf("Score", "type").selectByValue("int");
    waitForPreviewHeader("read as Score<int>");
    mappingOf("Internal", "field").selectByValue("ignore");
    waitForPreviewHeader("a note, not imported");
    List<WebElement> rows = browser.findElements(By.cssSelector("#previewTable tbody tr"));
    assertTrue(rows.get(0).getText().contains("12 (int)"), rows.get(0).getText());
    assertEquals("failed", rows.get(1).getAttribute("class"), "the e-mail is checked as one");

    mappingOf("E-mail", "field").selectByValue("userId");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("fileFailure")));
    assertTrue(
        byId("fileFailure").getText().startsWith("With the columns read as mapped"),
        byId("fileFailure").getText());
    assertFalse(
        byId("upload").isEnabled(), "a mapping with two user keys is refused before upload");
    assertFalse(byId("dryRun").isEnabled());
    mappingOf("E-mail", "field").selectByValue("attribute");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("fileFailure")));
    waitForPreviewHeader("read as email");
    assertTrue(byId("upload").isEnabled());
    screenshot("mapping");

    byId("dryRun").click();
    By checkRow = By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'crm-export') and span]]");
    List<String> checked = finishedCells(checkRow);
    assertEquals("1", checked.get(4), "No. of errors");
    clickRow(checkRow);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("importChecked")));
    byId("importChecked").click();
    By realRow =
        By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'crm-export') and not(span)]]");
    List<String> real = finishedCells(realRow);
    assertEquals("1", real.get(4), "No. of errors");
    assertEquals("1", real.get(5), "No. of records");
    Map<String, Object> attributes =
        cloud.stages().profiles().profile(APP, "c1").orElseThrow().attributes();
    assertEquals("ann@example.com", attributes.get("email"));
    assertEquals(12L, attributes.get("Score"));
    assertEquals("Ann", attributes.get("Full Name"));
    assertFalse(attributes.containsKey("Internal"), "an ignored column is not imported");
    assertFalse(attributes.containsKey("E-mail"));
  }

  /** A running import's Cancel, confirmed, ends it CANCELLED in the list. */
  @Test
  void aPersonCancelsAnImportThatHasNotEnded() throws Exception {
    UnstartedJobs.create(
        cloud, APP, "job-waiting", "imports/waiting.csv", "Waiting import", "bob@example.com");
    signIn(keys.development());
    By row = By.xpath("//table[@id='uploads']//tr[td[1][contains(., 'Waiting import')]]");
    wait.ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(row).findElement(By.cssSelector("button.cancel")).click();
              return true;
            });
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElement(row).getText().contains("Cancelled"));
    assertEquals(
        dev.csvimport.job.JobState.CANCELLED,
        cloud.stages().jobs().get(APP, "job-waiting").orElseThrow().state());
    assertTrue(
        browser.findElement(row).findElements(By.cssSelector("button.cancel")).isEmpty(),
        "an ended import has no Cancel");
  }

  @Test
  void aBrokenFileShowsItsMessageBeforeUploadAndTheProductionKeyCannotUpload(@TempDir Path dir)
      throws Exception {
    signIn(keys.development());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appPanel")));
    Path broken = dir.resolve("broken.csv");
    Files.write(
        broken,
        new byte[] {
          'u',
          's',
          'e',
          'r',
          'I',
          'd',
          ',',
          'P',
          'l',
          'a',
          'n',
          '\n',
          'u',
          '1',
          ',',
          (byte) 0xC3,
          (byte) 0x28,
          '\n'
        });
    choose(broken);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("fileFailure")));
    assertTrue(byId("fileFailure").getText().contains("UTF-8"), byId("fileFailure").getText());
    assertFalse(byId("upload").isEnabled(), "a broken file cannot be uploaded");

    byId("signOut").click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appId")));
    signIn(keys.production());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("appPanel")));
    Path fine = dir.resolve("fine.csv");
    Files.writeString(fine, "userId,Plan\nu1,gold\n");
    choose(fine);
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#previewTable tbody tr")));
    byId("upload").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("uploadError"), "production key"));
    assertTrue(cloud.stages().jobs().list(APP, 10, null).isEmpty(), "nothing was uploaded");
  }
}
