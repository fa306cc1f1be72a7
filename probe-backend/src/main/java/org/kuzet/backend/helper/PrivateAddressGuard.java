package org.kuzet.backend.helper;

import javax.net.SocketFactory;
import org.kuzet.core.net.AddressPolicy;
import org.kuzet.core.net.AddressRefusedException;
import org.kuzet.core.net.PolicySocketFactory;

/**
 * The helper's sockets refuse loopback, private and other bogon addresses: the probe's {@link PolicySocketFactory}
 * with the standard policy. The check sits at connect time, below OkHttp, so it also covers IP-literal URLs (which
 * OkHttp never passes to its {@code Dns}) and every redirect hop: a public helper cannot be made to fetch from the
 * operator's own network.
 */
final class PrivateAddressGuard {
  static final SocketFactory INSTANCE = new PolicySocketFactory(AddressPolicy.STANDARD);

  private PrivateAddressGuard() {}

  /** Whether {@code error} (or a cause or suppressed exception of it) is the guard's refusal. */
  static boolean refusedIn(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AddressRefusedException) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (refusedIn(s)) {
          return true;
        }
      }
    }
    return false;
  }
}
