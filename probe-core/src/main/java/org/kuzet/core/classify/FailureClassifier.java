package org.kuzet.core.classify;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.kuzet.core.net.AddressRefusedException;
import org.kuzet.schema.Failures;

/**
 * The only code in kuzet that reads raw exceptions. It maps what the JDK and OkHttp throw to OONI's df-007
 * failure strings, so that every other part of the probe (analysis, storage, reports) sees a closed vocabulary.
 *
 * <p>The JDK reports many socket errors only as message text (e.g. {@code SocketException("Connection reset")}),
 * so matching on messages is unavoidable; the messages are the ones OpenJDK 17–25 emits on Linux, macOS and
 * Windows. The whole cause chain is examined, most specific first. An exception nobody recognises becomes
 * {@code unknown_failure: <type>: <message>} with IP addresses removed (they would reveal the volunteer's
 * network in an upload).
 */
public final class FailureClassifier {
  private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
  private static final Pattern IPV6 = Pattern.compile("\\[?\\b[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\\b\\]?");

  private FailureClassifier() {}

  /** Classifies {@code error}; never returns null and never throws. */
  public static String classify(Throwable error) {
    if (error == null) {
      return Failures.unknown("null error");
    }
    // Certificate problems come wrapped (SSLHandshakeException → ValidatorException → CertPathValidatorException),
    // so look for the specific causes anywhere in the chain before deciding on generic handshake failure.
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
        return Failures.SSL_INVALID_CERTIFICATE;
      }
      if (t instanceof CertPathValidatorException cpve && isValidityReason(cpve)) {
        return Failures.SSL_INVALID_CERTIFICATE;
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      String failure = classifyOne(t);
      if (failure != null) {
        return failure;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Failures.unknown(scrub(error.getClass().getSimpleName() + ": " + error.getMessage()));
  }

  /**
   * OkHttp's limit on a response's status line and headers together (okhttp3.internal.http1.HeadersReader); past it
   * OkHttp throws the same {@link EOFException} as for a connection closed in the middle of the headers.
   */
  public static final long RESPONSE_HEADER_LIMIT = 256 * 1024;

  /**
   * Classifies the failure of an HTTP exchange. Over HTTP/2 OkHttp names the limit in its message; over HTTP/1.1
   * it does not: an end of stream before the headers were complete, after at least
   * {@link #RESPONSE_HEADER_LIMIT} bytes arrived, is the server sending headers too large to read (its fault, not
   * the network's): {@link Failures#HTTP_RESPONSE_HEADERS_TOO_LARGE}, not {@link Failures#EOF}. A connection cut
   * within the headers delivers less than the limit (handshake included, the bytes counted are below TLS).
   *
   * @param headersComplete the status line and headers were read
   * @param bytesReceived bytes the connection received from the network, or -1 when not counted
   */
  public static String classifyHttp(Throwable error, boolean headersComplete, long bytesReceived) {
    String failure = classify(error);
    if (Failures.EOF.equals(failure) && !headersComplete && bytesReceived >= RESPONSE_HEADER_LIMIT) {
      return Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE;
    }
    return failure;
  }

  private static boolean isValidityReason(CertPathValidatorException e) {
    return e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
        || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
  }

  private static String classifyOne(Throwable t) {
    if (t instanceof AddressRefusedException refused) {
      return refused.failure(); // the probe's own address policy, not the network: never "connection refused"
    }
    String msg = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException && msg.contains("timeout")
        || t instanceof ClosedByInterruptException || t instanceof DeadlineExceeded) {
      return Failures.GENERIC_TIMEOUT;
    }
    if (msg.contains("no subject alternative") || msg.contains("doesn't match any of the subject alternative")
        || msg.contains("no name matching") || msg.contains("hostname") && t instanceof SSLPeerUnverifiedException
        || msg.contains("hostname") && msg.contains("not verified")) {
      return Failures.SSL_INVALID_HOSTNAME;
    }
    if (msg.contains("unable to find valid certification path") || msg.contains("pkix path building failed")
        || msg.contains("no trust anchor") || msg.contains("path does not chain with any of the trust anchors")
        || msg.contains("trust anchor for certification path not found")
        // A chain naming a trusted root's subject but signed by another key (a forged look-alike root).
        || msg.contains("signature check failed")) {
      return Failures.SSL_UNKNOWN_AUTHORITY;
    }
    if (msg.contains("certificate expired") || msg.contains("validity check failed")
        || msg.contains("certificate not yet valid")) {
      return Failures.SSL_INVALID_CERTIFICATE;
    }
    if (msg.contains("connection reset") || msg.contains("broken pipe") && t instanceof SocketException) {
      return Failures.CONNECTION_RESET;
    }
    if (msg.contains("connection refused") || t instanceof PortUnreachableException) {
      return Failures.CONNECTION_REFUSED;
    }
    if (t instanceof NoRouteToHostException || msg.contains("no route to host") || msg.contains("host is unreachable")
        || msg.contains("host unreachable")) {
      return Failures.HOST_UNREACHABLE;
    }
    if (msg.contains("network is unreachable") || msg.contains("network unreachable")) {
      return Failures.NETWORK_UNREACHABLE;
    }
    if (msg.contains("connection aborted") || msg.contains("software caused connection abort")) {
      return Failures.CONNECTION_ABORTED;
    }
    if (msg.contains("header byte count limit")) {
      return Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE; // OkHttp's HTTP/2 (HPACK) limit, 256 KiB
    }
    if (t instanceof EOFException || msg.contains("remote host terminated the handshake")
        || msg.contains("remote host closed connection during handshake") || msg.contains("unexpected end of stream")
        || msg.contains("\n not found: limit=0") || msg.contains("end of stream")) {
      return Failures.EOF;
    }
    if (t instanceof UnknownHostException) {
      // Only the system getaddrinfo fallback throws this; kuzet's own DNS steps classify rcodes directly.
      return Failures.DNS_NXDOMAIN;
    }
    if (t instanceof ConnectException && msg.contains("timed out")) {
      return Failures.GENERIC_TIMEOUT;
    }
    if (msg.contains("unsupported or unrecognized ssl message")) {
      return Failures.SSL_FAILED_HANDSHAKE; // the peer does not speak TLS (e.g. a plain-HTTP blockpage server)
    }
    if (t instanceof SSLHandshakeException && t.getCause() == null
        || t instanceof SSLException && msg.contains("handshake")) {
      return Failures.SSL_FAILED_HANDSHAKE;
    }
    return null;
  }

  /** Removes IP addresses from free text so an unknown failure can be stored and uploaded safely. */
  static String scrub(String text) {
    String s = IPV4.matcher(text).replaceAll("[scrubbed]");
    return IPV6.matcher(s).replaceAll(m -> m.group().chars().filter(c -> c == ':').count() >= 2
        ? "[scrubbed]" : m.group());
  }

  /** Thrown by kuzet's own watchdogs when a step's deadline passes; always a timeout. */
  public static final class DeadlineExceeded extends java.io.IOException {
    public DeadlineExceeded(String what) {
      super(what + " did not finish before its deadline");
    }
  }
}
