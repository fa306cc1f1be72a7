package org.kuzet.backend.helper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;
import org.kuzet.core.net.Bogons;

/**
 * Sockets that refuse to connect to loopback, private and other bogon addresses. The check sits at connect time,
 * below OkHttp, so it also covers IP-literal URLs (which OkHttp never passes to its {@code Dns}) and every
 * redirect hop: a public helper cannot be made to fetch from the operator's own network.
 */
final class PrivateAddressGuard extends SocketFactory {
  static final PrivateAddressGuard INSTANCE = new PrivateAddressGuard();

  /** Thrown instead of connecting; found in a failure's causes to report {@code dns_bogon_error}. */
  static final class Refused extends ConnectException {
    Refused(InetAddress address) {
      super("refusing to connect to a non-public address (helper started without --allow-private)");
    }
  }

  static boolean refusedIn(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Refused) {
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

  @Override
  public Socket createSocket() {
    return new GuardedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private static Socket connected(InetSocketAddress endpoint) throws IOException {
    Socket s = new GuardedSocket();
    s.connect(endpoint);
    return s;
  }

  private static final class GuardedSocket extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (endpoint instanceof InetSocketAddress isa && (isa.getAddress() == null || Bogons.isBogon(isa.getAddress()))) {
        throw new Refused(isa.getAddress());
      }
      super.connect(endpoint, timeout);
    }
  }
}
