package org.kuzet.agent.upload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.upload.ItemResult;
import org.kuzet.schema.upload.UploadProtocol;

/**
 * The HTTP side of the {@link Uploader}: one POST of a batch body to the collector, its answer read up to a bound and
 * sorted into per-item results, a batch the collector refuses as a whole, or a transient failure (with the reason in
 * words). No retries and no redirects here: the uploader retries by itself, with backoff.
 */
final class CollectorClient implements AutoCloseable {
  /** Largest collector answer read (one short line per measurement of a batch). */
  static final long MAX_ANSWER_BYTES = 1L << 20;
  static final String USER_AGENT = "kuzet";

  private final URI collector;
  private final OkHttpClient http;

  CollectorClient(URI collector, TrustRoots roots, Duration timeout) {
    this.collector = collector;
    this.http = client(roots, timeout);
  }

  /** Closes idle pooled connections; the client stays usable (it reconnects). */
  @Override
  public void close() {
    http.connectionPool().evictAll();
  }

  enum Kind { RESULTS, BAD_BATCH, TRANSIENT }

  record Answer(Kind kind, List<ItemResult> results, String detail) {}

  Answer post(RequestBody body) {
    Request request = new Request.Builder()
        .url(collector.toString())
        .header("User-Agent", USER_AGENT)
        .header("Content-Encoding", UploadProtocol.CONTENT_ENCODING)
        .post(body)
        .build();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody rb = response.body();
      byte[] bytes = rb == null ? new byte[0] : readAnswer(rb);
      int code = response.code();
      if (code == 200) {
        try {
          return new Answer(Kind.RESULTS, UploadProtocol.parseResponse(bytes).results(), null);
        } catch (IllegalArgumentException e) {
          return new Answer(Kind.TRANSIENT, null, "the collector's answer is not an upload answer ("
              + e.getMessage() + ")");
        }
      }
      String detail = code + describe(bytes, response);
      if (code == 400 && UploadProtocol.errorOf(bytes) == null) {
        // Every item of the batch was refused (bad signature, conflict …): the body still holds a reason each.
        try {
          return new Answer(Kind.RESULTS, UploadProtocol.parseResponse(bytes).results(), null);
        } catch (IllegalArgumentException e) {
          return new Answer(Kind.BAD_BATCH, null, detail);
        }
      }
      if (code == 400 || code == 413) {
        return new Answer(Kind.BAD_BATCH, null, detail);
      }
      return new Answer(Kind.TRANSIENT, null, "collector answered " + detail);
    } catch (InterruptedIOException e) {
      return new Answer(Kind.TRANSIENT, null, "collector did not answer in time (" + e.getMessage() + ")");
    } catch (IOException e) {
      return new Answer(Kind.TRANSIENT, null, "cannot reach the collector (" + reason(e) + ")");
    }
  }

  /** The collector's answer, read up to a bound: a per-item answer is small, and a hostile one must not fill the heap. */
  private static byte[] readAnswer(ResponseBody body) throws IOException {
    okio.BufferedSource source = body.source();
    source.request(MAX_ANSWER_BYTES + 1);
    if (source.getBuffer().size() > MAX_ANSWER_BYTES) {
      throw new IOException("the collector's answer is over " + MAX_ANSWER_BYTES + " bytes");
    }
    return source.readByteArray();
  }

  private static String describe(byte[] body, Response response) {
    String error = UploadProtocol.errorOf(body);
    if (response.isRedirect()) {
      return " redirecting to " + response.header("Location") + "; give the collector's final URL";
    }
    return error == null ? " " + response.message() : ": " + error;
  }

  private static OkHttpClient client(TrustRoots roots, Duration timeout) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {roots.trustManager()}, null);
      return new OkHttpClient.Builder()
          .sslSocketFactory(ctx.getSocketFactory(), roots.trustManager())
          // The uploader retries by itself, with backoff; a redirect could carry the measurements elsewhere.
          .retryOnConnectionFailure(false)
          .followRedirects(false)
          .followSslRedirects(false)
          .connectTimeout(timeout)
          .readTimeout(timeout)
          .writeTimeout(timeout)
          .callTimeout(timeout.multipliedBy(4))
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot create a TLS context", e);
    }
  }

  /** Why a connection failed, in words (the JDK's message; for a failed name lookup it is only the name). */
  private static String reason(IOException e) {
    if (e instanceof java.net.UnknownHostException) {
      return "its name does not resolve: " + e.getMessage();
    }
    return e.getMessage() == null || e.getMessage().isBlank() ? FailureClassifier.classify(e) : e.getMessage();
  }
}
