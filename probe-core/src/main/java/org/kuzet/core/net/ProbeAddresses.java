package org.kuzet.core.net;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The volunteer's own addresses, which no measurement may contain (the {@link org.kuzet.core.Scrubber} replaces
 * them in every measurement before anyone sees it). Three sources:
 * <ul>
 *   <li>the machine's interfaces ({@link NetworkInterface}), read again each time, so a new DHCP lease or a
 *       roaming laptop is covered; IPv6 link-local addresses too (their interface identifier may be the MAC);</li>
 *   <li>the local side of the probe's own connections ({@link #addLocal}), which catches an address the interface
 *       list does not show (a VPN, a container's view);</li>
 *   <li>the public address, known only from outside: the network-identity lookup (STUN, as OONI Probe) hands it
 *       to {@link #addPublic}. Without it, the public address is known only when the machine holds it itself
 *       (no NAT), through the first two sources. Behind NAT, a page that echoes the public address is not
 *       scrubbed until a lookup has fed it here.</li>
 * </ul>
 * Loopback and unspecified addresses are never scrubbed: they reveal nothing, and a DNS answer of 127.0.0.1 is
 * censorship evidence. Thread-safe; share one instance per run (or per process).
 */
public final class ProbeAddresses {
  private final boolean interfaces;
  private final Set<InetAddress> learned = ConcurrentHashMap.newKeySet();

  private ProbeAddresses(boolean interfaces, Collection<InetAddress> initial) {
    this.interfaces = interfaces;
    initial.forEach(this::add);
  }

  /** This machine's interfaces, plus whatever is added later. */
  public static ProbeAddresses system() {
    return new ProbeAddresses(true, Set.of());
  }

  /** Exactly {@code addresses} (tests, or a caller that knows better), plus whatever is added later. */
  public static ProbeAddresses of(Collection<InetAddress> addresses) {
    return new ProbeAddresses(false, addresses);
  }

  /** The public address found by the network-identity lookup: scrubbed from every later measurement. */
  public void addPublic(InetAddress address) {
    add(address);
  }

  /** The local side of one of the probe's connections. */
  public void addLocal(InetAddress address) {
    add(address);
  }

  private void add(InetAddress address) {
    if (address != null && worthScrubbing(address)) {
      learned.add(withoutScope(address));
    }
  }

  /** Every address to scrub now: the interfaces' (read now) and the learned ones. */
  public Set<InetAddress> current() {
    Set<InetAddress> all = new LinkedHashSet<>(learned);
    if (interfaces) {
      try {
        Enumeration<NetworkInterface> nics = NetworkInterface.getNetworkInterfaces();
        for (NetworkInterface nic : nics == null ? Collections.<NetworkInterface>emptyList()
            : Collections.list(nics)) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (worthScrubbing(a)) {
              all.add(withoutScope(a));
            }
          }
        }
      } catch (SocketException e) {
        // The interface list is unreadable (a sandbox): the learned addresses still apply.
      }
    }
    return Set.copyOf(all);
  }

  private static boolean worthScrubbing(InetAddress a) {
    return !a.isLoopbackAddress() && !a.isAnyLocalAddress() && !a.isMulticastAddress();
  }

  /** fe80::1%eth0 and fe80::1 are one address to a page. */
  private static InetAddress withoutScope(InetAddress a) {
    try {
      return InetAddress.getByAddress(a.getAddress());
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes from an InetAddress are always valid
    }
  }

  @Override
  public String toString() {
    return "ProbeAddresses[" + (interfaces ? "interfaces + " : "") + learned.size() + " learned]";
  }

}
