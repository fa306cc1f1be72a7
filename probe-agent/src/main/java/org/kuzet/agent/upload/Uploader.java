package org.kuzet.agent.upload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.kuzet.agent.upload.UploadQueue.DueMeasurement;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.schema.upload.UploadItem;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * Drains an {@link UploadQueue} to a collector (docs/COLLECTOR.md): due measurements in batches, each signed with
 * the probe's key, gzip, one POST per batch over HTTPS with kuzet's own trust roots (never the machine's, which
 * may hold an interception root).
 *
 * <p>Per item: accepted or duplicate → {@link UploadQueue#markUploaded}; rejected → {@link
 * UploadQueue#markRejected} with the collector's reason, and the rest of the batch goes on. A batch the collector
 * finds too large (413) or malformed (400) is split in halves until the offending measurement stands alone and
 * is rejected by itself. A transient failure (network, 5xx, 429, a redirect or other 4xx that names a
 * configuration problem) marks the batch for retry with capped exponential backoff and jitter, and ends the
 * run: the collector is not hammered while it is down. A run ends when nothing is due.
 *
 * <p>Nothing but the measurements and their signatures is sent: no cookies, no identifiers, a fixed
 * {@code User-Agent}. Resending is harmless: the collector answers {@code duplicate} for a UID it already has.
 *
 * <p>Immutable and safe to share; two drains of one queue at once may send a measurement twice, which the
 * collector answers with {@code duplicate}. {@link #close} releases pooled connections.
 */
public final class Uploader implements AutoCloseable {
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofHours(1);
  /** The collector's default body limit; a measurement whose gzip body alone is larger is rejected unsent. */
  public static final long DEFAULT_MAX_BODY_BYTES = UploadProtocol.DEFAULT_MAX_BODY_BYTES;
  /**
   * Most measurement JSON per request (docs/COLLECTOR.md): 4 MiB, half the collector's default body limit even
   * before gzip, so a batch never needs splitting for size; a larger measurement is sent alone.
   */
  public static final long DEFAULT_BATCH_BYTES = UploadProtocol.DEFAULT_MAX_BODY_BYTES / 2;

  private final URI collector;
  private final ProbeKey key;
  private final CollectorClient http;
  private final int batchSize;
  private final long maxBodyBytes;
  private final long batchBytes;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Clock clock;
  private final RandomGenerator random;

  private Uploader(Builder b) {
    this.collector = b.collector;
    this.key = b.key;
    this.batchSize = b.batchSize;
    this.maxBodyBytes = b.maxBodyBytes;
    this.batchBytes = Math.min(b.batchBytes, b.maxBodyBytes / 2);
    this.baseDelay = b.baseDelay;
    this.maxDelay = b.maxDelay;
    this.clock = b.clock;
    this.random = b.random;
    this.http = new CollectorClient(b.collector, b.trustRoots, b.timeout);
  }

  /**
   * An uploader to {@code collector} (the full URL, e.g. {@code https://collector.example/api/v1/measurements};
   * a URL without a path gets {@value UploadProtocol#PATH}) signing with {@code key}.
   */
  public static Builder builder(URI collector, ProbeKey key) {
    return new Builder(collector, key);
  }

  /** What one {@link #drain} did, counted in measurements. */
  public record Result(int uploaded, int duplicate, int rejected, int retried, long remaining) {}

  /**
   * Sends every due measurement, then returns. Blocks; call from a background thread.
   *
   * <p>Memory stays bounded whatever is queued: batches are planned from the measurements' sizes alone (at most
   * {@code batchSize} measurements and {@code batchBytes} of JSON each, a larger measurement alone), and each
   * batch's gzip body is written to the connection as its measurements are read from the queue, one at a time.
   *
   * @return counts of this run; {@code remaining} is the queue's pending count afterwards (including the
   *     retried ones, due again later)
   */
  public Result drain(UploadQueue queue) {
    Counts counts = new Counts();
    Set<String> handled = new HashSet<>();
    boolean goOn = true;
    while (goOn) {
      List<DueMeasurement> due = queue.dueSizes(batchSize, clock.instant());
      if (due.isEmpty()) {
        break;
      }
      for (DueMeasurement q : due) {
        if (!handled.add(q.uid())) {
          throw new IllegalStateException("the upload queue offered " + q.uid() + " again after it was marked");
        }
      }
      for (List<DueMeasurement> batch : plan(due, batchBytes)) {
        goOn = sendBatch(queue, batch, counts);
        if (!goOn) {
          break; // the rest stays due: not marked, not counted as tried
        }
      }
    }
    return new Result(counts.uploaded, counts.duplicate, counts.rejected, counts.retried,
        queue.counts().pending());
  }

  /**
   * Cuts {@code due} (in queue order) into batches of at most {@code budget} bytes of measurement JSON; a
   * measurement larger than the budget goes alone. Package-private: the memory bound rests on it.
   */
  static List<List<DueMeasurement>> plan(List<DueMeasurement> due, long budget) {
    List<List<DueMeasurement>> batches = new ArrayList<>();
    List<DueMeasurement> current = new ArrayList<>();
    long bytes = 0;
    for (DueMeasurement d : due) {
      if (!current.isEmpty() && bytes + d.bytes() > budget) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(d);
      bytes += d.bytes();
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Closes idle pooled connections to the collector; the uploader stays usable (it reconnects). */
  @Override
  public void close() {
    http.close();
  }

  private static final class Counts {
    int uploaded;
    int duplicate;
    int rejected;
    int retried;
  }

  /** Sends one batch, splitting it when the collector asks; false when the run should stop. */
  private boolean sendBatch(UploadQueue queue, List<DueMeasurement> batch, Counts counts) {
    Deque<List<DueMeasurement>> work = new ArrayDeque<>();
    work.push(batch);
    while (!work.isEmpty()) {
      List<DueMeasurement> part = work.pop();
      if (part.size() == 1 && part.get(0).bytes() > maxBodyBytes) {
        // Only a measurement larger than the body limit can make a body over it: measure its gzip size first
        // (streamed, nothing kept), and refuse it here rather than send what the collector must refuse.
        long gzipped = BatchBody.gzipSize(queue, part.get(0), this::sign);
        if (gzipped > maxBodyBytes) {
          reject(queue, part.get(0), "the measurement is " + gzipped + " bytes gzip, over the upload limit of "
              + maxBodyBytes, counts);
          continue;
        }
      }
      BatchBody body = new BatchBody(queue, part, this::sign);
      CollectorClient.Answer answer = http.post(body);
      for (Map.Entry<String, String> bad : body.unsendable().entrySet()) {
        queue.markRejected(bad.getKey(), bad.getValue(), clock.instant());
        counts.rejected++;
      }
      List<DueMeasurement> sent = part.stream().filter(d -> body.sent().contains(d.uid())).toList();
      if (answer.kind() == CollectorClient.Kind.TRANSIENT) {
        // Nothing of this part is known to be stored; what was not written yet is marked too: it waits as long.
        List<DueMeasurement> unsent = part.stream().filter(d -> !body.unsendable().containsKey(d.uid())
            && !body.gone().contains(d.uid())).toList();
        retry(queue, unsent, answer.detail(), counts);
        return false;
      }
      if (sent.isEmpty()) {
        continue;
      }
      switch (answer.kind()) {
        case RESULTS -> record(queue, sent, answer.results(), counts);
        case BAD_BATCH -> {
          if (!split(sent, work)) {
            reject(queue, sent.get(0), "collector answered " + answer.detail(), counts);
          }
        }
        default -> throw new IllegalStateException(answer.kind().name());
      }
    }
    return true;
  }

  private static boolean split(List<DueMeasurement> part, Deque<List<DueMeasurement>> work) {
    if (part.size() < 2) {
      return false;
    }
    int half = part.size() / 2;
    work.push(part.subList(half, part.size()));
    work.push(part.subList(0, half));
    return true;
  }

  private void record(UploadQueue queue, List<DueMeasurement> part, List<ItemResult> results, Counts counts) {
    Map<String, ItemResult> byUid = new HashMap<>();
    for (ItemResult r : results) {
      if (r.uid() != null) {
        byUid.putIfAbsent(r.uid(), r);
      }
    }
    Instant now = clock.instant();
    List<String> uploaded = new ArrayList<>();
    List<DueMeasurement> unanswered = new ArrayList<>();
    for (DueMeasurement s : part) {
      ItemResult r = byUid.get(s.uid());
      if (r == null) {
        unanswered.add(s);
        continue;
      }
      switch (r.status()) {
        case ACCEPTED -> {
          uploaded.add(s.uid());
          counts.uploaded++;
        }
        case DUPLICATE -> {
          uploaded.add(s.uid());
          counts.duplicate++;
        }
        case REJECTED -> reject(queue, s, "collector rejected it: " + r.reason(), counts);
      }
    }
    if (!uploaded.isEmpty()) {
      queue.markUploaded(uploaded, now);
    }
    if (!unanswered.isEmpty()) {
      retry(queue, unanswered, "the collector's answer did not mention this measurement", counts);
    }
  }

  private void reject(UploadQueue queue, DueMeasurement s, String reason, Counts counts) {
    queue.markRejected(s.uid(), reason, clock.instant());
    counts.rejected++;
  }

  private void retry(UploadQueue queue, List<DueMeasurement> part, String error, Counts counts) {
    if (part.isEmpty()) {
      return;
    }
    int attempts = part.stream().mapToInt(DueMeasurement::attempts).max().orElse(0);
    queue.markRetry(part.stream().map(DueMeasurement::uid).toList(), error, clock.instant().plus(backoff(attempts)));
    counts.retried += part.size();
  }

  /**
   * The wait after the {@code attempts}+1-th failure: base × 2^attempts, capped, then "equal jitter" (between
   * half and all of it) so probes that lost the collector together do not come back together.
   */
  Duration backoff(int attempts) {
    long base = baseDelay.toMillis();
    long cap = maxDelay.toMillis();
    long delay = attempts >= 62 || base > (cap >> Math.min(attempts, 62)) ? cap : Math.min(cap, base << attempts);
    long half = delay / 2;
    // At least 1 ms: an item put off must not be due again at the same instant (the clock may not move).
    return Duration.ofMillis(Math.max(1, half + (long) (random.nextDouble() * (delay - half))));
  }

  /** The signed upload item of a stored measurement; IllegalArgumentException when it cannot be sent. */
  private UploadItem sign(String uid, String measurementJson) {
    JsonNode m;
    try {
      m = UploadProtocol.mapper().readTree(measurementJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the stored measurement is not valid JSON (" + e.getOriginalMessage()
          + ")");
    }
    if (m == null || !m.isObject()) {
      throw new IllegalArgumentException("the stored measurement is not a JSON object");
    }
    if (!uid.equals(m.path("measurement_uid").asText(null))) {
      throw new IllegalArgumentException("the stored measurement's measurement_uid is not its queue UID " + uid);
    }
    return new UploadItem(m, key.sign(m));
  }

  /** Settings of an {@link Uploader}; every one has a default fit for a volunteer's probe. */
  public static final class Builder {
    private final URI collector;
    private final ProbeKey key;
    private TrustRoots trustRoots = TrustRoots.bundled();
    private int batchSize = DEFAULT_BATCH_SIZE;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private long batchBytes = DEFAULT_BATCH_BYTES;
    private Duration baseDelay = DEFAULT_BASE_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private Duration timeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = RandomGenerator.getDefault();

    private Builder(URI collector, ProbeKey key) {
      this.collector = CollectorUrl.check(collector);
      this.key = Objects.requireNonNull(key, "key");
    }

    /** The roots the collector's certificate must chain to. Default: kuzet's bundled roots. */
    public Builder trustRoots(TrustRoots roots) {
      this.trustRoots = Objects.requireNonNull(roots, "roots");
      return this;
    }

    /** The bundled roots plus the certificates in these PEM files (a collector with a private CA; tests). */
    public Builder extraRoots(List<Path> pemFiles) throws IOException {
      this.trustRoots = TrustRoots.bundled().plusPemFiles(pemFiles);
      return this;
    }

    /** Measurements per request (default {@value #DEFAULT_BATCH_SIZE}). */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /**
     * Most measurement JSON per request (default {@value #DEFAULT_BATCH_BYTES} bytes, and never over half the body
     * limit); a larger measurement is sent alone.
     */
    public Builder batchBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("the batch budget must be at least 1 byte, got " + bytes);
      }
      this.batchBytes = bytes;
      return this;
    }

    /** Largest gzip body to send; a measurement over it alone is rejected. Match the collector's {@code --max-body}. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("the body limit must be at least 1024 bytes, got " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Wait after the first failure (doubled per further failure) and the most it grows to. */
    public Builder backoff(Duration base, Duration max) {
      if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
        throw new IllegalArgumentException("backoff needs 0 < base <= max, got " + base + " and " + max);
      }
      this.baseDelay = base;
      this.maxDelay = max;
      return this;
    }

    /** Connect, read and write timeout of one request. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The clock of "due", of marks and of the next attempt. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The randomness of the backoff jitter. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public Uploader build() {
      return new Uploader(this);
    }
  }
}
