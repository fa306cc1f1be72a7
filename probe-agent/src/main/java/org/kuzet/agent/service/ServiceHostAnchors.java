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
   * (null: none), without duplicates.
   */
  public static List<Anchor> withServiceHosts(List<Anchor> foreign, List<String> controlUrls, String collector,
      Resolver resolver) {
    Set<Anchor> out = new LinkedHashSet<>(foreign);
    List<String> urls = new ArrayList<>();
    if (!controlUrls.isEmpty()) {
      urls.add(controlUrls.get(0));
    }
    if (collector != null) {
      urls.add(collector);
    }
    for (String url : urls) {
      Anchor a = anchorFor(url, resolver);
      if (a != null) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }

  /** The anchor for one service URL, or null when it has no public address now. */
  static Anchor anchorFor(String url, Resolver resolver) {
    URI uri = URI.create(url);
    String host = uri.getHost();
    if (host == null) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    InetAddress address = firstPublic(host, resolver);
    if (address == null) {
      return null;
    }
    InetSocketAddress endpoint = new InetSocketAddress(address, port);
    boolean literal = host.equals(address.getHostAddress()) || host.contains(":");
    // A TLS anchor needs a name to validate; a helper addressed by IP is only connected to.
    return https && !literal ? Anchor.tls(endpoint, host) : Anchor.tcp(endpoint);
  }

  private static InetAddress firstPublic(String host, Resolver resolver) {
    CompletableFuture<List<InetAddress>> lookup = CompletableFuture.supplyAsync(() -> {
      try {
        return resolver.resolve(host);
      } catch (UnknownHostException e) {
        return List.of();
      }
    });
    try {
      for (InetAddress a : lookup.get(RESOLVE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        if (!Bogons.isBogon(a)) {
          return a;
        }
      }
    } catch (TimeoutException | ExecutionException e) {
      lookup.cancel(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }
}
