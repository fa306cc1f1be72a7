package org.kuzet.core.messengers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.function.UnaryOperator;
import javax.net.SocketFactory;

/**
 * Where a connection to an endpoint really goes: the identity for volunteers; in tests, a map from the apps' real
 * addresses and ports (Telegram's data centres are literal IPs, services listen on 443) to loopback servers.
 */
@FunctionalInterface
public interface EndpointMap extends UnaryOperator<InetSocketAddress> {
  EndpointMap IDENTITY = a -> a;

  /** A socket factory whose sockets connect where this map says (for the HTTP client). */
  default SocketFactory socketFactory() {
    EndpointMap map = this;
    return new SocketFactory() {
      @Override
      public Socket createSocket() {
        return new Socket() {
          @Override
          public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(endpoint instanceof InetSocketAddress a ? map.apply(a) : endpoint, timeout);
          }
        };
      }

      @Override
      public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
      }

      @Override
      public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
          throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
      }
    };
  }
}
