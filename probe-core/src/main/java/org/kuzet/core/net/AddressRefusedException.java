package org.kuzet.core.net;

import java.net.ConnectException;
import java.net.InetAddress;
import org.kuzet.schema.Failures;

/**
 * A connection the probe refused to make because the {@link AddressPolicy} calls its address non-public (or the
 * host's numeric spelling is invalid or ambiguous). It is data, not an error: {@link #failure()} is the
 * {@code unknown_failure: address_refused: …} string recorded in the measurement.
 */
public final class AddressRefusedException extends ConnectException {
  private final String failure;

  public AddressRefusedException(String detail) {
    super("address refused: " + detail);
    this.failure = Failures.unknown("address_refused: " + detail);
  }

  /** For {@code address}, written {@code host} in the URL (the same text when it was written plainly). */
  public static AddressRefusedException nonPublic(InetAddress address, String host) {
    String a = address.getHostAddress();
    return new AddressRefusedException(a + (host == null || host.equals(a) ? "" : " (written " + host + ")")
        + " is not a public address; not connected to");
  }

  public String failure() {
    return failure;
  }
}
