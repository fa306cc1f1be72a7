package org.kuzet.core.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * Sockets that apply an {@link AddressPolicy} at connect time: a connection to an address the policy calls a bogon
 * fails with {@link AddressRefusedException} before any packet is sent. It sits below OkHttp, so it holds for every
 * address an HTTP client decides to connect to (an IP-literal host, which OkHttp never passes to its {@code Dns},
 * in whatever spelling it accepted), not only for those the probe resolved and checked itself.
 */
public final class PolicySocketFactory extends SocketFactory {
  private final AddressPolicy policy;

  public PolicySocketFactory(AddressPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public Socket createSocket() {
    return new Guarded();
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

  private Socket connected(InetSocketAddress endpoint) throws IOException {
    Socket s = new Guarded();
    s.connect(endpoint);
    return s;
  }

  private final class Guarded extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (endpoint instanceof InetSocketAddress isa) {
        InetAddress a = isa.getAddress();
        if (a == null) {
          throw new AddressRefusedException("unresolved host " + isa.getHostString() + "; not connected to");
        }
        if (policy.isBogon(a)) {
          throw AddressRefusedException.nonPublic(a, null);
        }
      }
      super.connect(endpoint, timeout);
    }
  }
}
