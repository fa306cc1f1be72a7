package org.kuzet.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STUN server (RFC 5389 binding) on a loopback address that reports whatever public address the test chose, e.g.
 * a documentation address such as 198.51.100.77 that stands for "this machine's public address" and is never
 * contacted. {@link Mode} picks how it answers: XOR-MAPPED-ADDRESS (today's servers), only the classic
 * MAPPED-ADDRESS (old servers), silence (a blocked or dead server), or a first datagram of garbage.
 *
 * <pre>{@code
 * try (StunResponder stun = new StunResponder(InetAddress.getByName("198.51.100.77"))) {
 *   new StunClient(List.of(stun.hostPort()), Duration.ofSeconds(5)).publicAddress();
 * }
 * }</pre>
 */
public final class StunResponder implements AutoCloseable {
  public enum Mode { XOR_MAPPED, MAPPED_ONLY, SILENT, GARBAGE_FIRST }

  private static final int MAGIC_COOKIE = 0x2112A442;

  private volatile InetAddress reported;
  private final Mode mode;
  private final DatagramSocket socket;
  private final Workers workers;
  private final AtomicInteger requests = new AtomicInteger();

  public StunResponder(InetAddress reported) {
    this(reported, Mode.XOR_MAPPED);
  }

  public StunResponder(InetAddress reported, Mode mode) {
    this.reported = reported;
    this.mode = mode;
    InetAddress ip = LoopbackAddresses.next();
    try {
      socket = new DatagramSocket(new InetSocketAddress(ip, 0));
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot listen on " + ip.getHostAddress(), e);
    }
    workers = new Workers("stun " + ip.getHostAddress() + ":" + socket.getLocalPort());
    workers.track(socket);
    workers.start("udp", this::serve);
  }

  /** From now on, reports {@code address}: the machine has moved to another network. */
  public void report(InetAddress address) {
    reported = address;
  }

  /** {@code ip:port}, as a STUN server list takes it. */
  public String hostPort() {
    return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
  }

  /** Binding requests received (retransmissions included). */
  public int requests() {
    return requests.get();
  }

  private void serve() {
    byte[] buf = new byte[1500];
    while (!workers.closed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException e) {
        return; // closed
      }
      if (p.getLength() < 20) {
        continue;
      }
      ByteBuffer in = ByteBuffer.wrap(p.getData(), 0, p.getLength());
      int type = in.getShort() & 0xffff;
      in.getShort();
      int cookie = in.getInt();
      byte[] tx = new byte[12];
      in.get(tx);
      if (type != 0x0001 || cookie != MAGIC_COOKIE) {
        continue;
      }
      int n = requests.incrementAndGet();
      if (mode == Mode.SILENT) {
        continue;
      }
      try {
        if (mode == Mode.GARBAGE_FIRST && n == 1) {
          byte[] junk = "not stun at all, just noise".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          socket.send(new DatagramPacket(junk, junk.length, p.getSocketAddress()));
        }
        byte[] answer = answer(tx, mode != Mode.MAPPED_ONLY);
        socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private byte[] answer(byte[] tx, boolean xor) {
    byte[] ip = reported.getAddress();
    int port = 54321;
    if (xor) {
      byte[] key = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(tx).array();
      ip = Arrays.copyOf(ip, ip.length);
      for (int i = 0; i < ip.length; i++) {
        ip[i] ^= key[i];
      }
      port ^= MAGIC_COOKIE >>> 16;
    }
    int valueLength = 4 + ip.length;
    // A SOFTWARE attribute first (padded), as real servers send, so the client must skip attributes it ignores.
    byte[] software = "kuzet-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int softwarePadded = (software.length + 3) / 4 * 4;
    ByteBuffer out = ByteBuffer.allocate(20 + 4 + softwarePadded + 4 + valueLength);
    out.putShort((short) 0x0101).putShort((short) (4 + softwarePadded + 4 + valueLength)).putInt(MAGIC_COOKIE).put(tx);
    out.putShort((short) 0x8022).putShort((short) software.length).put(software);
    out.put(new byte[softwarePadded - software.length]);
    out.putShort((short) (xor ? 0x0020 : 0x0001)).putShort((short) valueLength);
    out.put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2)).putShort((short) port).put(ip);
    return out.array();
  }

  @Override
  public void close() {
    workers.close();
  }
}
