package org.kuzet.core.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * A programmable recursive resolver on a loopback address, answering over UDP and TCP (RFC 1035 two-byte length
 * framing) on the same port. Its answers come from a {@link DnsZone}; the programming methods here are shortcuts
 * to it. Starts listening in the constructor; {@link #close()} stops every thread.
 *
 * <pre>{@code
 * try (FakeDnsServer dns = new FakeDnsServer()) {
 *   dns.answer("example.kz", "127.0.1.7").inject("blocked.kz", "10.10.34.35").silent("slow.kz");
 *   probe.resolveVia(dns.address());
 * }
 * }</pre>
 */
public final class FakeDnsServer implements AutoCloseable {
  private static final int MAX_UDP = 65_535;
  private static final int BIND_ATTEMPTS = 20;

  private final DnsZone zone;
  private final QueryCounts counts = new QueryCounts();
  private final Workers workers;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final InetSocketAddress address;

  /** A resolver with an empty zone on the next free loopback address. */
  public FakeDnsServer() {
    this(LoopbackAddresses.next(), new DnsZone());
  }

  public FakeDnsServer(InetAddress address) {
    this(address, new DnsZone());
  }

  /** A resolver answering from {@code zone}, which may be shared with other fake resolvers. */
  public FakeDnsServer(InetAddress ip, DnsZone zone) {
    this.zone = zone;
    DatagramSocket u = null;
    ServerSocket t = null;
    // UDP and TCP must share a port number, and the kernel picks UDP's; the TCP port of that number is almost
    // always free on a fresh loopback address, but retry rather than flake if it is not.
    for (int attempt = 0; t == null; attempt++) {
      try {
        u = new DatagramSocket(new InetSocketAddress(ip, 0));
        t = new ServerSocket();
        t.setReuseAddress(true);
        t.bind(new InetSocketAddress(ip, u.getLocalPort()), 50);
      } catch (BindException e) {
        Workers.closeQuietly(u);
        Workers.closeQuietly(t);
        t = null;
        if (attempt + 1 == BIND_ATTEMPTS) {
          throw new UncheckedIOException("no port free for both UDP and TCP on " + ip.getHostAddress(), e);
        }
      } catch (IOException e) {
        Workers.closeQuietly(u);
        Workers.closeQuietly(t);
        throw new UncheckedIOException("cannot listen on " + ip.getHostAddress(), e);
      }
    }
    this.udp = u;
    this.tcp = t;
    this.address = new InetSocketAddress(ip, udp.getLocalPort());
    this.workers = new Workers("dns " + ip.getHostAddress() + ":" + udp.getLocalPort());
    workers.track(udp);
    workers.track(tcp);
    workers.start("udp", this::serveUdp);
    workers.start("tcp-accept", this::acceptTcp);
  }

  public DnsZone zone() {
    return zone;
  }

  public InetSocketAddress address() {
    return address;
  }

  public int port() {
    return address.getPort();
  }

  /** Queries received for {@code name} over UDP and TCP, answered or not. */
  public int queryCount(String name) {
    return counts.get(name);
  }

  public FakeDnsServer answer(String name, String... ips) {
    zone.answer(name, ips);
    return this;
  }

  public FakeDnsServer cname(String name, String target) {
    zone.cname(name, target);
    return this;
  }

  public FakeDnsServer nxdomain(String name) {
    zone.nxdomain(name);
    return this;
  }

  public FakeDnsServer servfail(String name) {
    zone.servfail(name);
    return this;
  }

  public FakeDnsServer refused(String name) {
    zone.refused(name);
    return this;
  }

  public FakeDnsServer noAnswer(String name) {
    zone.noAnswer(name);
    return this;
  }

  public FakeDnsServer silent(String name) {
    zone.silent(name);
    return this;
  }

  /** See {@link DnsZone#inject}: two UDP replies, the lie first. */
  public FakeDnsServer inject(String name, String... lieIps) {
    zone.inject(name, lieIps);
    return this;
  }

  /** See {@link DnsZone#stray}: replies for name also carry records of an unrelated name. */
  public FakeDnsServer stray(String name, String otherName, String... ips) {
    zone.stray(name, otherName, ips);
    return this;
  }

  public FakeDnsServer unknownNames(DnsZone.Behaviour behaviour) {
    zone.unknownNames(behaviour);
    return this;
  }

  public FakeDnsServer ttl(int seconds) {
    zone.ttl(seconds);
    return this;
  }

  private void serveUdp() {
    byte[] buf = new byte[MAX_UDP];
    while (!workers.closed()) {
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        return; // socket closed by close()
      }
      Message query = parse(Arrays.copyOf(buf, packet.getLength()));
      if (query == null) {
        continue; // garbage: a real resolver drops it too
      }
      counts.record(query);
      for (Message reply : zone.respond(query, DnsZone.Transport.UDP)) {
        byte[] wire = reply.toWire();
        try {
          udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
        } catch (IOException e) {
          return;
        }
      }
    }
  }

  private void acceptTcp() {
    while (!workers.closed()) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        return;
      }
      workers.track(socket);
      workers.start("tcp " + socket.getPort(), () -> serveTcp(socket));
    }
  }

  /** Answers length-framed queries until the client closes; silent names just get no bytes back. */
  private void serveTcp(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      while (true) {
        int length = in.readUnsignedShort();
        byte[] wire = in.readNBytes(length);
        if (wire.length < length) {
          return;
        }
        Message query = parse(wire);
        if (query == null) {
          return; // a TCP resolver drops the connection on garbage
        }
        counts.record(query);
        List<Message> replies = zone.respond(query, DnsZone.Transport.TCP);
        for (Message reply : replies) {
          byte[] answer = reply.toWire();
          out.writeShort(answer.length);
          out.write(answer);
        }
        out.flush();
      }
    } catch (EOFException e) {
      // client done
    } catch (IOException e) {
      // reset by the client, or closed by close()
    } finally {
      workers.untrack(socket);
    }
  }

  static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    workers.close();
  }

  @Override
  public String toString() {
    return "FakeDnsServer[" + address.getAddress().getHostAddress() + ":" + address.getPort() + "]";
  }
}
