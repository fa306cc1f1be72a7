package org.kuzet.core.connectivity;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * Whether this machine is attached to a network at all: the seam between "the internet is cut" and "the laptop
 * is off Wi-Fi". {@link #SYSTEM} reads the kernel's routing table; tests supply a fixed answer.
 */
@FunctionalInterface
public interface LocalNetwork {

  /** The local link as seen now; never throws. */
  Link check();

  /** @param detail what was seen, for logs ("default route via 192.168.1.1 on wlan0", "no default route") */
  record Link(boolean up, String detail) {
    public static Link up(String detail) {
      return new Link(true, detail);
    }

    public static Link down(String detail) {
      return new Link(false, detail);
    }
  }

  /** A fixed answer (tests, or a platform where nothing better is known). */
  static LocalNetwork fixed(Link link) {
    return () -> link;
  }

  /**
   * Linux: up when {@code /proc/net/route} has a usable IPv4 default route or {@code /proc/net/ipv6_route} an
   * IPv6 one. Elsewhere (no /proc): up when any non-loopback interface is up, which is the best a JVM can tell.
   */
  LocalNetwork SYSTEM = () -> {
    Optional<Link> fromRoutes = ProcRoutes.read(Path.of("/proc/net/route"), Path.of("/proc/net/ipv6_route"));
    return fromRoutes.orElseGet(LocalNetwork::fromInterfaces);
  };

  private static Link fromInterfaces() {
    try {
      Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
      List<String> up = new ArrayList<>();
      while (all != null && all.hasMoreElements()) {
        NetworkInterface nif = all.nextElement();
        if (nif.isUp() && !nif.isLoopback() && nif.getInetAddresses().hasMoreElements()) {
          up.add(nif.getName());
        }
      }
      return up.isEmpty() ? Link.down("no network interface up besides loopback")
          : Link.up("interface up: " + String.join(", ", up));
    } catch (SocketException e) {
      return Link.down("cannot list network interfaces: " + e.getMessage());
    }
  }

  /** Parsing of the Linux routing tables, kept pure for tests. */
  final class ProcRoutes {
    private static final int RTF_UP = 0x1;
    private static final int RTF_REJECT = 0x200;

    private ProcRoutes() {}

    /** Empty when neither file can be read (not Linux, or /proc hidden by a sandbox). */
    static Optional<Link> read(Path v4, Path v6) {
      String route4 = readOrNull(v4);
      String route6 = readOrNull(v6);
      if (route4 == null && route6 == null) {
        return Optional.empty();
      }
      Optional<String> found = route4 == null ? Optional.empty() : ipv4Default(route4);
      if (found.isEmpty() && route6 != null) {
        found = ipv6Default(route6);
      }
      return Optional.of(found.map(Link::up).orElseGet(() -> Link.down("no default route")));
    }

    private static String readOrNull(Path p) {
      try {
        return Files.readString(p, StandardCharsets.US_ASCII);
      } catch (IOException | SecurityException e) {
        return null;
      }
    }

    /**
     * {@code /proc/net/route}: a header line, then "Iface Destination Gateway Flags …" with hex fields in host
     * (little-endian on x86/ARM) byte order. A default route has destination and mask 00000000 and the UP flag.
     */
    public static Optional<String> ipv4Default(String table) {
      String[] lines = table.split("\n");
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].trim().split("\\s+");
        if (f.length < 8) {
          continue;
        }
        int flags = parseHex(f[3]);
        if ("00000000".equals(f[1]) && "00000000".equals(f[7]) && (flags & RTF_UP) != 0
            && (flags & RTF_REJECT) == 0) {
          return Optional.of("default route via " + gateway(f[2]) + " on " + f[0]);
        }
      }
      return Optional.empty();
    }

    /**
     * {@code /proc/net/ipv6_route}: "dest destlen src srclen nexthop metric refcnt use flags iface", no header.
     * The loopback device carries unreachable ::/0 entries, so only routes on a non-lo interface count.
     */
    public static Optional<String> ipv6Default(String table) {
      for (String line : table.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
          continue;
        }
        int flags = parseHex(f[8]);
        if (f[0].matches("0{32}") && "00".equals(f[1]) && !"lo".equals(f[9]) && (flags & RTF_UP) != 0
            && (flags & RTF_REJECT) == 0) {
          return Optional.of("IPv6 default route on " + f[9]);
        }
      }
      return Optional.empty();
    }

    private static int parseHex(String s) {
      try {
        return (int) Long.parseLong(s, 16);
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private static String gateway(String hex) {
      int g = parseHex(hex);
      if (g == 0) {
        return "a directly attached link";
      }
      // Host byte order as printed by the kernel; on the little-endian machines kuzet runs on, reverse it.
      return (g & 0xff) + "." + (g >>> 8 & 0xff) + "." + (g >>> 16 & 0xff) + "." + (g >>> 24 & 0xff);
    }
  }
}
