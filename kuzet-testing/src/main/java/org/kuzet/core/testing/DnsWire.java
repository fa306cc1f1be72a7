package org.kuzet.core.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * Bare-wire DNS clients for tests of the harness itself and for scenario tests that want to see exactly what a
 * fake resolver sent: every UDP datagram (so an injected second reply is visible), no retries, no caching, no
 * validation. Not a resolver: the probe has its own.
 */
public final class DnsWire {
  private DnsWire() {}

  /** A recursion-desired query for {@code name} (made absolute) of {@code type}, with a random ID. */
  public static Message query(String name, int type) {
    try {
      return Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }

  /**
   * Sends one UDP query and returns every reply datagram that arrives within {@code window}, in arrival order
   * (empty if the server is silent). Replies are returned whatever their ID; callers check.
   */
  public static List<Message> udpAll(InetSocketAddress server, Message query, Duration window) throws IOException {
    List<Message> replies = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server);
      byte[] wire = query.toWire();
      socket.send(new DatagramPacket(wire, wire.length));
      byte[] buf = new byte[65_535];
      while (true) {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
          return replies;
        }
        socket.setSoTimeout((int) leftMillis);
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          return replies;
        }
        replies.add(new Message(Arrays.copyOf(buf, packet.getLength())));
      }
    }
  }

  /** The first UDP reply; SocketTimeoutException if none comes within {@code timeout}. */
  public static Message udp(InetSocketAddress server, Message query, Duration timeout) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server);
      socket.setSoTimeout((int) timeout.toMillis());
      byte[] wire = query.toWire();
      socket.send(new DatagramPacket(wire, wire.length));
      byte[] buf = new byte[65_535];
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      socket.receive(packet);
      return new Message(Arrays.copyOf(buf, packet.getLength()));
    }
  }

  /** One query over a fresh TCP connection; SocketTimeoutException if no reply within {@code timeout}. */
  public static Message tcp(InetSocketAddress server, Message query, Duration timeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      byte[] wire = query.toWire();
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(wire.length);
      out.write(wire);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int length = in.readUnsignedShort();
      return new Message(in.readNBytes(length));
    }
  }
}
