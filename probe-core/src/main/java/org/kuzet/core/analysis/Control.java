package org.kuzet.core.analysis;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kuzet.core.net.IpLiterals;
import org.kuzet.schema.control.ControlResponse;
import org.kuzet.schema.control.ControlResponse.DnsResult;
import org.kuzet.schema.control.ControlResponse.HttpRequestResult;
import org.kuzet.schema.control.ControlResponse.IpInfo;
import org.kuzet.schema.control.ControlResponse.TcpConnectResult;
import org.kuzet.schema.control.ControlResponse.TlsHandshakeResult;

/**
 * The control's answer ({@link ControlResponse}, the one model of OONI's test-helper response) indexed for the
 * analysis: addresses and endpoints in one spelling, so "2001:DB8::1", "[2001:db8:0::1]" and the probe's records
 * meet, and the {@code x_} hashes in lower case. Missing parts are absent (null), as the response reads them.
 */
record Control(DnsResult dns, Map<String, TcpConnectResult> tcp, Map<String, TlsHandshakeResult> tls,
    HttpRequestResult http, Map<String, IpInfo> ipInfo) {

  /** The answer with its keys normalised. */
  static Control of(ControlResponse r) {
    DnsResult dns = null;
    if (r.dns() != null) {
      Set<String> addrs = new LinkedHashSet<>();
      r.dns().addrs().forEach(a -> addrs.add(normalizeIp(a)));
      dns = new DnsResult(r.dns().failure(), List.copyOf(addrs));
    }
    Map<String, TcpConnectResult> tcp = new LinkedHashMap<>();
    r.tcpConnect().forEach((k, v) -> {
      if (v != null) {
        tcp.put(normalizeEndpoint(k), v);
      }
    });
    Map<String, TlsHandshakeResult> tls = new LinkedHashMap<>();
    r.tlsHandshake().forEach((k, t) -> {
      if (t != null) {
        tls.put(normalizeEndpoint(k), new TlsHandshakeResult(t.serverName(), t.status(), t.failure(),
            lower(t.xLeafSpkiSha256()), t.xLeafIssuer(), t.xChainValid()));
      }
    });
    HttpRequestResult h = r.httpRequest();
    HttpRequestResult http = h == null ? null : new HttpRequestResult(h.bodyLength(), h.failure(), h.title(),
        h.headers(), h.statusCode(), lower(h.xBodySha256()), h.xFailure());
    Map<String, IpInfo> ipInfo = new LinkedHashMap<>();
    r.ipInfo().forEach((k, v) -> {
      if (v != null) {
        ipInfo.put(normalizeIp(k), v);
      }
    });
    return new Control(dns, tcp, tls, http, ipInfo);
  }

  /** The ASN the control reported for this address, or 0 when unknown. */
  long asn(String ip) {
    IpInfo info = ipInfo.get(normalizeIp(ip));
    return info == null ? 0 : info.asn();
  }

  /** The helper completed a valid TLS handshake for the measured domain on this address. */
  boolean validForDomain(String ip) {
    IpInfo info = ipInfo.get(normalizeIp(ip));
    return info != null && info.has(IpInfo.FLAG_VALID_FOR_DOMAIN);
  }

  boolean httpSucceeded() {
    return http != null && http.succeeded();
  }

  /** The control's resolver says the input name does not exist (NXDOMAIN). */
  boolean noSuchName() {
    return dns != null && dns.nxdomain();
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /** One spelling per address, so "2001:DB8::1", "[2001:db8:0::1]" and the probe's records compare equal. */
  static String normalizeIp(String ip) {
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    return IpLiterals.isLiteral(s) ? IpLiterals.text(IpLiterals.parse(s)) : s.toLowerCase(Locale.ROOT);
  }

  /** "ip:port" in {@link org.kuzet.schema.Endpoints} form with the address normalised. */
  static String normalizeEndpoint(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      return endpoint;
    }
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      return org.kuzet.schema.Endpoints.format(normalizeIp(endpoint.substring(0, colon)), port);
    } catch (NumberFormatException e) {
      return endpoint; // a helper's odd key: compared as sent, so it simply matches nothing
    }
  }
}
