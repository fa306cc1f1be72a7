package org.kuzet.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * A tiny HTTP/1.1 front for a real collector on loopback that misbehaves on cue: the network and collector
 * failures an uploader must survive. Each request takes the next scripted {@link Action}; when the script is
 * used up, requests are forwarded untouched. One request per connection (answers carry {@code Connection:
 * close}), handled one at a time, which is all an uploader does.
 */
final class FaultyFront implements AutoCloseable {
  enum Action {
    /** Pass the request to the collector and its answer back. */
    FORWARD,
    /** Pass the request to the collector, read its answer (so it stored the batch), then hang up unanswered. */
    DROP_AFTER_FORWARD,
    /** Answer 500 without bothering the collector. */
    ANSWER_500,
    /** Change the second measurement of the batch on the way (a tampering middlebox), then forward. */
    TAMPER_SECOND_ITEM,
    /** Change every measurement of the batch on the way, then forward. */
    TAMPER_EVERY_ITEM
  }

  private final InetSocketAddress backend;
  private final Deque<Action> script;
  private final ServerSocket server;
  private final Thread thread;
  private final AtomicInteger requests = new AtomicInteger();

  FaultyFront(InetSocketAddress backend, Action... script) throws IOException {
    this.backend = backend;
    this.script = new ArrayDeque<>(List.of(script));
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::serve, "kuzet-harness faulty-front");
    thread.setDaemon(true);
    thread.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + UploadProtocol.PATH);
  }

  /** Requests seen so far. */
  int requests() {
    return requests.get();
  }

  private synchronized Action next() {
    Action a = script.poll();
    return a == null ? Action.FORWARD : a;
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket client = server.accept()) {
        handle(client);
      } catch (IOException e) {
        // closed, or a client gave up: next
      }
    }
  }

  private void handle(Socket client) throws IOException {
    InputStream in = client.getInputStream();
    String head = readHead(in);
    if (head == null) {
      return;
    }
    byte[] body;
    if (head.matches("(?is).*\r\nTransfer-Encoding:\\s*chunked\\s*\r\n.*")) {
      // The uploader streams its body (length unknown up front): forward it whole, with its length.
      body = readChunked(in);
      head = head.replaceAll("(?im)^Transfer-Encoding:.*\r\n", "")
          .replaceFirst("\r\n\r\n$", "\r\nContent-Length: " + body.length + "\r\n\r\n");
    } else {
      body = in.readNBytes(contentLength(head));
    }
    requests.incrementAndGet();
    Action action = next();
    OutputStream out = client.getOutputStream();
    if (action == Action.ANSWER_500) {
      byte[] error = "{\"error\":\"injected failure\"}".getBytes(StandardCharsets.UTF_8);
      out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: "
          + error.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(error);
      out.flush();
      return;
    }
    if (action == Action.TAMPER_SECOND_ITEM || action == Action.TAMPER_EVERY_ITEM) {
      body = tamper(body, action == Action.TAMPER_EVERY_ITEM);
      head = head.replaceAll("(?im)^Content-Length:.*$", "Content-Length: " + body.length);
    }
    byte[] answer;
    try (Socket up = new Socket(backend.getAddress(), backend.getPort())) {
      up.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      up.getOutputStream().write(body);
      up.getOutputStream().flush();
      InputStream upIn = up.getInputStream();
      String upHead = readHead(upIn);
      if (upHead == null) {
        return;
      }
      byte[] upBody = upIn.readNBytes(contentLength(upHead));
      String closing = upHead.replaceAll("(?im)^Connection:.*\\r\\n", "")
          .replaceFirst("\\r\\n\\r\\n$", "\r\nConnection: close\r\n\r\n");
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(closing.getBytes(StandardCharsets.US_ASCII));
      all.write(upBody);
      answer = all.toByteArray();
    }
    if (action == Action.DROP_AFTER_FORWARD) {
      return; // the collector has the batch; the uploader never hears so
    }
    out.write(answer);
    out.flush();
  }

  private static byte[] tamper(byte[] gzipped, boolean every) throws IOException {
    byte[] json;
    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      json = gz.readAllBytes();
    }
    JsonNode batch = UploadProtocol.mapper().readTree(json);
    for (int i = every ? 0 : 1; i < (every ? batch.get("measurements").size() : 2); i++) {
      ((ObjectNode) batch.at("/measurements/" + i + "/measurement")).put("input", "https://tampered.example/");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(UploadProtocol.mapper().writeValueAsBytes(batch));
    }
    return out.toByteArray();
  }

  /** An HTTP/1.1 chunked body (no trailers: the uploader sends none). */
  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        readLine(in); // the blank line after the last chunk
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != -1 && b != '\n'; ) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** The request or status line and headers, through the blank line; null at EOF. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    for (int b; (b = in.read()) != -1; ) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
