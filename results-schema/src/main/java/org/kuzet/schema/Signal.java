package org.kuzet.schema;

import com.fasterxml.jackson.annotation.JsonValue;

/** The closed set of {@code x_signals}: each names one piece of evidence for the verdict (DESIGN.md). */
public enum Signal {
  DNS_NXDOMAIN("dns.nxdomain"),
  DNS_SERVFAIL("dns.servfail"),
  DNS_NO_ANSWER("dns.no_answer"),
  DNS_BOGON("dns.bogon"),
  DNS_INCONSISTENT("dns.inconsistent"),
  DNS_INJECTED("dns.injected"),
  TCP_TIMEOUT("tcp.timeout"),
  TCP_REFUSED("tcp.refused"),
  TCP_RESET("tcp.reset"),
  TLS_TIMEOUT("tls.timeout"),
  TLS_RESET("tls.reset"),
  TLS_EOF("tls.eof"),
  TLS_INTERCEPTION("tls.interception"),
  TLS_KNOWN_INTERCEPTION_ROOT("tls.known_interception_root"),
  HTTP_451("http.451"),
  HTTP_BLOCKPAGE("http.blockpage"),
  HTTP_DIFF("http.diff"),
  HTTP_TIMEOUT("http.timeout"),
  HTTP_RESET("http.reset"),
  HTTP_EOF("http.eof"),
  THROTTLED("throttled");

  private final String wire;

  Signal(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
