package org.kuzet.core.identity;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Learns this machine's public address as OONI Probe does: a STUN binding request (RFC 5389) over UDP, the answer's
 * XOR-MAPPED-ADDRESS (or the classic MAPPED-ADDRESS of older servers). Servers are tried in turn, each for at most
 * {@code timeout} (the request is sent again twice within it, as UDP may drop it).
 *
 * <p>The address found is handed to the caller and nowhere else: nothing here logs or keeps it, and a failure's
 * message names only the server.
 */
public final class StunClient {
  /** The public servers OONI Probe's IP lookup uses (probe-cli internal/enginelocate). */
  public static final List<String> OONI_SERVERS = List.of("stun.cloudflare.com:3478", "stun.l.google.com:19302");

  public static final int DEFAULT_PORT = 3478;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  static final int MAGIC_COOKIE = 0x2112A442;
  static final int BINDING_REQUEST = 0x0001;
  static final int BINDING_SUCCESS = 0x0101;
  static final int MAPPED_ADDRESS = 0x0001;
  static final int XOR_MAPPED_ADDRESS = 0x0020;
  /** XOR-MAPPED-ADDRESS as some servers still number it (from a draft of RFC 5389). */
  static final int XOR_MAPPED_ADDRESS_OLD = 0x8020;
  private static final int ATTEMPTS = 3;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Why no address was learned: each server tried and how it failed (no address in it). */
  public record Failure(List<String> perServer) {
    public Failure {
      perServer = List.copyOf(perServer);
    }

    @Override
    public String toString() {
      return String.join("; ", perServer);
    }
  }

  /** The outcome: an address, or why there is none. */
  public record Result(Optional<InetAddress> address, Failure failure) {
    @Override
    public String toString() {
      return address.isPresent() ? "address found" : "no address: " + failure; // never the address itself
    }
  }

  private final List<String> servers;
  private final Duration timeout;

  /** @param servers {@code host:port} ({@code [v6]:port}; port 3478 when left out), tried in order */
  public StunClient(List<String> servers, Duration timeout) {
    this.servers = List.copyOf(servers);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    for (String s : this.servers) {
      endpoint(s); // rejects a malformed entry now, not at the first lookup
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("STUN timeout must be positive, got " + timeout);
    }
  }

  public List<String> servers() {
    return servers;
  }

  /** Asks the servers in turn; the first valid answer wins. */
  public Result publicAddress() throws InterruptedException {
    List<String> failures = new ArrayList<>();
    for (String server : servers) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      try {
        return new Result(Optional.of(ask(server)), null);
      } catch (IOException e) {
        failures.add(server + ": " + e.getMessage());
      }
    }
    return new Result(Optional.empty(), new Failure(failures.isEmpty() ? List.of("no STUN server configured")
        : failures));
  }

  private InetAddress ask(String server) throws IOException {
    InetSocketAddress to = resolve(endpoint(server));
    byte[] transaction = new byte[12];
    RANDOM.nextBytes(transaction);
    byte[] request = ByteBuffer.allocate(20).putShort((short) BINDING_REQUEST).putShort((short) 0)
        .putInt(MAGIC_COOKIE).put(transaction).array();
    long deadline = System.nanoTime() + timeout.toNanos();
    long resendEvery = timeout.toNanos() / ATTEMPTS;
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(to);
      byte[] buf = new byte[1500];
      long nextSend = System.nanoTime();
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          throw new IOException("no answer within " + timeout.toMillis() + " ms");
        }
        if (now - nextSend >= 0) {
          socket.send(new DatagramPacket(request, request.length));
          nextSend = now + resendEvery;
        }
        long wait = Math.min(deadline - now, nextSend - now);
        socket.setSoTimeout((int) Math.max(1, wait / 1_000_000));
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (SocketTimeoutException e) {
          continue;
        } catch (java.net.PortUnreachableException e) {
          throw new IOException("port unreachable");
        }
        InetAddress mapped = parseResponse(Arrays.copyOf(p.getData(), p.getLength()), transaction);
        if (mapped != null) {
          return mapped;
        }
      }
    }
  }

  /**
   * The mapped address of a binding success response to {@code transaction}, or null for a datagram that is not
   * one (another transaction, garbage): such datagrams are ignored, not fatal.
   */
  static InetAddress parseResponse(byte[] packet, byte[] transaction) throws IOException {
    if (packet.length < 20) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(packet);
    int type = b.getShort() & 0xffff;
    int length = b.getShort() & 0xffff;
    int cookie = b.getInt();
    byte[] tx = new byte[12];
    b.get(tx);
    if (cookie != MAGIC_COOKIE || !Arrays.equals(tx, transaction) || 20 + length > packet.length) {
      return null;
    }
    if (type != BINDING_SUCCESS) {
      throw new IOException("the server refused the binding request (message type 0x" + Integer.toHexString(type)
          + ")");
    }
    InetAddress plain = null;
    int end = 20 + length;
    while (b.position() + 4 <= end) {
      int attr = b.getShort() & 0xffff;
      int len = b.getShort() & 0xffff;
      if (b.position() + len > end) {
        break;
      }
      byte[] value = new byte[len];
      b.get(value);
      b.position(Math.min(end, b.position() + ((4 - len % 4) % 4))); // attributes are padded to 4 bytes
      if (attr == XOR_MAPPED_ADDRESS || attr == XOR_MAPPED_ADDRESS_OLD) {
        return address(value, transaction, true);
      }
      if (attr == MAPPED_ADDRESS) {
        plain = address(value, transaction, false);
      }
    }
    if (plain != null) {
      return plain;
    }
    throw new IOException("the answer carries no mapped address");
  }

  private static InetAddress address(byte[] value, byte[] transaction, boolean xor) throws IOException {
    if (value.length < 8) {
      throw new IOException("malformed mapped address");
    }
    int family = value[1];
    int size = family == 0x01 ? 4 : family == 0x02 ? 16 : -1;
    if (size < 0 || value.length < 4 + size) {
      throw new IOException("malformed mapped address (family " + family + ")");
    }
    byte[] ip = Arrays.copyOfRange(value, 4, 4 + size);
    if (xor) {
      byte[] key = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transaction).array();
      for (int i = 0; i < size; i++) {
        ip[i] ^= key[i];
      }
    }
    return InetAddress.getByAddress(ip);
  }

  /** Parses {@code host[:port]}, {@code [v6][:port]}; throws IllegalArgumentException naming the entry. */
  public static HostPort endpoint(String text) {
    String s = text.strip();
    String host = s;
    int port = DEFAULT_PORT;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 < s.length() && s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("'" + text + "' is not host:port (write e.g. stun.example.org:3478)");
      }
      host = s.substring(1, close);
      if (close + 2 <= s.length() - 1) {
        port = port(s.substring(close + 2), text);
      }
    } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = port(s.substring(s.indexOf(':') + 1), text);
    }
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("'" + text + "' is not host:port (write e.g. stun.example.org:3478)");
    }
    return new HostPort(host, port);
  }

  private static int port(String p, String text) {
    try {
      int port = Integer.parseInt(p);
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': bad port '" + p + "' (1-65535)");
    }
  }

  /** A STUN server's name (or literal) and port. */
  public record HostPort(String host, int port) {}

  private static InetSocketAddress resolve(HostPort hp) throws IOException {
    try {
      // Names go through the system resolver, as OONI Probe's lookup does; literals are not looked up.
      return new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port());
    } catch (UnknownHostException e) {
      throw new IOException("cannot resolve the name");
    }
  }
}
