package org.kuzet.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kuzet.agent.upload.MemoryUploadQueue;
import org.kuzet.agent.upload.Uploader;
import org.kuzet.core.testing.TestMeasurements;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.core.testing.TestPki;
import org.kuzet.schema.upload.ProbeKey;
import picocli.CommandLine;

class CollectorCommandTest {
  @TempDir Path dir;

  private CliRun collector(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "collector";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.of(all);
  }

  private void assertUsage(CliRun run, String part) {
    assertEquals(Main.EXIT_USAGE, run.exit(), run.err());
    assertTrue(run.err().startsWith("kuzet collector: "), run.err());
    assertTrue(run.err().contains(part), run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    assertFalse(Files.exists(dir.resolve("c.db")), "nothing is created on bad input");
  }

  @Test
  void listenIsRequired() {
    assertUsage(collector("--db", dir.resolve("c.db").toString()), "--listen");
  }

  @Test
  void listenMustBeHostAndPort() {
    String db = dir.resolve("c.db").toString();
    assertUsage(collector("--listen", "8443", "--db", db), "expected HOST:PORT");
    assertUsage(collector("--listen", "127.0.0.1:", "--db", db), "expected HOST:PORT");
    assertUsage(collector("--listen", "127.0.0.1:70000", "--db", db), "out of range");
    assertUsage(collector("--listen", "::1:8443", "--db", db), "expected HOST:PORT");
  }

  @Test
  void tlsFilesGoTogetherAndMustBeReadable() {
    String db = dir.resolve("c.db").toString();
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--tls-cert", "cert.pem"),
        "--tls-cert and --tls-key go together");
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--tls-key", "key.pem"),
        "--tls-cert and --tls-key go together");
    Path missing = dir.resolve("missing.pem");
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--tls-cert", missing.toString(), "--tls-key",
        missing.toString()), missing + ": no such file");
  }

  @Test
  void limitsMustBeSensible() {
    String db = dir.resolve("c.db").toString();
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--max-body", "lots"), "expected a size");
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--max-body", "12"), "too small");
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--max-inflight", "0"), "at least 1");
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", db, "--max-inflight", "many"), "--max-inflight");
  }

  @Test
  void databaseProblemsNameTheFile() throws IOException {
    assertUsage(collector("--listen", "127.0.0.1:0", "--db", dir.resolve("no/such/dir/c.db").toString()),
        "does not exist");
    Path foreign = dir.resolve("foreign.db");
    Files.writeString(foreign, "not sqlite at all, just text that is long enough to look like a header......");
    CliRun run = collector("--listen", "127.0.0.1:0", "--db", foreign.toString());
    assertEquals(Main.EXIT_USAGE, run.exit(), run.err());
    assertTrue(run.err().contains(foreign.toString()), run.err());
  }

  @Test
  void portInUseIsAClearError() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun run = collector("--listen", "127.0.0.1:" + taken.getLocalPort(), "--db", dir.resolve("c.db").toString());
      assertEquals(Main.EXIT_USAGE, run.exit(), run.err());
      assertTrue(run.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), run.err());
    }
  }

  @Test
  void parsesSizes() {
    assertEquals(8L << 20, CollectorCommand.parseSize("8M"));
    assertEquals(512L << 10, CollectorCommand.parseSize("512k"));
    assertEquals(1L << 30, CollectorCommand.parseSize("1GiB"));
    assertEquals(4096, CollectorCommand.parseSize("4096"));
  }

  @Test
  void servesHttpsPrintsItsAddressTakesUploadsAndStopsCleanly() throws Exception {
    TestPki pki = new TestPki();
    HeldCertificate leaf = pki.issue("127.0.0.1");
    Path cert = Files.writeString(dir.resolve("fullchain.pem"), leaf.certificatePem() + pki.rootPem());
    Path key = Files.writeString(dir.resolve("privkey.pem"), leaf.privateKeyPkcs8Pem());
    Path root = Files.writeString(dir.resolve("root.pem"), pki.rootPem());
    MemoryUploadQueue queue = new MemoryUploadQueue();
    queue.add("u1", org.kuzet.schema.MeasurementJson.toLine(TestMeasurements.accessible(
        "https://a.kz/", java.time.Instant.parse("2026-11-23T09:00:00Z"))).replaceFirst(
        "\"measurement_uid\":\"[^\"]*\"", "\"measurement_uid\":\"u1\""));
    AtomicReference<Uploader.Result> uploaded = new AtomicReference<>();
    AtomicReference<URI> uri = new AtomicReference<>();
    CollectorCommand command = new CollectorCommand(server -> {
      uri.set(server.uploadUri());
      try {
        uploaded.set(Uploader.builder(server.uploadUri(), ProbeKey.generate(new SecureRandom()))
            .extraRoots(java.util.List.of(root)).build().drain(queue));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));

    int exit = cli.execute("--listen", "127.0.0.1:0", "--db", dir.resolve("c.db").toString(),
        "--tls-cert", cert.toString(), "--tls-key", key.toString(), "--max-body", "1M", "--max-inflight", "2");

    assertEquals(0, exit, out.toString());
    assertTrue(out.toString().startsWith("kuzet collector: listening on " + uri.get()), out.toString());
    assertTrue(uri.get().toString().startsWith("https://127.0.0.1:"), uri.get().toString());
    assertEquals(new Uploader.Result(1, 0, 0, 0, 0), uploaded.get());
    assertTrue(out.toString().contains("stopped; this run accepted 1"), out.toString());
  }

  @Test
  void isListedInKuzetHelp() {
    CliRun run = CliRun.of("--help");
    assertTrue(run.out().contains("collector"), run.out());
  }
}
