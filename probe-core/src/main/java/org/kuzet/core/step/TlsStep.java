package org.kuzet.core.step;

import java.io.IOException;
import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.kuzet.core.ProbeEventListener;
import org.kuzet.core.classify.FailureClassifier;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.core.tls.RecordingTrustManager;
import org.kuzet.core.tls.TlsContexts;
import org.kuzet.core.tls.TrustRoots;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.Failures;
import org.kuzet.schema.NetworkEvent;
import org.kuzet.schema.TlsHandshake;

/**
 * A TLS handshake over an already connected socket, with SNI = the URL's host, recorded with protocol, cipher,
 * ALPN and the chain as the server sent it. The handshake completes even when the chain is not trusted, so an
 * injected certificate is captured; the failure then says why kuzet's own roots reject it.
 */
public final class TlsStep {
  private static final String[] ALPN = {"h2", "http/1.1"};

  private final Duration timeout;
  private final TrustRoots roots;
  private final StepClock clock;
  private final ProbeEventListener listener;
  private final NetworkEventLog events;

  public TlsStep(Duration timeout, TrustRoots roots, StepClock clock, ProbeEventListener listener) {
    this(timeout, roots, clock, listener, NetworkEventLog.discarding());
  }

  /** A step that also records df-008 {@code tls_handshake_start}/{@code tls_handshake_done} events in {@code events}. */
  public TlsStep(Duration timeout, TrustRoots roots, StepClock clock, ProbeEventListener listener,
      NetworkEventLog events) {
    this.timeout = timeout;
    this.roots = roots;
    this.clock = clock;
    this.listener = listener;
    this.events = events;
  }

  public TlsHandshake handshake(Socket tcp, String serverName) {
    String ip = IpLiterals.text(tcp.getInetAddress());
    String endpoint = Endpoints.format(ip, tcp.getPort());
    listener.tlsStart(endpoint, serverName);
    double t0 = clock.now();
    events.add(NetworkEvent.of("tls_handshake_start", endpoint, "tcp", null, null, t0, t0));
    RecordingTrustManager recorder = new RecordingTrustManager(roots.trustManager(), RecordingTrustManager.Mode.RECORD);
    SSLSocket ssl = null;
    try (Watchdog dog = Watchdog.start(tcp, timeout)) {
      try {
        tcp.setSoTimeout((int) timeout.toMillis());
        ssl = (SSLSocket) TlsContexts.with(recorder).getSocketFactory()
            .createSocket(tcp, serverName, tcp.getPort(), true);
        SSLParameters params = ssl.getSSLParameters();
        if (!IpLiterals.isLiteral(serverName)) {
          params.setServerNames(List.of(new SNIHostName(serverName)));
        }
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the JDK then checks the name against the chain
        params.setApplicationProtocols(ALPN);
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        SSLSession session = ssl.getSession();
        String failure = recorder.validationError() == null ? null : FailureClassifier.classify(
            recorder.validationError());
        return end(new TlsHandshake(endpoint, serverName, session.getProtocol(), session.getCipherSuite(),
            ssl.getApplicationProtocol(), false, encode(recorder.chain()), failure, t0, clock.now()));
      } catch (IOException e) {
        String failure = dog.fired() ? Failures.GENERIC_TIMEOUT : FailureClassifier.classify(e);
        return end(new TlsHandshake(endpoint, serverName, null, null, null, false, encode(recorder.chain()),
            failure, t0, clock.now()));
      }
    } finally {
      TcpStep.closeQuietly(ssl != null ? ssl : tcp);
    }
  }

  private TlsHandshake end(TlsHandshake hs) {
    // df-008's tls_handshake_done carries the handshake's own failure; a chain kuzet's roots reject still completed.
    String failure = hs.tlsVersion() == null ? hs.failure() : null;
    events.add(NetworkEvent.of("tls_handshake_done", hs.address(), "tcp", null, failure, hs.t0(), hs.t()));
    listener.tlsEnd(hs);
    return hs;
  }

  /** The chain as OONI records it: base64 DER, leaf first. */
  public static List<TlsHandshake.PeerCertificate> encode(List<X509Certificate> chain) {
    List<TlsHandshake.PeerCertificate> out = new ArrayList<>();
    for (X509Certificate c : chain) {
      try {
        out.add(TlsHandshake.PeerCertificate.ofDer(c.getEncoded()));
      } catch (CertificateEncodingException e) {
        // A certificate the JDK parsed can always be re-encoded; keep going rather than lose the rest.
      }
    }
    return out;
  }
}
