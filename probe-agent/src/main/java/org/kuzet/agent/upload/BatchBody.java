package org.kuzet.agent.upload;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.kuzet.agent.upload.UploadQueue.DueMeasurement;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * One batch's body ({@code {"measurements": [item, …]}}, gzip), written to the connection as each measurement is
 * read from the queue and signed: only one measurement is in memory at a time. Measurements that cannot be
 * signed are left out and listed in {@link #unsendable} with the reason; those no longer stored in {@link #gone}.
 * One-shot: the uploader retries by itself, never OkHttp.
 */
final class BatchBody extends RequestBody {
  /** Makes the signed upload item of a stored measurement; IllegalArgumentException when it cannot be sent. */
  @FunctionalInterface
  interface Signer {
    UploadItem sign(String uid, String measurementJson);
  }

  private static final MediaType JSON = MediaType.get(UploadProtocol.CONTENT_TYPE);
  private static final byte[] BATCH_START = "{\"measurements\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BATCH_END = "]}".getBytes(StandardCharsets.UTF_8);

  private final UploadQueue queue;
  private final List<DueMeasurement> part;
  private final Signer signer;
  private final Set<String> sent = new HashSet<>();
  private final Map<String, String> unsendable = new LinkedHashMap<>();
  private final Set<String> gone = new HashSet<>();

  BatchBody(UploadQueue queue, List<DueMeasurement> part, Signer signer) {
    this.queue = queue;
    this.part = part;
    this.signer = signer;
  }

  /** The UIDs written into the body. */
  Set<String> sent() {
    return sent;
  }

  /** The UIDs left out because they cannot be signed, with the reason each. */
  Map<String, String> unsendable() {
    return unsendable;
  }

  /** The UIDs no longer stored when the body was written (deleted meanwhile). */
  Set<String> gone() {
    return gone;
  }

  @Override
  public MediaType contentType() {
    return JSON;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(sink.outputStream(), 64 * 1024);
    writeBatch(gz);
    gz.finish();
    gz.flush();
  }

  private void writeBatch(OutputStream out) throws IOException {
    out.write(BATCH_START);
    boolean first = true;
    for (DueMeasurement d : part) {
      Optional<String> json = queue.measurementJson(d.uid());
      if (json.isEmpty()) {
        gone.add(d.uid()); // deleted meanwhile (retention): nothing left to send or mark
        continue;
      }
      UploadItem item;
      try {
        item = signer.sign(d.uid(), json.get());
      } catch (IllegalArgumentException e) {
        unsendable.put(d.uid(), e.getMessage());
        continue;
      }
      if (!first) {
        out.write(',');
      }
      first = false;
      UploadProtocol.mapper().writeValue(new NonClosing(out), item);
      sent.add(d.uid());
    }
    out.write(BATCH_END);
  }

  /** The gzip size of {@code d} alone as a batch, counted while compressing; nothing is kept. */
  static long gzipSize(UploadQueue queue, DueMeasurement d, Signer signer) {
    BatchBody body = new BatchBody(queue, List.of(d), signer);
    long[] n = {0};
    OutputStream counter = new OutputStream() {
      @Override
      public void write(int b) {
        n[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        n[0] += len;
      }
    };
    try (GZIPOutputStream gz = new GZIPOutputStream(counter, 64 * 1024)) {
      body.writeBatch(gz);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // counting only; no real I/O
    }
    return n[0];
  }

  /** Lets Jackson write one value into the batch without closing the stream under it. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
