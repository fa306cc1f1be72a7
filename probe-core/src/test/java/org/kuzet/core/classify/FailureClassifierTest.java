package org.kuzet.core.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kuzet.schema.Failures;

/** The classification table: exceptions as OpenJDK 17–25 and OkHttp 5 throw them → df-007 strings. */
class FailureClassifierTest {

  static Stream<Arguments> table() {
    return Stream.of(
        row("connect timeout", new SocketTimeoutException("Connect timed out"), Failures.GENERIC_TIMEOUT),
        row("read timeout", new SocketTimeoutException("Read timed out"), Failures.GENERIC_TIMEOUT),
        row("okhttp call timeout", new InterruptedIOException("timeout"), Failures.GENERIC_TIMEOUT),
        row("kuzet deadline", new FailureClassifier.DeadlineExceeded("TLS handshake"), Failures.GENERIC_TIMEOUT),
        row("windows connect timeout", new ConnectException("Connection timed out: connect"),
            Failures.GENERIC_TIMEOUT),
        row("refused", new ConnectException("Connection refused"), Failures.CONNECTION_REFUSED),
        row("udp port unreachable", new PortUnreachableException("ICMP Port Unreachable"),
            Failures.CONNECTION_REFUSED),
        row("reset", new SocketException("Connection reset"), Failures.CONNECTION_RESET),
        row("reset by peer", new SocketException("Connection reset by peer"), Failures.CONNECTION_RESET),
        row("reset during handshake", new SSLHandshakeException("Connection reset"), Failures.CONNECTION_RESET),
        row("reset wrapped in SSLException", new SSLException("Read error",
            new SocketException("Connection reset")), Failures.CONNECTION_RESET),
        row("broken pipe", new SocketException("Broken pipe"), Failures.CONNECTION_RESET),
        row("no route", new NoRouteToHostException("No route to host"), Failures.HOST_UNREACHABLE),
        row("host unreachable", new SocketException("Host is unreachable"), Failures.HOST_UNREACHABLE),
        row("network unreachable", new SocketException("Network is unreachable"), Failures.NETWORK_UNREACHABLE),
        row("connect network unreachable", new ConnectException("Network is unreachable (connect failed)"),
            Failures.NETWORK_UNREACHABLE),
        row("abort", new SocketException("Software caused connection abort: recv failed"),
            Failures.CONNECTION_ABORTED),
        row("eof", new EOFException(), Failures.EOF),
        row("okhttp http/2 header limit", new IOException("header byte count limit of 262144 exceeded"),
            Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE),
        row("eof during handshake", caused(new SSLHandshakeException("Remote host terminated the handshake"),
            new EOFException("SSL peer shut down incorrectly")), Failures.EOF),
        row("jdk 11 wording", new SSLHandshakeException("Remote host closed connection during handshake"),
            Failures.EOF),
        row("okhttp unexpected end", new IOException("unexpected end of stream on http://a.example/..."),
            Failures.EOF),
        row("okhttp empty status line", new IOException("wrapped", new EOFException("\n not found: limit=0")),
            Failures.EOF),
        row("unknown authority", new SSLHandshakeException("PKIX path building failed: "
            + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path "
            + "to requested target"), Failures.SSL_UNKNOWN_AUTHORITY),
        row("unknown authority from trust manager", new CertificateException("No trust anchor"),
            Failures.SSL_UNKNOWN_AUTHORITY),
        row("look-alike root signed by another key", new SSLHandshakeException("PKIX path validation failed: "
            + "java.security.cert.CertPathValidatorException: signature check failed"), Failures.SSL_UNKNOWN_AUTHORITY),
        row("expired leaf", caused(new SSLHandshakeException("PKIX path validation failed"),
            new CertPathValidatorException("validity check failed", new CertificateExpiredException(
                "NotAfter: Mon Jan 01 00:00:00 UTC 2024"))), Failures.SSL_INVALID_CERTIFICATE),
        row("expired by reason", new CertPathValidatorException("validity check failed", null, null, -1,
            CertPathValidatorException.BasicReason.EXPIRED), Failures.SSL_INVALID_CERTIFICATE),
        row("wrong host (JDK)", new CertificateException("No subject alternative DNS name matching "
            + "holanews.kz found."), Failures.SSL_INVALID_HOSTNAME),
        row("wrong host (OkHttp)", new SSLPeerUnverifiedException("Hostname holanews.kz not verified:\n"
            + "    certificate: sha256/...\n"), Failures.SSL_INVALID_HOSTNAME),
        row("wrong IP (JDK)", new CertificateException("No subject alternative names matching IP address "
            + "10.0.0.1 found"), Failures.SSL_INVALID_HOSTNAME),
        row("handshake alert", new SSLHandshakeException("Received fatal alert: handshake_failure"),
            Failures.SSL_FAILED_HANDSHAKE),
        row("plain text where TLS was expected", new SSLException("Unsupported or unrecognized SSL message"),
            Failures.SSL_FAILED_HANDSHAKE),
        row("getaddrinfo fallback", new UnknownHostException("holanews.kz: Name or service not known"),
            Failures.DNS_NXDOMAIN));
  }

  /** Java 17's SSLHandshakeException has no (message, cause) constructor. */
  private static Throwable caused(Throwable outer, Throwable cause) {
    return outer.initCause(cause);
  }

  private static Arguments row(String name, Throwable error, String expected) {
    return Arguments.of(name, error, expected);
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("table")
  void classifies(String name, Throwable error, String expected) {
    assertEquals(expected, FailureClassifier.classify(error));
  }

  @Test
  void unknownExceptionsBecomeUnknownFailureWithoutAddresses() {
    String failure = FailureClassifier.classify(new IllegalStateException(
        "weird thing from 10.1.2.3:443 via [2001:db8::1]:443"));
    assertTrue(failure.startsWith(Failures.UNKNOWN_PREFIX), failure);
    assertTrue(failure.contains("IllegalStateException"), failure);
    assertFalse(failure.contains("10.1.2.3"), failure);
    assertFalse(failure.contains("2001:db8"), failure);
    assertTrue(Failures.isValid(failure));
  }

  @Test
  void anHttp1EndOfStreamPastTheHeaderLimitIsHeadersTooLargeNotEof() {
    EOFException okio = new EOFException("\\n not found: limit=262100 content=68686868…");
    assertEquals(Failures.HTTP_RESPONSE_HEADERS_TOO_LARGE,
        FailureClassifier.classifyHttp(okio, false, FailureClassifier.RESPONSE_HEADER_LIMIT + 44));
    assertEquals(Failures.EOF, FailureClassifier.classifyHttp(okio, false, 900), "cut within the headers");
    assertEquals(Failures.EOF, FailureClassifier.classifyHttp(okio, true, 10_000_000), "cut within the body");
    assertEquals(Failures.EOF, FailureClassifier.classifyHttp(okio, false, -1), "not counted");
    assertEquals(Failures.CONNECTION_RESET, FailureClassifier.classifyHttp(new SocketException("Connection reset"),
        false, 10_000_000), "only an end of stream is reinterpreted");
  }

  @Test
  void nullIsAnUnknownFailureNotACrash() {
    assertTrue(FailureClassifier.classify(null).startsWith(Failures.UNKNOWN_PREFIX));
  }

  @Test
  void everyTableResultIsInTheVocabulary() {
    table().forEach(a -> assertTrue(Failures.isValid((String) a.get()[2])));
  }
}
