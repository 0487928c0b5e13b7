package dev.csvimport.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.csvimport.config.CloudClients;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Cloud Storage server, driven by google-cloud-storage itself through {@code
 * STORAGE_EMULATOR_HOST} as the functions drive it: what it answers is what the client library
 * accepts.
 */
class LocalStorageServerTest {

  private static final String BUCKET = "bucket-1";

  @TempDir Path folder;
  private LocalStorageServer server;
  private Storage storage;
  private final List<LocalStorageServer.FinalizedObject> finalized = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new LocalStorageServer(Map.of(BUCKET, folder), 0, finalized::add);
    storage =
        new CloudClients(Map.of(CloudClients.STORAGE_EMULATOR_HOST, server.host()), "p").storage();
  }

  @AfterEach
  void stop() throws Exception {
    storage.close();
    server.close();
  }

  private static BlobInfo info(String name) {
    return BlobInfo.newBuilder(BlobId.of(BUCKET, name))
        .setContentType("text/csv")
        .setMetadata(Map.of("action", "track", "uploadedBy", "ana@example.com"))
        .build();
  }

  @Test
  void anObjectWrittenIsAFileOfTheFolderWithItsGenerationAndMetadata() throws Exception {
    Blob created =
        storage.create(
            info("imports/users.csv"), "userId,a\nu1,x\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("userId,a\nu1,x\n", Files.readString(folder.resolve("imports/users.csv")));
    assertTrue(created.getGeneration() > 0);
    assertEquals(14L, created.getSize());

    Blob read = storage.get(BlobId.of(BUCKET, "imports/users.csv"));
    assertEquals(created.getGeneration(), read.getGeneration());
    assertEquals("text/csv", read.getContentType());
    assertEquals("track", read.getMetadata().get("action"));
    assertEquals("ana@example.com", read.getMetadata().get("uploadedBy"));
    assertEquals(created.getMd5(), read.getMd5());
    assertEquals(created.getCrc32c(), read.getCrc32c());
    assertArrayEquals(
        "userId,a\nu1,x\n".getBytes(StandardCharsets.UTF_8),
        storage.readAllBytes(BlobId.of(BUCKET, "imports/users.csv")));

    assertEquals(1, finalized.size(), "each write is finalized once");
    assertEquals("imports/users.csv", finalized.get(0).name());
    assertEquals(
        Long.toString(created.getGeneration()),
        finalized.get(0).resource().get("generation").getAsString());
    assertNull(
        storage.get(BlobId.of(BUCKET, "imports/none.csv")),
        "an absent object is no object, not an error");
  }

  @Test
  void generationPreconditionsHoldAsOnCloudStorage() throws Exception {
    BlobInfo info = info("results/job-1.jsonl");
    Blob first = storage.create(info, new byte[] {1}, Storage.BlobTargetOption.doesNotExist());
    StorageException exists =
        assertThrows(
            StorageException.class,
            () -> storage.create(info, new byte[] {2}, Storage.BlobTargetOption.doesNotExist()));
    assertEquals(412, exists.getCode());
    assertArrayEquals(
        new byte[] {1}, storage.readAllBytes(info.getBlobId()), "a refused write changes nothing");

    BlobInfo atFirst =
        info.toBuilder()
            .setBlobId(BlobId.of(BUCKET, info.getName(), first.getGeneration()))
            .build();
    Blob second =
        storage.create(atFirst, new byte[] {3}, Storage.BlobTargetOption.generationMatch());
    assertNotEquals(first.getGeneration(), second.getGeneration());
    assertTrue(second.getGeneration() > first.getGeneration(), "generations only grow");
    assertEquals(
        412,
        assertThrows(
                StorageException.class,
                () ->
                    storage.create(
                        atFirst, new byte[] {4}, Storage.BlobTargetOption.generationMatch()))
            .getCode());

    assertEquals(
        412,
        assertThrows(
                StorageException.class,
                () ->
                    storage.delete(
                        BlobId.of(BUCKET, info.getName(), first.getGeneration()),
                        Storage.BlobSourceOption.generationMatch()))
            .getCode());
    assertTrue(
        storage.delete(
            BlobId.of(BUCKET, info.getName(), second.getGeneration()),
            Storage.BlobSourceOption.generationMatch()));
    assertNull(storage.get(info.getBlobId()));
    assertTrue(Files.notExists(folder.resolve(info.getName())));
  }

  @Test
  void resumableUploadsAndRangedReadsCarryLargeObjectsWhole() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(content);
    try (WriteChannel writer =
        storage.writer(info("imports/big.csv"), Storage.BlobWriteOption.doesNotExist())) {
      writer.setChunkSize(256 * 1024);
      for (int at = 0; at < content.length; at += 100_000) {
        writer.write(ByteBuffer.wrap(content, at, Math.min(100_000, content.length - at)));
      }
    }
    assertArrayEquals(content, Files.readAllBytes(folder.resolve("imports/big.csv")));
    assertEquals(1, finalized.size(), "the object is finalized once, when its last byte arrived");
    assertEquals(
        "track", storage.get(BlobId.of(BUCKET, "imports/big.csv")).getMetadata().get("action"));

    try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "imports/big.csv"));
        InputStream in = Channels.newInputStream(reader)) {
      reader.setChunkSize(64 * 1024);
      assertArrayEquals(content, in.readAllBytes());
    }
    try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "imports/big.csv"))) {
      reader.seek(1_000_000);
      reader.limit(1_000_010);
      ByteBuffer ten = ByteBuffer.allocate(64);
      while (reader.read(ten) >= 0) {
        // until the limit
      }
      ten.flip();
      byte[] read = new byte[ten.remaining()];
      ten.get(read);
      assertArrayEquals(java.util.Arrays.copyOfRange(content, 1_000_000, 1_000_010), read);
    }

    StorageException exists =
        assertThrows(
            StorageException.class,
            () -> {
              try (WriteChannel writer =
                  storage.writer(info("imports/big.csv"), Storage.BlobWriteOption.doesNotExist())) {
                writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
              }
            });
    assertEquals(412, exists.getCode());
    assertArrayEquals(content, Files.readAllBytes(folder.resolve("imports/big.csv")));
  }

  @Test
  void listingByPrefixSeesTheFolderIncludingFilesPutThereByHand() throws Exception {
    for (String name : List.of("imports/a.csv", "imports/track/b.csv", "results/x.jsonl")) {
      storage.create(info(name), new byte[] {1});
    }
    Files.writeString(folder.resolve("imports/by-hand.csv"), "userId\nu1\n");

    List<String> imports =
        names(storage.list(BUCKET, Storage.BlobListOption.prefix("imports/")).iterateAll());
    assertEquals(List.of("imports/a.csv", "imports/by-hand.csv", "imports/track/b.csv"), imports);
    List<String> top =
        names(
            storage
                .list(
                    BUCKET,
                    Storage.BlobListOption.prefix("imports/"),
                    Storage.BlobListOption.currentDirectory())
                .iterateAll());
    assertEquals(List.of("imports/a.csv", "imports/by-hand.csv", "imports/track/"), top);
    List<String> paged =
        names(storage.list(BUCKET, Storage.BlobListOption.pageSize(1)).iterateAll());
    assertEquals(
        List.of("imports/a.csv", "imports/by-hand.csv", "imports/track/b.csv", "results/x.jsonl"),
        paged,
        "pages in name order, the server's own bookkeeping never listed");

    Blob byHand = storage.get(BlobId.of(BUCKET, "imports/by-hand.csv"));
    assertEquals(
        Files.getLastModifiedTime(folder.resolve("imports/by-hand.csv"))
            .to(java.util.concurrent.TimeUnit.MICROSECONDS),
        byHand.getGeneration(),
        "a file put there by hand has its modification time as its generation");
    assertEquals("text/csv", byHand.getContentType());
  }

  @Test
  void anUnknownBucketIsNotFound() {
    assertNull(storage.get(BlobId.of("someone-elses", "imports/a.csv")));
    assertEquals(
        404,
        assertThrows(
                StorageException.class,
                () ->
                    storage.create(
                        BlobInfo.newBuilder("someone-elses", "a.csv").build(), new byte[] {1}))
            .getCode());
  }

  private static List<String> names(Iterable<Blob> blobs) {
    List<String> names = new ArrayList<>();
    StreamSupport.stream(blobs.spliterator(), false).forEach(blob -> names.add(blob.getName()));
    return names;
  }

  /**
   * The uploads page's way in: an upload URL signed as the API signs it in emulator mode, started
   * from another origin with exactly the signed headers (CORS as the bucket's configuration allows
   * it), then the file in ranged PUTs to the session; a start that leaves out a signed header is
   * refused and writes nothing.
   */
  @Test
  void aSignedResumableUploadFromThePageBecomesTheObjectWithItsMetadata() throws Exception {
    CloudClients clients =
        new CloudClients(Map.of(CloudClients.STORAGE_EMULATOR_HOST, server.host()), "p");
    dev.csvimport.api.UploadUrls.Upload upload =
        new dev.csvimport.api.SignedUploadUrls(
                storage, clients.uploadSigner(), clients.storageEmulator())
            .resumable(
                BUCKET,
                "imports/page.csv",
                Map.of("name", "Spring", "uploadedBy", "ana%40example.com", "encoding", "url"));
    assertTrue(
        upload.url().startsWith(server.host() + "/" + BUCKET + "/imports/page.csv?"), upload.url());
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String origin = "http://127.0.0.1:8080";

    java.net.http.HttpResponse<Void> preflight =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(upload.url()))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-goog-resumable")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    assertEquals(200, preflight.statusCode());
    assertEquals(
        origin, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

    java.net.http.HttpRequest.Builder withoutName =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(upload.url()))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
    upload
        .headers()
        .forEach(
            (name, value) -> {
              if (!name.equals("x-goog-meta-name")) {
                withoutName.header(name, value);
              }
            });
    assertEquals(
        403,
        http.send(withoutName.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "a signed header left out");

    java.net.http.HttpRequest.Builder start =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(upload.url()))
            .header("Origin", origin)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
    upload.headers().forEach(start::header);
    java.net.http.HttpResponse<Void> started =
        http.send(start.build(), java.net.http.HttpResponse.BodyHandlers.discarding());
    assertEquals(201, started.statusCode());
    assertTrue(
        started
            .headers()
            .firstValue("Access-Control-Expose-Headers")
            .orElse("")
            .contains("Location"));
    String session = started.headers().firstValue("Location").orElseThrow();
    byte[] content = "userId,Plan\nu1,gold\nu2,silver\n".getBytes(StandardCharsets.UTF_8);
    int half = content.length / 2;
    assertEquals(
        308,
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(session))
                    .header("Content-Range", "bytes 0-" + (half - 1) + "/" + content.length)
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(content, 0, half))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding())
            .statusCode());
    assertTrue(finalized.isEmpty(), "nothing is finalized before the last byte");
    assertEquals(
        200,
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(session))
                    .header(
                        "Content-Range",
                        "bytes " + half + "-" + (content.length - 1) + "/" + content.length)
                    .PUT(
                        java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                            content, half, content.length - half))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding())
            .statusCode());

    Blob blob = storage.get(BlobId.of(BUCKET, "imports/page.csv"));
    assertArrayEquals(content, blob.getContent());
    assertEquals("text/csv", blob.getContentType());
    assertEquals(
        Map.of("name", "Spring", "uploadedby", "ana%40example.com", "encoding", "url"),
        blob.getMetadata(),
        "metadata keys as the XML API keeps them: lower case");
    assertEquals(1, finalized.size());
    assertEquals("imports/page.csv", finalized.get(0).name());
  }
}
