package org.kuzet.schema.upload;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.kuzet.schema.CanonicalJson;
import org.kuzet.schema.MeasurementSignature;

/**
 * A probe's Ed25519 identity, the signing half of the upload protocol ({@link UploadProtocol}, docs/SIGNATURES.md).
 * The public key's fingerprint is the only thing that identifies a probe to a collector: no IP address, no hardware
 * identifier. Signatures are over {@link CanonicalJson} bytes of the measurement, so anyone holding the
 * measurement and the public key can check it. Uses the JDK's own Ed25519 (RFC 8032); keys travel raw (32 bytes).
 */
public final class ProbeKey {
  /** Length of a raw Ed25519 private key (the seed) and public key. */
  public static final int KEY_BYTES = 32;

  /** DER prefixes of an Ed25519 PKCS#8 private key and SubjectPublicKeyInfo (RFC 8410): the raw 32 bytes follow. */
  private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final byte[] seed;
  private final PrivateKey privateKey;
  private final byte[] publicKey;

  private ProbeKey(byte[] seed) {
    this.seed = seed.clone();
    try {
      // The JDK derives the public key only while generating a pair; it draws the 32-byte seed from the random
      // source, so a source that yields exactly this seed derives this key's public half.
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedOnce(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      this.publicKey = Arrays.copyOfRange(spki, spki.length - KEY_BYTES, spki.length);
      this.privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(PKCS8_PREFIX,
          seed)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is required of every Java 15+ platform", e);
    }
  }

  public static ProbeKey generate(SecureRandom random) {
    byte[] seed = new byte[KEY_BYTES];
    random.nextBytes(seed);
    return new ProbeKey(seed);
  }

  /** The key from its 32-byte seed (as stored in the probe's key file). */
  public static ProbeKey fromSeed(byte[] seed) {
    if (seed.length != KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 private key is " + KEY_BYTES + " bytes, got " + seed.length);
    }
    return new ProbeKey(seed);
  }

  public byte[] seed() {
    return seed.clone();
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** {@code ed25519:} and the hex SHA-256 of the raw public key: the probe's name at the collector. */
  public String keyId() {
    return keyId(publicKey);
  }

  public static String keyId(byte[] publicKey) {
    try {
      return "ed25519:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Signs the canonical bytes of {@code measurementJson} (the measurement exactly as it will be uploaded). */
  public MeasurementSignature sign(JsonNode measurementJson) {
    byte[] signature;
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(privateKey);
      signer.update(CanonicalJson.encode(measurementJson));
      signature = signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
    Base64.Encoder b64 = Base64.getEncoder();
    return new MeasurementSignature(MeasurementSignature.ALGORITHM, b64.encodeToString(publicKey), keyId(),
        b64.encodeToString(signature));
  }

  /**
   * True when {@code signature} is a valid Ed25519 signature by its stated public key over the canonical bytes of
   * {@code measurementJson}, and its key id matches that key. Never throws for malformed input; returns false.
   */
  public static boolean verify(JsonNode measurementJson, MeasurementSignature signature) {
    try {
      if (!MeasurementSignature.ALGORITHM.equals(signature.alg())) {
        return false;
      }
      byte[] pub = Base64.getDecoder().decode(signature.publicKey());
      byte[] sig = Base64.getDecoder().decode(signature.value());
      if (pub.length != KEY_BYTES || sig.length != 64 || !keyId(pub).equals(signature.keyId())) {
        return false;
      }
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(SPKI_PREFIX,
          pub))));
      verifier.update(CanonicalJson.encode(measurementJson));
      return verifier.verify(sig);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false; // bad base64, a malformed key (not a point on the curve) or signature
    }
  }

  private static byte[] der(byte[] prefix, byte[] raw) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + raw.length);
    System.arraycopy(raw, 0, out, prefix.length, raw.length);
    return out;
  }

  @Override
  public String toString() {
    return "ProbeKey[" + keyId() + "]"; // never the private key
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeKey k && Arrays.equals(publicKey, k.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  /** A random source that yields one given seed, once (see the constructor). */
  private static final class SeedOnce extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private transient byte[] seed;

    SeedOnce(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (seed == null || bytes.length != seed.length) {
        throw new IllegalStateException("the Ed25519 key generator asked for other bytes than the seed");
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
      seed = null;
    }
  }
}
