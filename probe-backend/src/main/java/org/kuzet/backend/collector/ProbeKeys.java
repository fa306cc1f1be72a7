package org.kuzet.backend.collector;

import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.kuzet.schema.upload.ProbeKey;

/**
 * The probes' public keys as the collector checks signatures with them, decoded once per key rather than once per
 * measurement: a probe uploads thousands of measurements under one key, and decoding a key (a square root in the
 * field, then the full check that it is a point of the large prime-order subgroup) and hashing it for its
 * {@code key_id} cost as much as a tenth of each upload's CPU. At most {@value #MAX_KEYS} keys are kept; a full
 * cache is emptied and fills again (a client sending a new key with every item only costs what it would cost
 * without the cache). Thread-safe.
 */
final class ProbeKeys {
  static final int MAX_KEYS = 10_000;
  private static final ConcurrentHashMap<String, Key> KEYS = new ConcurrentHashMap<>();

  private ProbeKeys() {}

  /**
   * One probe's key: its {@code key_id} and its point, or a null point when the 32 bytes are not a usable Ed25519
   * public key (off the curve, not canonical, or of small order), so that nothing verifies under it.
   */
  record Key(String keyId, Ed25519.PublicPoint point) {
    /**
     * Whether {@code value} (base64) is this key's Ed25519 signature of {@code message} (RFC 8032, as
     * {@link ProbeKey#verify}). Bouncy Castle's, not the JDK's: JDK 17's EdDSA takes over 1 ms per signature, which
     * alone held a 2-core collector under 2,000 measurements/s; this one about a tenth of that. Never throws.
     */
    boolean verifies(String value, byte[] message) {
      if (point == null) {
        return false;
      }
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        return false;
      }
      if (sig.length != Ed25519.SIGNATURE_SIZE) {
        return false;
      }
      try {
        return Ed25519.verify(sig, 0, point, message, 0, message.length);
      } catch (RuntimeException e) {
        return false; // a malformed signature
      }
    }
  }

  /** The key whose base64 text is {@code publicKey}, or null when that is not the base64 of 32 bytes. */
  static Key of(String publicKey) {
    Key known = KEYS.get(publicKey);
    if (known != null) {
      return known;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(publicKey);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes.length != ProbeKey.KEY_BYTES) {
      return null;
    }
    Key key = decode(bytes);
    if (KEYS.size() >= MAX_KEYS) {
      KEYS.clear();
    }
    KEYS.put(publicKey, key);
    return key;
  }

  /** {@code bytes} (32) as a key, not cached. */
  static Key decode(byte[] bytes) {
    Ed25519.PublicPoint point;
    try {
      point = Ed25519.validatePublicKeyFullExport(bytes, 0);
    } catch (RuntimeException e) {
      point = null;
    }
    return new Key(ProbeKey.keyId(bytes), point);
  }

  /** How many keys are cached (for tests of the bound). */
  static int size() {
    return KEYS.size();
  }
}
