package org.kuzet.agent.upload;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import org.kuzet.schema.upload.UploadProtocol;

/** The collector URL an {@link Uploader} accepts: measurements leave this machine over https only. */
final class CollectorUrl {
  private CollectorUrl() {}

  /**
   * {@code uri} as the uploader posts to it: https (plain http only to this machine), no user, query or fragment;
   * a bare host gets the protocol's path. IllegalArgumentException naming the URL and the problem otherwise.
   */
  static URI check(URI uri) {
    Objects.requireNonNull(uri, "collector");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("collector URL " + uri + " is not an https:// URL");
    }
    if (scheme.equals("http") && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException("collector URL " + uri + " is plain http; measurements travel only"
          + " over https (http is allowed for a collector on this machine)");
    }
    if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("collector URL " + uri + " has a user, query or fragment; give"
          + " scheme://host[:port][/path] only");
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return uri.resolve(UploadProtocol.PATH);
    }
    return uri;
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name: deciding would need a DNS lookup, and a name is not "this machine" anyway
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
