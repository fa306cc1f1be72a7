package org.kuzet.core.tls;

import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** SSLContexts around a single-use {@link RecordingTrustManager}. */
public final class TlsContexts {
  private TlsContexts() {}

  public static SSLContext with(RecordingTrustManager trustManager) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustManager}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot create a TLS context", e);
    }
  }
}
