package org.kuzet.core.connectivity;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.Endpoints;

/**
 * One independent thing to reach when deciding whether the network is up. Anchors are addressed by IP literal,
 * never by name: a connectivity check must not depend on the DNS it is trying to judge.
 *
 * <p>Written as {@code KIND IP[:PORT] [NAME]}:
 * <ul>
 *   <li>{@code dns 1.1.1.1 example.com}: a UDP query for NAME's A record (default {@code example.com}, port 53);
 *       it works when the resolver answers NOERROR with an address;</li>
 *   <li>{@code tcp 8.8.8.8:443}: a TCP connect (default port 443); it works when the connect completes;</li>
 *   <li>{@code tls 1.1.1.1:443 one.one.one.one}: a TCP connect then a TLS handshake with SNI = NAME (required),
 *       which works only when the chain is valid for NAME under kuzet's own roots. An intercepting middlebox
 *       therefore does not count as "reaching" a foreign anchor.</li>
 * </ul>
 *
 * @param name the query name (dns), the server name (tls), or null (tcp)
 */
public record Anchor(Kind kind, InetSocketAddress address, String name) {
  public static final String DEFAULT_DNS_NAME = "example.com";

  public enum Kind {
    DNS(53), TCP(443), TLS(443);

    final int defaultPort;

    Kind(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Anchor {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("an anchor's address must be an IP literal: " + address);
    }
    if (kind == Kind.TCP && name != null) {
      throw new IllegalArgumentException("a tcp anchor takes no name: " + address);
    }
    if (kind != Kind.TCP && (name == null || name.isBlank())) {
      throw new IllegalArgumentException("a " + kind.wire() + " anchor needs a name");
    }
  }

  public static Anchor dns(InetSocketAddress resolver, String queryName) {
    return new Anchor(Kind.DNS, resolver, queryName);
  }

  public static Anchor tcp(InetSocketAddress endpoint) {
    return new Anchor(Kind.TCP, endpoint, null);
  }

  public static Anchor tls(InetSocketAddress endpoint, String serverName) {
    return new Anchor(Kind.TLS, endpoint, serverName);
  }

  /**
   * Parses {@code KIND IP[:PORT] [NAME]}; throws IllegalArgumentException saying what is wrong and what a
   * valid anchor looks like.
   */
  public static Anchor parse(String text) {
    String[] parts = text.trim().split("\\s+");
    String example = " (write e.g. 'dns 1.1.1.1 example.com', 'tcp 8.8.8.8:443' or 'tls 1.1.1.1:443 one.one.one.one')";
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
      throw new IllegalArgumentException("'" + text.trim() + "' is not an anchor" + example);
    }
    Kind kind;
    try {
      kind = Kind.valueOf(parts[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown anchor kind '" + parts[0] + "' in '" + text.trim() + "'" + example);
    }
    InetSocketAddress address;
    try {
      address = IpLiterals.parseEndpoint(parts[1], kind.defaultPort);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " in anchor '" + text.trim() + "'" + example);
    }
    String name = parts.length == 3 ? parts[2] : null;
    if (kind == Kind.DNS && name == null) {
      name = DEFAULT_DNS_NAME;
    }
    if (kind == Kind.TLS && name == null) {
      throw new IllegalArgumentException("tls anchor '" + text.trim() + "' needs a server name after the address"
          + example);
    }
    if (kind == Kind.TCP && name != null) {
      throw new IllegalArgumentException("tcp anchor '" + text.trim() + "' takes no name" + example);
    }
    return new Anchor(kind, address, name);
  }

  /** The endpoint as "ip:port". */
  public String endpoint() {
    return Endpoints.format(org.kuzet.core.net.IpLiterals.text(address.getAddress()), address.getPort());
  }

  /** The text {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind.wire() + " " + endpoint() + (name == null ? "" : " " + name);
  }
}
