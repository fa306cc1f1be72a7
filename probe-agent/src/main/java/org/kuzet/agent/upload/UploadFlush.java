package org.kuzet.agent.upload;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.schema.upload.ProbeKey;

/**
 * One hand-started flush of the results store's upload queue ({@code kuzet upload}, and {@code kuzet run --once}
 * after its run): the probe key beside the database, an {@link Uploader} to the collector, counts printed.
 */
public final class UploadFlush {
  private UploadFlush() {}

  /** A setting a person must fix (collector URL, probe key file, trust roots); the command line exits 2. */
  public static final class BadSetting extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadSetting(String message) {
      super(message);
    }
  }

  /** What a flush did: the uploader's counts, each rejection with its reason, and the last transient error. */
  public record Report(Uploader.Result result, List<String> rejections, String retryError, int requeued) {
    public boolean transientFailure() {
      return result.retried() > 0;
    }
  }

  /** The collector URL as given ({@code --collector} or the config), checked the way the uploader checks it. */
  public static URI collector(String url, String where) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new BadSetting(where + ": '" + url + "' is not a URL: " + e.getReason());
    }
    return uri;
  }

  /**
   * Sends every pending measurement now: a person asked, so a backoff left by an earlier failure is not waited out
   * (the service's background uploads keep it). {@code retryFailed} first puts rejected measurements back in the
   * queue.
   */
  public static Report flush(ResultsStore db, URI collector, String where, List<Path> trustRoots, boolean retryFailed) {
    ProbeKey key;
    Path keyFile = ProbeKeyFile.besideDatabase(db.file());
    try {
      key = ProbeKeyFile.loadOrCreate(keyFile);
    } catch (IOException e) {
      throw new BadSetting("probe key " + keyFile + ": " + e.getMessage());
    }
    Uploader.Builder builder;
    try {
      builder = Uploader.builder(collector, key);
    } catch (IllegalArgumentException e) {
      throw new BadSetting(where + ": " + e.getMessage());
    }
    try {
      builder.extraRoots(trustRoots);
    } catch (IOException e) {
      throw new BadSetting("--trust-roots: " + e.getMessage());
    }
    int requeued = 0;
    if (retryFailed) {
      requeued = db.uploadQueue().requeueRejected();
    }
    db.uploadQueue().makePendingDueNow();
    Recording queue = new Recording(db.uploadQueue());
    try (Uploader uploader = builder.build()) {
      Uploader.Result r = uploader.drain(queue);
      return new Report(r, queue.rejections, queue.retryError, requeued);
    }
  }

  /** The counts, one line, then a line per rejection and, after a transient failure, what happens next. */
  public static void print(PrintWriter out, Report report, URI collector) {
    print(out, report, collector, Messages.english());
  }

  /** As {@link #print(PrintWriter, Report, URI)}, in {@code m}'s language; the collector's own words stay. */
  public static void print(PrintWriter out, Report report, URI collector, Messages m) {
    Uploader.Result r = report.result();
    if (report.requeued() > 0) {
      out.println(m.get("upload.requeued", report.requeued()));
    }
    out.println(m.get("upload.summary", collector, r.uploaded(), r.duplicate(), r.rejected(), r.retried(),
        r.remaining()));
    for (String rejection : report.rejections()) {
      out.println("  " + m.get("upload.rejected", rejection));
    }
    if (report.transientFailure()) {
      out.println(m.get("upload.transient", report.retryError()));
    }
    out.flush();
  }

  /** The store as the uploader sees it, noting rejections and transient errors to report them. */
  private static final class Recording extends ForwardingUploadQueue {
    final List<String> rejections = new ArrayList<>();
    String retryError;

    Recording(UploadQueue inner) {
      super(inner);
    }

    @Override
    public void markRejected(String uid, String reason, Instant at) {
      super.markRejected(uid, reason, at);
      rejections.add(uid + ": " + reason);
    }

    @Override
    public void markRetry(Collection<String> uids, String error, Instant nextAttempt) {
      super.markRetry(uids, error, nextAttempt);
      retryError = error;
    }
  }
}
