package org.kuzet.core.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Records the chain exactly as the server sent it, then validates it against kuzet's own roots.
 *
 * <p>In {@link Mode#RECORD} the handshake always proceeds and the validation outcome is kept for the
 * measurement: an injected certificate is the evidence, so the probe must see the whole handshake and chain
 * rather than abort at the first untrusted certificate. In {@link Mode#ENFORCE} (DoH, HTTP) an invalid chain
 * aborts the handshake as a normal client would, but the chain is still recorded.
 *
 * <p>One instance serves one handshake; it is not shared.
 */
public final class RecordingTrustManager extends X509ExtendedTrustManager {
  public enum Mode { RECORD, ENFORCE }

  private final X509ExtendedTrustManager validator;
  private final Mode mode;
  private volatile List<X509Certificate> chain = List.of();
  private volatile CertificateException validationError;

  public RecordingTrustManager(X509ExtendedTrustManager validator, Mode mode) {
    this.validator = validator;
    this.mode = mode;
  }

  /** The chain the server sent, leaf first; empty if the handshake never got that far. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** Why the chain does not validate (unknown authority, expired, wrong host), or null if it does. */
  public CertificateException validationError() {
    return validationError;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
    chain = List.of(certs);
    // The socket carries the SNI name and endpoint identification ("HTTPS"), so the JDK also checks the name.
    check(() -> validator.checkServerTrusted(certs, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
      throws CertificateException {
    chain = List.of(certs);
    check(() -> validator.checkServerTrusted(certs, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
    chain = List.of(certs);
    check(() -> validator.checkServerTrusted(certs, authType));
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private void check(Check check) throws CertificateException {
    try {
      check.run();
    } catch (CertificateException e) {
      validationError = e;
      if (mode == Mode.ENFORCE) {
        throw e;
      }
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("kuzet is a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("kuzet is a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
    throw new CertificateException("kuzet is a client only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return validator.getAcceptedIssuers();
  }
}
