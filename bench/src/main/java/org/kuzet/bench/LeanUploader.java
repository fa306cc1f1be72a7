package org.kuzet.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * The load generator's side of one upload connection: HTTP/1.1 with keep-alive over a plain socket, each request's
 * bytes built once, the answer's status read and its body skipped (Content-Length or chunked). What {@code wrk}
 * is to a web server: the bench's 16 uploaders share the collector's 2 cores, and the JDK's HTTP client took as
 * much CPU per one-measurement upload as PostgreSQL did, which real uploaders (probes elsewhere) never cost it. Not
 * thread-safe: one per uploader thread.
 */
final class LeanUploader implements AutoCloseable {
  private final URI uri;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  LeanUploader(URI uri) {
    this.uri = uri;
  }

  /** The request for one gzipped upload body, as it goes on the wire. */
  static byte[] request(URI uri, byte[] gzippedBody) {
    String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Content-Type: " + UploadProtocol.CONTENT_TYPE + "\r\n"
        + "Content-Encoding: " + UploadProtocol.CONTENT_ENCODING + "\r\n"
        + "Content-Length: " + gzippedBody.length + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + gzippedBody.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(gzippedBody, 0, all, h.length, gzippedBody.length);
    return all;
  }

  /** Sends one request (from {@link #request}); returns the answer's status code. */
  int send(byte[] request) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
      socket.setSoTimeout(300_000);
      in = new BufferedInputStream(socket.getInputStream(), 8192);
      out = socket.getOutputStream();
    }
    out.write(request);
    out.flush();
    String status = line();
    if (status == null || !status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
          size = Long.parseLong(line().split(";")[0].trim(), 16)) {
        skip(size);
        line();
      }
      for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
        // trailers: none expected
      }
    } else if (length >= 0) {
      skip(length);
    } else {
      close = true; // the body runs to the end of the connection
    }
    if (close) {
      close();
    }
    return code;
  }

  private void skip(long n) throws IOException {
    for (long left = n; left > 0; ) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("the collector closed the connection mid-answer");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
      socket = null;
    }
  }
}
