package org.kuzet.schema;

/** "ip:port" as OONI writes it: IPv6 addresses in brackets. */
public final class Endpoints {
  private Endpoints() {}

  public static String format(String ip, int port) {
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
  }
}
