package org.kuzet.agent.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kuzet.core.connectivity.Anchor;
import org.kuzet.core.net.Bogons;

/**
 * Adds the hosts kuzet itself depends on (the first control and the collector) to the foreign anchors: when
 * they cannot be reached, measurements cannot be compared or uploaded, whatever the public resolvers say.
 *
 * <p>Anchors are IP literals so that a check never depends on the DNS it judges; these hosts are therefore
 * resolved once, when the anchor list is built (service start, {@code run --once}), and an https host becomes a
 * {@code tls IP:PORT HOST} anchor (which an intercepting middlebox cannot satisfy), an http one a {@code tcp}
 * anchor. A host that does not resolve then, or only to a bogon address, is left out: the configured anchors
 * still decide.
 */
public final class ServiceHostAnchors {
  /** How long one name may take to resolve before it is left out. */
  static final long RESOLVE_TIMEOUT_MS = 3000;

  /** Resolves a host name; the default is the system resolver. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  public static final Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  private ServiceHostAnchors() {}

  /**
   * {@code foreign} followed by an anchor for the first of {@code controlUrls} and one for {@code collector}
   * (null: none), without duplicates. The names are looked up at the same time, so start-up waits at most one
   * lookup timeout however many there are.
   */
  public static List<Anchor> withServiceHosts(List<Anchor> foreign, List<String> controlUrls, String collector,
      Resolver resolver) {
    List<Lookup> lookups = new ArrayList<>();
    if (!controlUrls.isEmpty()) {
      lookups.add(Lookup.start(controlUrls.get(0), resolver));
    }
    if (collector != null) {
      lookups.add(Lookup.start(collector, resolver));
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESOLVE_TIMEOUT_MS);
    Set<Anchor> out = new LinkedHashSet<>(foreign);
    for (Lookup lookup : lookups) {
      Anchor a = lookup.anchor(deadline);
      if (a != null) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }

  /** One service URL whose host is being resolved. */
  private record Lookup(String host, boolean https, int port, CompletableFuture<List<InetAddress>> addresses) {
    static Lookup start(String url, Resolver resolver) {
      URI uri = URI.create(url);
      String host = uri.getHost();
      if (host == null) {
        return new Lookup(null, false, 0, CompletableFuture.completedFuture(List.of()));
      }
      String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      boolean https = "https".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
      return new Lookup(name, https, port, CompletableFuture.supplyAsync(() -> {
        try {
          return resolver.resolve(name);
        } catch (UnknownHostException e) {
          return List.of();
        }
      }));
    }

    /** The anchor on the first public address, or null when there is none by {@code deadline} (nanoTime). */
    Anchor anchor(long deadline) {
      try {
        for (InetAddress a : addresses.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          if (!Bogons.isBogon(a)) {
            InetSocketAddress endpoint = new InetSocketAddress(a, port);
            boolean literal = host.equals(a.getHostAddress()) || host.contains(":");
            // A TLS anchor needs a name to validate; a helper addressed by IP is only connected to.
            return https && !literal ? Anchor.tls(endpoint, host) : Anchor.tcp(endpoint);
          }
        }
      } catch (TimeoutException | ExecutionException e) {
        addresses.cancel(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }
}
